"""An apprise ``json://`` / ``jsons://`` HTTP SMS gateway, sent without apprise on kept-open connections."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.request import getproxies

import apprise
import requests
import urllib3

from crisis_app.core.notifications.base import Channel, OutgoingMessage, SendReceipt, TransportError
from crisis_app.core.notifications.transports.appriseservice import AppriseChannel
from crisis_app.core.notifications.transports.common import http_failure, in_flight, substitute

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


def not_connected(exc: requests.RequestException) -> bool:
    """The request never reached the provider: no connection could be opened (refused, no route, unknown host, a
    connect timeout). A read timeout or a connection dropped after the request was written may have left."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if not isinstance(exc, requests.ConnectionError) or isinstance(exc, requests.ReadTimeout):
        return False
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the NewConnectionError
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


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
        return substitute(value, {self._TO: message.address, self._REF: message.reference})

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
            raise TransportError("fournisseur injoignable", unsent=not_connected(exc)) from exc
        status = response.status_code
        if 200 <= status < 300:
            return SendReceipt(reference=message.reference)
        raise http_failure(status)

    _attempt = AppriseChannel._attempt  # the same rule: a message that cannot be written is refused for good

    def send_many(self, messages: Iterable[OutgoingMessage]) -> Iterator[tuple[OutgoingMessage,
                                                                          SendReceipt | TransportError]]:
        """Up to ``threads`` sends in flight on the process's sender threads; results come back in order.

        ``messages`` is consumed in this thread, so the caller's rate limiter still paces every send."""
        if self.threads <= 1:  # one at a time: sent from this thread, no hand-over
            yield from super().send_many(messages)
            return
        yield from in_flight(_http_executor(self.threads), self._attempt, messages, self.threads)
