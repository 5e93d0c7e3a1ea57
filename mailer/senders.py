"""Delivery backends: smtp (production), console (prints each message) and file (.eml files)."""

from __future__ import annotations

import os
import secrets
import smtplib
import ssl
import sys
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any


class SenderUnavailable(Exception):
    """The backend cannot take messages now (server down, refused login): stop the batch, retry later."""


class MessageRejected(Exception):
    """The backend refused this one message for good (a 5xx answer): do not retry it automatically."""


class Sender(ABC):
    """A delivery backend used for one batch: ``send`` each message, then ``close``."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config

    @abstractmethod
    def send(self, message: EmailMessage) -> None:
        """Deliver one message or raise."""

    def reachable(self) -> bool:
        """Return whether the backend takes messages now (no message is sent)."""
        return True

    def close(self) -> None:  # noqa: B027 (a hook: only backends holding a connection override it)
        """Release what the batch held (a connection)."""

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SmtpSender(Sender):
    """Send through an SMTP server: STARTTLS or implicit TLS, optional login, one connection per batch."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__(config)
        self._smtp: smtplib.SMTP | None = None

    def _ehlo_name(self) -> str:
        """The name this client gives in EHLO: configured, or the domain of MAIL_FROM.

        Without one, smtplib asks ``socket.getfqdn()``, a reverse DNS look-up that can hang far longer
        than MAIL_TIMEOUT on a network without a reachable resolver.
        """
        configured = self.config.get("MAIL_EHLO_HOSTNAME")
        if configured:
            return configured
        address = parseaddr(self.config.get("MAIL_FROM", ""))[1]
        return address.rpartition("@")[2] or "localhost"

    def _connect(self) -> smtplib.SMTP:
        """Open, secure and authenticate a connection, or raise SenderUnavailable."""
        host, port, timeout = self.config["MAIL_SERVER"], int(self.config["MAIL_PORT"]), self.config["MAIL_TIMEOUT"]
        smtp: smtplib.SMTP | None = None
        try:
            if self.config["MAIL_USE_SSL"]:
                smtp = smtplib.SMTP_SSL(host, port, local_hostname=self._ehlo_name(), timeout=timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(host, port, local_hostname=self._ehlo_name(), timeout=timeout)
            smtp.ehlo()
            if self.config["MAIL_USE_TLS"] and not self.config["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.config["MAIL_USERNAME"]:
                smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        except OSError as exc:  # smtplib.SMTPException is an OSError too
            if smtp is not None:
                smtp.close()
            raise SenderUnavailable(f"SMTP server {host}:{port} unavailable: {exc}") from exc
        return smtp

    def reachable(self) -> bool:
        """Connect (kept for the batch that follows); False when the server is unavailable."""
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except SenderUnavailable:
                return False
        return True

    def send(self, message: EmailMessage) -> None:
        """Send ``message``; reconnect once when the server closed an idle connection."""
        for attempt in (1, 2):
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                self._smtp.send_message(message)
                return
            except smtplib.SMTPServerDisconnected as exc:
                self.close()
                if attempt == 2:
                    raise SenderUnavailable(f"SMTP server disconnected: {exc}") from exc
            except smtplib.SMTPRecipientsRefused as exc:
                if all(code >= 500 for code, _reply in exc.recipients.values()):
                    raise MessageRejected(f"recipient refused: {exc.recipients}") from exc
                raise
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                if exc.smtp_code >= 500:
                    raise MessageRejected(f"message refused: {exc.smtp_code} {exc.smtp_error!r}") from exc
                raise
            except smtplib.SMTPNotSupportedError as exc:  # e.g. a non-ASCII address without SMTPUTF8
                raise MessageRejected(f"message not supported by the server: {exc}") from exc
            except smtplib.SMTPResponseException:
                raise
            except OSError as exc:  # a time-out or reset in the middle of a transaction
                self.close()
                raise SenderUnavailable(f"SMTP connection failed: {exc}") from exc

    def close(self) -> None:
        """Say goodbye to the server, or just drop the connection when it is already gone."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except OSError:
            smtp.close()


class ConsoleSender(Sender):
    """Print each message (headers and text part) to standard output, for development."""

    def send(self, message: EmailMessage) -> None:
        """Write the readable form of ``message`` to stdout."""
        text = message.get_body(preferencelist=("plain",))
        lines = [f"{name}: {message[name]}" for name in ("Message-ID", "Date", "From", "To", "Subject")]
        body = text.get_content() if text is not None else ""
        stream = sys.stdout
        stream.write("---------- mail ----------\n" + "\n".join(lines) + "\n\n" + body.rstrip("\n")
                     + "\n---------- end of mail ----------\n")
        stream.flush()


class FileSender(Sender):
    """Write each message as an RFC 5322 ``.eml`` file under MAIL_FILE_DIR (written whole, then renamed)."""

    def reachable(self) -> bool:
        """Return whether MAIL_FILE_DIR can be written to."""
        directory = Path(self.config["MAIL_FILE_DIR"])
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return os.access(directory, os.W_OK)

    def send(self, message: EmailMessage) -> None:
        """Store ``message`` as a new file."""
        directory = Path(self.config["MAIL_FILE_DIR"])
        try:
            directory.mkdir(parents=True, exist_ok=True)
            name = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{secrets.token_hex(6)}.eml"
            partial = directory / f".{name}.part"
            partial.write_bytes(message.as_bytes())
            os.replace(partial, directory / name)
        except OSError as exc:
            raise SenderUnavailable(f"cannot write to {directory}: {exc}") from exc


SENDERS: dict[str, type[Sender]] = {"smtp": SmtpSender, "console": ConsoleSender, "file": FileSender}


def check_backend(name: str) -> None:
    """Raise ValueError unless ``name`` is a known backend."""
    if name not in SENDERS:
        raise ValueError(f"MAIL_BACKEND must be one of {', '.join(sorted(SENDERS))}, not {name!r}")


def open_sender(config: Mapping[str, Any]) -> Sender:
    """Return the configured backend for one batch."""
    check_backend(config["MAIL_BACKEND"])
    return SENDERS[config["MAIL_BACKEND"]](config)
