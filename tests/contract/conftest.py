"""Fixtures of the contract's tests: a signed contract and crises qualified by the ARS."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crisis_app.contract import services
from crisis_app.core.roles import Role
from crisis_app.crises import services as crises


@pytest.fixture
def coordinator(personas):
    return personas[Role.COORDINATOR].user


@pytest.fixture
def contract(coordinator):
    return services.save_contract(actor=coordinator, data={"signed_on": date(2026, 3, 10), "size": 2,
                                                           "over_100_members": True,
                                                           "missions": ["crisis", "quality"]})


@pytest.fixture
def ars_crisis(personas):
    """A grave crisis the ARS qualified on 14 April 2026, with its reference."""

    def make(title: str = "Canicule", when: datetime = datetime(2026, 4, 14, 9, tzinfo=UTC), **kw):
        return crises.open_crisis(actor=personas[Role.CRISIS_REFERENT].user, title=title, typology=4,
                                  authority=kw.get("authority", "ars"),
                                  authority_reference=kw.get("reference", "ARS-2026-041"), qualified_at=when)

    return make
