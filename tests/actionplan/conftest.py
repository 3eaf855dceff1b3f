"""Fixtures of the action plan's tests: quality's captured messages, a crisis and its référent (the action plan
serves both missions)."""

from __future__ import annotations

import pytest

from crisis_app.core.roles import Role
from crisis_app.crises import services as crises
from tests.quality.conftest import sent  # noqa: F401 - fixture


@pytest.fixture
def crisis_referent(personas):
    return personas[Role.CRISIS_REFERENT].user


@pytest.fixture
def crisis(crisis_referent):
    return crises.open_crisis(actor=crisis_referent, title="Canicule juillet", typology=4, gradation=1,
                              authority="ars", authority_reference="ARS-2026-117")
