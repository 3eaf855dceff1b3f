"""E-mail over SMTP: one connection per batch, text-only messages written without the ``email`` header registry."""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Iterable, Iterator
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

import apprise

from crisis_app.core.notifications.base import Channel, OutgoingMessage, SendReceipt, TransportError


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
