"""Transports: the built-in outbox, SMTP with one connection per batch, and apprise for the rest."""

from __future__ import annotations

import copy
import logging
import re
import smtplib
import ssl
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate
from functools import lru_cache
from urllib.parse import parse_qs, quote, unquote, urlsplit

import apprise

from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.base import Channel, OutgoingMessage, SendReceipt, TransportError
from crisis_app.core.notifications.models import OutboxMessage

# HTTP statuses a provider answers when retrying later may work (RFC 9110, and 429 Too Many Requests).
TEMPORARY_STATUSES = {408, 425, 429}
_HTTP_ERROR = re.compile(r"error=(\d{3})")


class OutboxChannel(Channel):
    """The embedded default: what would have left the machine is written to a table and shown in a page."""

    def __init__(self, kind: str):
        self.kind = kind

    def send(self, message: OutgoingMessage) -> SendReceipt:
        row = OutboxMessage(channel=self.kind, address=message.address, subject=message.subject,
                            body=message.body, reference=message.reference, message_id=message.message_id,
                            attachment_names=[a.filename for a in message.attachments], at=utcnow())
        db.session.add(row)
        return SendReceipt(reference=message.reference, provider_ref=f"outbox:{message.reference}")


class AppriseChannel(Channel):
    """Any apprise service. ``url_template`` holds ``{to}`` for the recipient and may hold ``{ref}``, the
    delivery's idempotency key, for gateways that deduplicate or echo it in their receipts.

    One service instance per recipient (apprise waits 5.5 s between two sends of one instance), created from the
    template parsed once per batch: parsing a URL costs apprise more than sending the message."""

    _TO, _REF = "vigie0to0placeholder", "vigie0ref0placeholder"

    def url_for(self, message: OutgoingMessage) -> str:
        return (self.url_template.replace("{to}", quote(message.address, safe=""))
                .replace("{ref}", quote(message.reference, safe="")))

    def _service_for(self, message: OutgoingMessage):
        if self._parsed is None:
            template = self.url_template.replace("{to}", self._TO).replace("{ref}", self._REF)
            self._parsed = apprise.plugins.url_to_dict(template) or {}
        if not self._parsed:
            raise TransportError("URL de canal apprise invalide", permanent=True)
        values = _substitute(copy.deepcopy(self._parsed), {self._TO: message.address, self._REF: message.reference})
        service = apprise.Apprise.instantiate(values)
        if service is None:
            raise TransportError("URL de canal apprise invalide", permanent=True)
        return service

    def __init__(self, kind: str, url_template: str, threads: int = 8):
        self.kind = kind
        self.url_template = url_template
        self.threads = threads  # sends in flight in one process: a provider answers slower than we build a message
        self._parsed: dict | None = None

    def send(self, message: OutgoingMessage) -> SendReceipt:
        service = self._service_for(message)
        attach = _apprise_attachments(message) if getattr(service, "attachment_support", False) else None
        with _ThreadLog.capture() as captured:
            ok = service.notify(body=message.body, title=message.subject or "", attach=attach)
        if ok:
            return SendReceipt(reference=message.reference)
        raise classify_apprise_failure("\n".join(captured))

    def _attempt(self, message: OutgoingMessage) -> SendReceipt | TransportError:
        try:
            return self.send(message)
        except TransportError as exc:
            return exc
        except (ValueError, TypeError, UnicodeError) as exc:  # a message apprise cannot write: same at every try
            return TransportError(f"message impossible à écrire ({type(exc).__name__})", permanent=True)

    def send_many(self, messages: Iterable[OutgoingMessage]) -> Iterator[tuple[OutgoingMessage,
                                                                          SendReceipt | TransportError]]:
        """Up to ``threads`` sends in flight (each to its own service instance); results come back in order.

        ``messages`` is consumed in this thread, so the caller's rate limiter still paces every send."""
        if self.threads <= 1:
            yield from super().send_many(messages)
            return
        pending: deque[tuple[OutgoingMessage, Future]] = deque()
        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="apprise") as pool:
            for message in messages:
                pending.append((message, pool.submit(self._attempt, message)))
                while len(pending) >= self.threads:
                    first, future = pending.popleft()
                    yield first, future.result()
            while pending:
                first, future = pending.popleft()
                yield first, future.result()


class _ThreadLog(logging.Handler):
    """apprise tells the provider's HTTP status only in its log: keep each thread's warnings for its own send
    (``apprise.LogCapture`` gathers every thread's lines into one buffer)."""

    _installed: _ThreadLog | None = None
    _lock = threading.Lock()

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.lines: dict[int, list[str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        bucket = self.lines.get(threading.get_ident())
        if bucket is not None:
            bucket.append(record.getMessage())

    @classmethod
    @contextmanager
    def capture(cls):
        with cls._lock:
            if cls._installed is None:
                cls._installed = cls()
                logging.getLogger("apprise").addHandler(cls._installed)
        handler, ident = cls._installed, threading.get_ident()
        lines: list[str] = []
        handler.lines[ident] = lines
        try:
            yield lines
        finally:
            handler.lines.pop(ident, None)


def _apprise_attachments(message: OutgoingMessage):
    """The message's files for services that take attachments (e-mail, Matrix…); others get the text only."""
    if not message.attachments:
        return None
    from apprise.attachment.memory import AttachMemory

    return apprise.AppriseAttachment([AttachMemory(content=a.content, name=a.filename, mimetype=a.media_type)
                                      for a in message.attachments])


def _substitute(value, replacements: dict[str, str]):
    """Replace placeholders in every string of a parsed URL (query values, targets, paths…)."""
    if isinstance(value, str):
        for placeholder, real in replacements.items():
            value = value.replace(placeholder, real)
        return value
    if isinstance(value, dict):
        return {k: _substitute(v, replacements) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return type(value)(_substitute(v, replacements) for v in value)
    return value


def classify_apprise_failure(log_text: str) -> TransportError:
    """A 4xx answer (but 408/425/429) is the provider refusing this message: retrying will not help."""
    match = _HTTP_ERROR.search(log_text)
    status = int(match.group(1)) if match else None
    permanent = status is not None and 400 <= status < 500 and status not in TEMPORARY_STATUSES
    reason = f"le fournisseur a répondu {status}" if status else "fournisseur injoignable"
    return TransportError(reason, permanent=permanent)


def build_or_refuse(build, message: OutgoingMessage):
    """``build(message)``, or a permanent failure saying why: a message that cannot be written (a line feed in a
    subject: "Header values may not contain linefeed…") fails the same way at every try, so it is not retried."""
    try:
        return build(message)
    except (ValueError, TypeError, UnicodeError) as exc:
        detail = str(exc).splitlines()[0][:150] if str(exc) else type(exc).__name__
        hint = " (saut de ligne dans l'objet ?)" if "linefeed" in detail or "carriage" in detail else ""
        raise TransportError(f"message impossible à écrire : en-tête invalide{hint} — {detail}",
                             permanent=True) from exc


@lru_cache(maxsize=4)
def _tls_context() -> ssl.SSLContext:
    # Built once per process: loading the CA store costs ~14 ms, more than sending a message.
    return ssl.create_default_context()


class SmtpChannel(Channel):
    """E-mail over SMTP, one connection reused for a whole batch, each recipient's result recorded.

    ``url``: ``smtp://user:password@host:port?starttls=1`` or ``smtps://…``; ``sender`` the From address.
    """

    kind = "email"

    def __init__(self, url: str, sender: str, timeout: float = 20.0):
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("VIGIE_SMTP_URL doit être de la forme smtp://hôte:port ou smtps://hôte:port")
        self.host, self.port = parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25)
        self.ssl = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in {"1", "true", "yes"}
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender, self.timeout = sender, timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is None:
            try:
                if self.ssl:
                    smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=_tls_context())
                else:
                    smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                    if self.starttls:
                        smtp.starttls(context=_tls_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
            except (OSError, smtplib.SMTPException) as exc:
                raise TransportError(f"serveur SMTP injoignable ({type(exc).__name__})") from exc
            self._smtp = smtp
        return self._smtp

    def _email(self, message: OutgoingMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self.sender, message.address, message.subject
        email["Date"] = formatdate(localtime=False)
        # Stable across retries: mail clients fold a re-sent copy into the first one.
        email["Message-ID"] = f"<{message.reference}@vigie.local>"
        email["X-Vigie-Reference"] = message.reference
        for name, value in message.headers.items():
            email[name] = value
        email.set_content(message.body)
        for attachment in message.attachments:
            maintype, _, subtype = attachment.media_type.partition("/")
            email.add_attachment(attachment.content, maintype=maintype or "application",
                                 subtype=subtype or "octet-stream", filename=attachment.filename)
        return email

    def send(self, message: OutgoingMessage) -> SendReceipt:
        email = build_or_refuse(self._email, message)
        smtp = self._connect()
        try:
            refused = smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError("adresse refusée par le serveur SMTP", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            self._drop()
            raise TransportError(f"SMTP {exc.smtp_code}", permanent=500 <= exc.smtp_code < 600) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TransportError(f"connexion SMTP perdue ({type(exc).__name__})") from exc
        if refused:
            raise TransportError("adresse refusée par le serveur SMTP", permanent=True)
        return SendReceipt(reference=message.reference)

    def send_many(self, messages: Iterable[OutgoingMessage]) -> Iterator[tuple[OutgoingMessage,
                                                                          SendReceipt | TransportError]]:
        try:
            yield from super().send_many(messages)
        finally:
            self.close()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
