"""Fixtures of the crises tests: an open crisis and its référent."""

from __future__ import annotations

import pytest

from crisis_app.core.roles import Role
from crisis_app.crises import services


@pytest.fixture
def referent(personas):
    return personas[Role.CRISIS_REFERENT].user


@pytest.fixture
def crisis(referent):
    return services.open_crisis(actor=referent, title="Canicule juillet", typology=4, gradation=1,
                                authority="ars", authority_reference="ARS-2026-117")
