"""A local stand-in for Stripe on 127.0.0.1: Checkout Sessions, a hosted payment page, refunds, signed webhooks.

It speaks the shapes of Stripe's API (form-encoded requests, JSON objects with `object`, errors as
{"error": {...}}) and signs events in Stripe's `Stripe-Signature` format (`t=…,v1=HMAC-SHA256(secret,
"t.payload")`), so the official SDK talks to it unchanged and verifies its webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_KEY = "sk_test_mikhak"
WEBHOOK_SECRET = "whsec_test_mikhak"


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header of ``payload``."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def _nested(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (a[b][0][c]=v) back to nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            if following is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class FakeStripe:
    """The server's state; ``webhook_url`` receives events ``webhook_times`` times each (0: never)."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict] = {}
        self.by_idempotency: dict[str, str] = {}
        self.refunds: list[dict] = []
        self.events: list[dict] = []
        self.webhook_url = ""
        self.webhook_times = 1
        self.deliveries: list[int] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeStripe:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- behaviour --------------------------------------------------------------------------------
    def create_session(self, params: dict[str, Any], idempotency_key: str) -> dict:
        if idempotency_key and idempotency_key in self.by_idempotency:
            return self.sessions[self.by_idempotency[idempotency_key]]
        item = params["line_items"][0]
        price = item["price_data"]
        sid = "cs_test_" + secrets.token_hex(12)
        session = {
            "id": sid, "object": "checkout.session", "mode": params.get("mode"), "livemode": False,
            "amount_subtotal": int(price["unit_amount"]) * int(item.get("quantity", 1)),
            "amount_total": int(price["unit_amount"]) * int(item.get("quantity", 1)),
            "currency": price["currency"], "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}), "payment_intent": None, "payment_status": "unpaid",
            "status": "open", "success_url": params["success_url"], "cancel_url": params["cancel_url"],
            "url": f"{self.base}/c/pay/{sid}", "created": int(time.time()),
            "line_items_description": price.get("product_data", {}).get("name", ""),
        }
        self.sessions[sid] = session
        if idempotency_key:
            self.by_idempotency[idempotency_key] = sid
        return session

    def pay(self, sid: str) -> dict:
        """Complete a session as the hosted page does when the card is accepted; send its event."""
        session = self.sessions[sid]
        if session["payment_status"] != "paid":
            session.update(status="complete", payment_status="paid", payment_intent="pi_" + secrets.token_hex(12))
            event = {"id": "evt_" + secrets.token_hex(12), "object": "event", "api_version": "2025-09-30.clover",
                     "created": int(time.time()), "livemode": False, "pending_webhooks": 1,
                     "type": "checkout.session.completed", "data": {"object": dict(session)},
                     "request": {"id": None, "idempotency_key": None}}
            self.events.append(event)
            for _ in range(self.webhook_times):
                self.deliver(event)
        return session

    def deliver(self, event: dict) -> int:
        """POST one event, signed, to ``webhook_url``; return the status the app answered."""
        if not self.webhook_url:
            return 0
        payload = json.dumps(event).encode()
        request = urllib.request.Request(self.webhook_url, data=payload, method="POST", headers={  # noqa: S310
            "Content-Type": "application/json; charset=utf-8", "Stripe-Signature": sign(payload),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310 (the test's loopback webhook URL)
            self.deliveries.append(response.status)
            return response.status

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Request-Id", "req_" + secrets.token_hex(8))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, message: str) -> None:
                self._json(status, {"error": {"type": "invalid_request_error", "message": message}})

            def _authorized(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    self._json(401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}})
                    return False
                return True

            def _form(self) -> dict[str, Any]:
                length = int(self.headers.get("Content-Length") or 0)
                return _nested(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path.startswith("/v1/checkout/sessions/"):
                    if self._authorized():
                        found = fake.sessions.get(path.rsplit("/", 1)[-1])
                        self._json(200, found) if found else self._error(404, "No such checkout.session")
                    return
                if path.startswith("/c/pay/"):
                    session = fake.sessions.get(path.rsplit("/", 1)[-1])
                    if session is None:
                        self.send_error(404)
                        return
                    amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
                    html = (f"<!doctype html><html lang='en'><head><title>Pay {amount}</title></head><body><main>"
                            f"<h1>Pay {amount}</h1><p>{session['line_items_description']}</p>"
                            f"<form method='post'><label for='card'>Card number</label>"
                            f"<input id='card' name='card' value='4242 4242 4242 4242'>"
                            f"<button type='submit'>Pay</button></form></main></body></html>").encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(html)))
                    self.end_headers()
                    self.wfile.write(html)
                    return
                self._error(404, "Unrecognized request URL")

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                if path == "/v1/checkout/sessions":
                    if self._authorized():
                        self._json(200, fake.create_session(self._form(), self.headers.get("Idempotency-Key", "")))
                    return
                if path == "/v1/refunds":
                    if not self._authorized():
                        return
                    params = self._form()
                    paid = [s for s in fake.sessions.values() if s["payment_intent"] == params.get("payment_intent")]
                    if not paid:
                        self._error(404, "No such payment_intent")
                        return
                    refund = {"id": "re_" + secrets.token_hex(12), "object": "refund", "status": "succeeded",
                              "amount": int(params["amount"]), "currency": paid[0]["currency"],
                              "payment_intent": params["payment_intent"]}
                    fake.refunds.append(refund)
                    self._json(200, refund)
                    return
                if path.startswith("/c/pay/"):
                    sid = path.rsplit("/", 1)[-1]
                    if sid not in fake.sessions:
                        self.send_error(404)
                        return
                    self._form()
                    session = fake.pay(sid)
                    self.send_response(303)
                    self.send_header("Location", session["success_url"].replace("{CHECKOUT_SESSION_ID}", sid))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._error(404, "Unrecognized request URL")

        return Handler
