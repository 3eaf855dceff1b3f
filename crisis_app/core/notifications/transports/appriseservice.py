"""Any apprise service (``smseagle://``, ``sfr://``, ``matrix://``…), one service instance per recipient."""

from __future__ import annotations

import copy
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from urllib.parse import quote

import apprise

from crisis_app.core.notifications.base import Channel, OutgoingMessage, SendReceipt, TransportError
from crisis_app.core.notifications.transports.common import http_failure, in_flight, substitute

_HTTP_ERROR = re.compile(r"error=(\d{3})")


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
        values = substitute(copy.deepcopy(self._parsed), {self._TO: message.address, self._REF: message.reference})
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

def classify_apprise_failure(log_text: str) -> TransportError:
    """A 4xx answer (but 408/425/429) is the provider refusing this message: retrying will not help."""
    match = _HTTP_ERROR.search(log_text)
    if match:
        return http_failure(int(match.group(1)))
    # apprise says no more than "could not reach it": the request may have left (a timeout), so it is never
    # counted as surely unsent and the delivery stays with this provider
    return TransportError("fournisseur injoignable")
