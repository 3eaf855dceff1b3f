"""A territory to mobilise: a commune (3 IDE, 1 médecin) inside a territory (3 more IDE, 1 more médecin)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crisis_app.directory.audiences import services as audiences
from tests import factories

IDE, MEDECIN = "60", "10"


def person(code: str):
    label = {"60": "Infirmier", "10": "Médecin"}[code]
    return factories.reachable_professional(profession_code=code, profession=label)


def save_list(referent, name: str, people) -> object:
    return audiences.save_audience(actor=referent, data={"name": name, "kind": "list",
                                                        "professional_ids": [p.id for p in people]})


@pytest.fixture
def territory(referent):
    commune = [person(IDE) for _ in range(3)] + [person(MEDECIN)]
    beyond = [person(IDE) for _ in range(3)] + [person(MEDECIN)]
    return SimpleNamespace(commune=save_list(referent, "Commune de Muret", commune),
                           territory=save_list(referent, "Tout le territoire", commune + beyond),
                           commune_people=commune, beyond_people=beyond)


def mobilising(territory, *, ide: int = 2, wait: int = 15, **overrides) -> dict:
    """The data of « {ide} IDE from the commune, then the territory after {wait} minutes »."""
    from tests.alerts.conftest import alert_data

    data = alert_data(territory.commune, quotas=[{"profession": "IDE", "count": ide}],
                      waves=[{"audience_id": territory.commune.id, "wait_minutes": wait},
                             {"audience_id": territory.territory.id, "wait_minutes": wait}])
    data.update(overrides)
    return data
