"""Transports: the built-in outbox, SMTP with one connection per batch, HTTP JSON gateways on kept-open connections,
and apprise for the rest.

Users configure every channel with an apprise service URL (``json://``, ``mailto://``, ``matrix://``…). The
channels that carry the volume — an HTTP SMS gateway (``json://``/``jsons://``) and e-mail (``mailto://``/
``mailtos://``, or Vigie's own ``smtp://``) — are parsed by apprise once and sent by the fast transports here,
which keep their connections open; every other service goes through apprise itself."""

from __future__ import annotations

import base64
import copy
import json
import logging
import os
import re
import smtplib
import ssl
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from functools import lru_cache
from urllib.parse import parse_qs, quote, unquote, urlsplit
from urllib.request import getproxies

import apprise
import requests

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
        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="apprise") as pool:
            yield from in_flight(pool, self._attempt, messages, self.threads)


def in_flight(pool: ThreadPoolExecutor, attempt, messages: Iterable[OutgoingMessage], threads: int
              ) -> Iterator[tuple[OutgoingMessage, SendReceipt | TransportError]]:
    """Up to ``threads`` ``attempt(message)`` running on ``pool`` at once; each result yielded in the order sent.
    ``messages`` is consumed in the caller's thread (where the rate limiter paces it)."""
    pending: deque[tuple[OutgoingMessage, Future]] = deque()
    for message in messages:
        pending.append((message, pool.submit(attempt, message)))
        while len(pending) >= threads:
            first, future = pending.popleft()
            yield first, future.result()
    while pending:
        first, future = pending.popleft()
        yield first, future.result()


_HTTP_THREADS: dict[str, object] = {}  # per process: the executor and its pid (a forked pool process makes its own)
_http_local = threading.local()


def _http_session() -> requests.Session:
    """This thread's session: its connections to the provider stay open from one message (and batch) to the next."""
    session = getattr(_http_local, "session", None)
    if session is None or getattr(_http_local, "pid", None) != os.getpid():
        session = requests.Session()
        # requests reads the proxy variables and ~/.netrc again for every request when it trusts the environment;
        # with no proxy configured there is nothing to read (apprise's auth is explicit), so it does not look.
        session.trust_env = bool(getproxies())
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=4)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _http_local.session, _http_local.pid = session, os.getpid()
    return session


def _http_executor(threads: int) -> ThreadPoolExecutor:
    """One pool of sender threads per process, kept between batches (so are their sessions)."""
    key = f"{os.getpid()}:{threads}"
    executor = _HTTP_THREADS.get(key)
    if executor is None:
        executor = _HTTP_THREADS[key] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http-send")
    return executor  # type: ignore[return-value]


class JsonHttpChannel(Channel):
    """An apprise ``json://`` / ``jsons://`` service (an HTTP SMS gateway), sent without apprise.

    The URL template is parsed by apprise once (so it means what apprise documents: ``:key=value`` payload entries
    and renames, ``+Header=value``, ``-param=value``, ``method=``, user and password); the JSON body is the one
    apprise would post. Each sender thread keeps a ``requests.Session``, so the provider's connection stays open
    instead of one TCP (and TLS) handshake per SMS, and up to ``threads`` sends are in flight, results in order."""

    SCHEMES = ("json", "jsons")
    _TO, _REF = AppriseChannel._TO, AppriseChannel._REF

    def __init__(self, kind: str, url_template: str, threads: int = 8):
        self.kind, self.threads = kind, max(threads, 1)
        template = url_template.replace("{to}", self._TO).replace("{ref}", self._REF)
        parsed = apprise.plugins.url_to_dict(template)
        service = apprise.Apprise.instantiate(parsed) if parsed else None
        if service is None or type(service).__name__ != "NotifyJSON":
            raise ValueError("URL de passerelle JSON invalide")
        base = f"{'https' if service.secure else 'http'}://{service.host}"
        if isinstance(service.port, int):
            base += f":{service.port}"
        self.url = base + service.fullpath
        self.method = service.method
        self.headers = {"User-Agent": service.app_id, "Content-Type": "application/json", **service.headers}
        self.params, self.extras = dict(service.params), dict(service.payload_extras)
        self.auth = (service.user, service.password) if service.user else None
        self.verify, self.timeout = service.verify_certificate, service.request_timeout
        self.redirects, self.version = service.redirects, service.json_version
        self._personal = any(p in str(v) for v in (self.url, self.headers, self.params, self.extras)
                             for p in (self._TO, self._REF))

    @classmethod
    def handles(cls, url: str) -> bool:
        return url.split("://", 1)[0].lower() in cls.SCHEMES

    def _fill(self, value, message: OutgoingMessage):
        if not self._personal:
            return value
        return _substitute(value, {self._TO: message.address, self._REF: message.reference})

    def payload(self, message: OutgoingMessage) -> dict:
        """What apprise's JSON service posts for ``notify(body, title)``, extras applied the same way."""
        payload = {"version": self.version, "title": message.subject or "", "message": message.body,
                   "attachments": [], "type": "info"}
        for key, value in self._fill(self.extras, message).items():
            if key in payload:
                if not value:
                    del payload[key]
                else:
                    payload[value] = payload.pop(key)
            else:
                payload[key] = value
        return payload

    def send(self, message: OutgoingMessage) -> SendReceipt:
        try:
            response = _http_session().request(
                self.method, self._fill(self.url, message), data=json.dumps(self.payload(message)),
                params=self._fill(self.params, message), headers=self._fill(self.headers, message), auth=self.auth,
                verify=self.verify, timeout=self.timeout, allow_redirects=self.redirects)
        except requests.RequestException as exc:
            raise TransportError("fournisseur injoignable") from exc
        status = response.status_code
        if 200 <= status < 300:
            return SendReceipt(reference=message.reference)
        permanent = 400 <= status < 500 and status not in TEMPORARY_STATUSES
        raise TransportError(f"le fournisseur a répondu {status}", permanent=permanent)

    _attempt = AppriseChannel._attempt  # the same rule: a message that cannot be written is refused for good

    def send_many(self, messages: Iterable[OutgoingMessage]) -> Iterator[tuple[OutgoingMessage,
                                                                          SendReceipt | TransportError]]:
        """Up to ``threads`` sends in flight on the process's sender threads; results come back in order.

        ``messages`` is consumed in this thread, so the caller's rate limiter still paces every send."""
        if self.threads <= 1:  # one at a time: sent from this thread, no hand-over
            yield from super().send_many(messages)
            return
        yield from in_flight(_http_executor(self.threads), self._attempt, messages, self.threads)


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


def _encoded_subject(subject: str) -> str:
    """RFC 2047 like the ``email`` package writes it: ASCII words kept readable, each run of words with accents one
    encoded word (whitespace between two encoded words disappears when read, so a run is never split by word)."""
    if subject.isascii():
        return subject
    out, run = [], []
    for word in subject.split(" "):
        if word.isascii():
            if run:
                out.append(Header(" ".join(run), "utf-8").encode(linesep="\r\n"))
                run = []
            out.append(word)
        else:
            run.append(word)
    if run:
        out.append(Header(" ".join(run), "utf-8").encode(linesep="\r\n"))
    return " ".join(out)


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
        if url.split("://", 1)[0].lower() in {"mailto", "mailtos"}:
            self._from_apprise(url, sender, timeout)
            return
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
        self._envelope: str | None = None

    def _from_apprise(self, url: str, sender: str, timeout: float) -> None:
        """An apprise ``mailto://`` / ``mailtos://`` URL, read by apprise (its ``mode=ssl|starttls|insecure``, its
        ``from=``, and the port and security it infers for known providers); the recipients come from each message."""
        parsed = apprise.plugins.url_to_dict(url)
        service = apprise.Apprise.instantiate(parsed) if parsed else None
        if service is None or type(service).__name__ != "NotifyEmail":
            raise ValueError("VIGIE_SMTP_URL : adresse mailto:// invalide")
        self.host, self.port = service.smtp_host, int(service.port)
        self.ssl = bool(service.secure) and service.secure_mode == "ssl"
        self.starttls = bool(service.secure) and service.secure_mode == "starttls"
        self.username, self.password = service.user or None, service.password or None
        name, address = service.from_addr if isinstance(service.from_addr, tuple | list) else ("", service.from_addr)
        self.sender = (f"{name} <{address}>" if name else address) if parsed.get("qsd", {}).get("from") else sender
        self.timeout = timeout
        self._smtp, self._envelope = None, None

    def _sendmail(self, smtp: smtplib.SMTP, address: str, raw: bytes) -> dict:
        """``smtp.sendmail`` for one recipient, without parsing both addresses again for every message (two
        ``parseaddr`` calls cost more than the rest of the SMTP dialogue); same errors, same RSET after a refusal."""
        if smtp.helo_resp is None and smtp.ehlo_resp is None:
            smtp.ehlo_or_helo_if_needed()
        if self._envelope is None:
            self._envelope = f"FROM:<{parseaddr(self.sender)[1] or self.sender}>"
        code, response = smtp.docmd("mail", self._envelope)
        if code != 250:
            self._reset(smtp, code)
            raise smtplib.SMTPSenderRefused(code, response, self.sender)
        code, response = smtp.docmd("rcpt", f"TO:<{address}>")
        if code not in (250, 251):
            self._reset(smtp, code)
            raise smtplib.SMTPRecipientsRefused({address: (code, response)})
        code, response = smtp.data(raw)
        if code != 250:
            self._reset(smtp, code)
            raise smtplib.SMTPDataError(code, response)
        return {}

    @staticmethod
    def _reset(smtp: smtplib.SMTP, code: int) -> None:
        if code == 421:
            smtp.close()
        else:
            smtp.rset()

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

    def _plain(self, message: OutgoingMessage) -> bytes | None:
        """A text-only e-mail as bytes, built without the ``email`` package's header registry (which costs several
        ms per message); ``None`` when the message needs the general path (files, a non-ASCII address or header)."""
        if message.attachments:
            return None
        fixed = (self.sender, message.address, message.reference, *message.headers.keys(), *message.headers.values())
        if not all(value.isascii() for value in fixed):
            return None
        for value in (message.subject, *fixed):
            if "\n" in value or "\r" in value:
                raise ValueError("Header values may not contain linefeed or carriage return characters")
        subject = _encoded_subject(message.subject)
        lines = [f"From: {self.sender}", f"To: {message.address}", f"Subject: {subject}",
                 f"Date: {formatdate(localtime=False)}", f"Message-ID: <{message.reference}@vigie.local>",
                 f"X-Vigie-Reference: {message.reference}", *(f"{k}: {v}" for k, v in message.headers.items()),
                 "MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"',
                 "Content-Transfer-Encoding: base64"]
        body = base64.encodebytes(message.body.encode("utf-8")).decode("ascii")
        return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode("ascii")

    def send(self, message: OutgoingMessage) -> SendReceipt:
        raw = build_or_refuse(self._plain, message)
        email = build_or_refuse(self._email, message) if raw is None else None
        smtp = self._connect()
        try:
            if raw is not None:
                refused = self._sendmail(smtp, message.address, raw)
            else:
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
