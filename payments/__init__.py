"""Payments of consular fees: at the counter, by bank transfer (slip), online by card; receipts and reconciliation.

Public API:
    from payments.ledger import assess_request, balance     # the fee a request owes, what it paid
    from payments.counter import record_counter_payment
    from payments.transfer import submit_slip, decide_slip
    from payments.online import start_checkout, apply_session, handle_event, poll_pending
    from payments.refunds import refund
    from payments.reconcile import reconcile
"""

from __future__ import annotations

from flask import Flask

from core import config
from payments import models  # noqa: F401  (the payment tables and their backrefs on the core's models)

DEFAULTS = {
    "PAYMENT_PROVIDER": "stripe",
    "STRIPE_SECRET_KEY": "",  # sk_live_… in production
    "STRIPE_WEBHOOK_SECRET": "",  # whsec_… of the webhook endpoint /payments/webhooks/stripe
    "STRIPE_API_BASE": "",  # empty: Stripe itself; tests point it at their local server
    "STRIPE_CHECKOUT_ORIGIN": "https://checkout.stripe.com",  # where the hosted page lives (CSP form-action)
}
PAGES_WITH_CHECKOUT = ("my_requests.detail",)


def init_app(app: Flask) -> None:
    """Settings (from the environment), the applicant pages and webhook, template helpers and the CLI."""
    for key, value in config.from_environment(DEFAULTS).items():
        app.config.setdefault(key, value)
    from payments import cli, views
    from payments.panel import payment_panel
    from payments.receipts import method_label, payment_status_label, reconcile_label

    app.register_blueprint(views.bp)
    app.extensions["csrf"].exempt(views.stripe_webhook)  # CSRFProtect, set up by create_app first
    app.jinja_env.globals.update(payment_panel_for=payment_panel, method_label=method_label,
                                 payment_status_label=payment_status_label, reconcile_label=reconcile_label,
                                 current_staff_is_admin=_staff_is_admin)
    app.cli.add_command(cli.payments_cli)
    app.after_request(_allow_checkout_form)
    from payments.guard import register

    register()  # the workflow requirement `paid: true`


def _allow_checkout_form(response):
    """Let the request page's "pay online" form be redirected to the provider's hosted page (CSP form-action);
    runs before web.security's headers, which keep a policy already set."""
    from flask import current_app, request

    from web.security import CSP

    if request.endpoint in PAGES_WITH_CHECKOUT:
        origin = current_app.config["STRIPE_CHECKOUT_ORIGIN"]
        response.headers["Content-Security-Policy"] = CSP.replace("form-action 'self'", f"form-action 'self' {origin}")
    return response


def _staff_is_admin() -> bool:
    """Whether the signed-in staff member is an admin (refund forms are shown to admins only)."""
    from admin.base import current_staff

    staff = current_staff()
    return bool(staff and staff.is_admin)
