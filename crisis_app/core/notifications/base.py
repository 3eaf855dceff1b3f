"""The channel interface every transport implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileAttachment:
    """A file sent with a message (a RETEX in PDF, an invitation in .ics, a CSV)."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one address. ``reference`` is stable across retries (an idempotency key)."""

    reference: str
    address: str
    body: str
    subject: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    attachments: tuple[FileAttachment, ...] = ()
    message_id: int | None = None


@dataclass(frozen=True)
class SendReceipt:
    reference: str
    provider_ref: str | None = None


class TransportError(Exception):
    """A send failed. ``permanent`` failures (bad address, refused by the provider) are not retried. ``unsent``: the
    provider surely did not take the message (no connection opened, or an answer that refuses it before acting on
    it, such as 503), so another provider may send it; otherwise it may have left and stays with this provider."""

    def __init__(self, message: str, *, permanent: bool = False, unsent: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.unsent = unsent


class Channel(ABC):
    """Send messages one by one; subclasses may keep a connection open for a batch."""

    kind = "abstract"

    @abstractmethod
    def send(self, message: OutgoingMessage) -> SendReceipt:
        """Send one message; raise ``TransportError`` when it fails."""

    def send_many(self, messages: Iterable[OutgoingMessage]) -> Iterator[tuple[OutgoingMessage,
                                                                          SendReceipt | TransportError]]:
        """Yield each message with its receipt or its error, in order, as soon as it is known."""
        for message in messages:
            try:
                receipt = self.send(message)
            except TransportError as exc:
                yield message, exc
            except (ValueError, TypeError, UnicodeError) as exc:
                # a message this channel cannot write fails the same way at every try: not retried, and said why
                yield message, TransportError(f"message impossible à écrire ({type(exc).__name__} : "
                                              f"{str(exc)[:150]})", permanent=True)
            else:
                yield message, receipt

    def close(self) -> None:  # noqa: B027 - optional hook: most transports hold nothing between sends
        """Release what a batch held open."""
