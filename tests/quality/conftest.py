"""Quality fixtures: a valid declaration, messages captured at the outbox's door, row counts of every table."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.models import Message
from quality.register import declaring


def declaration(**overrides) -> dict:
    """The short form filled in as a professional would, without any patient data."""
    data = {"occurred_on": utcnow().date() - timedelta(days=1), "place": "officine", "category": "medicament",
            "nature": "porteur_de_risque", "reached_patient": "non", "severity": 2, "likelihood": 3,
            "description": "Deux anticoagulants prescrits ensemble à la sortie d'hospitalisation.",
            "immediate_measures": "Appel au prescripteur, un seul délivré.", "professions": ["pharmacien"]}
    data.update(overrides)
    return data


def declare(actor=None, *, anonymous: bool = False, **overrides):
    return declaring.declare(actor=actor, anonymous=anonymous, data=declaration(**overrides))


class Sent:
    """The outbox messages quality wrote (read from the outbox's own table), oldest first; compares as a list."""

    def rows(self) -> list[Message]:
        db.session.expire_all()
        return list(db.session.scalars(sa.select(Message).where(Message.topic.like("quality.%"))
                                       .order_by(Message.id)))

    def __iter__(self):
        return iter(self.rows())

    def __len__(self) -> int:
        return len(self.rows())

    def __getitem__(self, index):
        return self.rows()[index]

    def __eq__(self, other) -> bool:
        return self.rows() == list(other)


@pytest.fixture
def sent(db_session) -> Sent:
    return Sent()


_TABLES: list[sa.Table] = []


def all_tables() -> list[sa.Table]:
    """Every table in the database (reflected once, so a table no model describes is scanned too)."""
    if not _TABLES:
        meta = sa.MetaData()
        meta.reflect(bind=db.session.connection())
        _TABLES.extend(meta.sorted_tables)
    return _TABLES


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in all_tables()}


def snapshot() -> dict[str, set[tuple]]:
    """Every row of every table, as tuples of strings."""
    db.session.expire_all()
    return {t.name: {tuple(str(v) for v in row) for row in db.session.execute(sa.select(t))} for t in all_tables()}
