"""The built-in outbox: what each person would have received when Vigie runs without real channels."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crisis_app.core.db import db, utcnow


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(40), index=True)
    address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    reference: Mapped[str] = mapped_column(sa.String(80), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
