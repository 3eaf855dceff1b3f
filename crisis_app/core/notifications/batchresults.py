"""A batch's outcomes, written in a few set-based statements (not one UPDATE per delivery), in the engine's
transaction (it commits)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.base import SendReceipt, TransportError
from crisis_app.core.notifications.failover import may_move
from crisis_app.core.notifications.models import Delivery, DeliveryState


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th temporary failure: 30 s, 2 min, 8 min, 32 min, then hourly."""
    return timedelta(seconds=min(30 * 4 ** max(attempts - 1, 0), 3600))


class Results:
    """A group's outcomes, written in a few set-based statements (not one UPDATE per delivery)."""

    def __init__(self, figures: dict[str, int]):
        self.figures = figures
        self.sent: list[int] = []
        self.sent_with_ref: list[dict] = []
        self.failed: list[dict] = []
        self.sent_elsewhere: list[dict] = []  # sent by the other provider after a switch in the same batch

    def record(self, delivery, outcome: SendReceipt | TransportError, now: datetime, provider: str | None,
               *, moved: bool = False) -> None:
        """One try's outcome on ``provider``: a try that surely did not leave frees the delivery for any provider;
        any other keeps it with ``provider`` (see ``failover``)."""
        if isinstance(outcome, TransportError):
            self.failure(delivery.id, delivery.attempts, outcome, now,
                         provider=None if may_move(outcome) else provider)
        elif moved:
            self.sent_elsewhere.append({"b_id": delivery.id, "b_ref": outcome.provider_ref, "b_provider": provider})
            self.figures["sent"] += 1
        else:
            self.success(delivery.id, outcome.provider_ref)

    def failure(self, delivery_id: int, attempts: int, error: TransportError, now: datetime,
                provider: str | None = None) -> None:
        exhausted = attempts >= current_app.config["ALERT_MAX_ATTEMPTS"]
        final = error.permanent or exhausted
        self.failed.append({"b_id": delivery_id, "b_error": str(error)[:300],
                            "b_state": (DeliveryState.PERMANENT_FAILURE if final
                                        else DeliveryState.TEMPORARY_FAILURE),
                            "b_next": None if final else now + retry_delay(attempts), "b_provider": provider})
        self.figures["failed"] += 1

    def success(self, delivery_id: int, provider_ref: str | None) -> None:
        if provider_ref:
            self.sent_with_ref.append({"b_id": delivery_id, "b_ref": provider_ref})
        else:
            self.sent.append(delivery_id)
        self.figures["sent"] += 1

    def write(self) -> None:
        """Every transition still guarded by ``state = sending``: a row the sweeper took back is left alone."""
        table, now = Delivery.__table__, utcnow()
        sending = table.c.state == DeliveryState.SENDING
        if self.sent:
            db.session.execute(table.update().where(table.c.id.in_(self.sent), sending)
                               .values(state=DeliveryState.SENT, sent_at=now, sending_since=None,
                                       last_error=None))
        if self.sent_with_ref:
            db.session.execute(table.update().where(table.c.id == sa.bindparam("b_id"), sending)
                               .values(state=DeliveryState.SENT, sent_at=now, sending_since=None,
                                       last_error=None, provider_ref=sa.bindparam("b_ref")),
                               self.sent_with_ref)
        if self.sent_elsewhere:
            db.session.execute(table.update().where(table.c.id == sa.bindparam("b_id"), sending)
                               .values(state=DeliveryState.SENT, sent_at=now, sending_since=None,
                                       last_error=None, provider_ref=sa.bindparam("b_ref"),
                                       provider=sa.bindparam("b_provider")),
                               self.sent_elsewhere)
        if self.failed:
            # a temporary failure waits for its next try and is enqueued again by the sweeper; a permanent one
            # keeps the time of its last try in next_attempt_at's place (None)
            db.session.execute(table.update().where(table.c.id == sa.bindparam("b_id"), sending)
                               .values(state=sa.bindparam("b_state"), last_error=sa.bindparam("b_error"),
                                       next_attempt_at=sa.bindparam("b_next"), sending_since=None,
                                       enqueued_at=None, provider=sa.bindparam("b_provider")),
                               self.failed)
        self.sent, self.sent_with_ref, self.failed, self.sent_elsewhere = [], [], [], []
