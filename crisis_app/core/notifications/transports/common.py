"""What the transports share: the rule that reads a provider's HTTP status, and sends kept in flight on threads."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from crisis_app.core.notifications.base import OutgoingMessage, SendReceipt, TransportError

# HTTP statuses a provider answers when retrying later may work (RFC 9110, and 429 Too Many Requests).
TEMPORARY_STATUSES = {408, 425, 429}
# Statuses that say the request was NOT taken (the provider refused it before acting on it): such a delivery may go
# to the backup provider. A 500, 502, 504 or a timeout may come after the provider accepted the SMS: it stays on the
# provider it was tried on (see ``failover``).
NOT_TAKEN_STATUSES = {408, 425, 429, 503}


def http_failure(status: int) -> TransportError:
    """The error a provider's non-2xx answer means: a 4xx (but 408/425/429) refuses this message for good."""
    permanent = 400 <= status < 500 and status not in TEMPORARY_STATUSES
    return TransportError(f"le fournisseur a répondu {status}", permanent=permanent,
                          unsent=status in NOT_TAKEN_STATUSES)


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


def substitute(value, replacements: dict[str, str]):
    """Replace placeholders in every string of a parsed URL (query values, targets, paths…)."""
    if isinstance(value, str):
        for placeholder, real in replacements.items():
            value = value.replace(placeholder, real)
        return value
    if isinstance(value, dict):
        return {k: substitute(v, replacements) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return type(value)(substitute(v, replacements) for v in value)
    return value
