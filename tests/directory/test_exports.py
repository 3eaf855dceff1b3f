"""Who may take the directory out: the full export is the coordinator's; the référent and the cellule get a
capped mobilisation list, mobiles only where SMS consent is in force; every export is audited."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from crisis_app.directory.professionals import exports
from tests import factories

FULL = "/annuaire/import/export.csv"
LIST = "/annuaire/liste-mobilisation.csv"


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def people(db_session):
    consenting = factories.reachable_professional(last_name="Aubert", mobile_phone="06 39 98 11 22",
                                                  email="aubert@example.org", commune_code="31555",
                                                  commune_name="Toulouse")
    silent = factories.professional(last_name="Bernard", mobile_phone="06 39 98 33 44", email="bernard@example.org",
                                    commune_code="31555", commune_name="Toulouse")
    return consenting, silent


@pytest.mark.parametrize("role", [Role.CRISIS_REFERENT, Role.CRISIS_CELL])
def test_the_crisis_team_may_not_take_the_full_directory(client, personas, login, people, role):
    login(personas[role])
    assert client.get(FULL).status_code == 403
    assert _audit("directory.export") == []
    page = client.get("/annuaire/").text
    assert FULL not in page and "/annuaire/liste-mobilisation.csv" in page


def test_the_coordinator_exports_everything_and_each_export_is_audited(client, personas, login, people):
    login(personas[Role.COORDINATOR])
    for _ in range(2):
        response = client.get(f"{FULL}?commune_code=31555")
        assert response.status_code == 200 and b"bernard@example.org" in response.data
    rows = _audit("directory.export")
    assert len(rows) == 2
    assert all(r.actor_id == personas[Role.COORDINATOR].user.id for r in rows)
    assert rows[0].changes["criteria"][1]["commune_code"] == ["31555"] and rows[0].changes["people"][1] == 2


@pytest.mark.parametrize("role", [Role.CRISIS_CELL, Role.CRISIS_REFERENT, Role.COORDINATOR])
def test_the_mobilisation_list_gives_mobiles_only_with_sms_consent(client, personas, login, people, role):
    consenting, silent = people
    login(personas[role])
    response = client.get(f"{LIST}?commune_code=31555")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == ";".join(exports.MOBILISATION_HEADER)
    assert "Aubert" in lines[1] and lines[1].endswith("06 39 98 11 22")
    assert "Bernard" in lines[2] and lines[2].endswith(";")  # no consent: no mobile
    assert "@" not in text and consenting.rpps not in text and "06 39 98 33 44" not in text
    row = _audit("directory.export_list")[0]
    assert row.actor_id == personas[role].user.id and row.changes["people"][1] == 2
    assert row.changes["mobiles"][1] == 1


def test_the_mobilisation_list_is_capped_and_says_so(client, personas, login, people, monkeypatch):
    monkeypatch.setattr(exports, "MOBILISATION_LIMIT", 1)
    login(personas[Role.CRISIS_CELL])
    response = client.get(LIST)
    assert response.status_code == 400
    assert "au plus 1 personnes et ce filtre en désigne 2" in html.unescape(response.text)
    assert _audit("directory.export_list") == []


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER])
def test_roles_outside_the_crisis_team_get_no_list(client, personas, login, people, role):
    login(personas[role])
    assert client.get(LIST).status_code == 403 and client.get(FULL).status_code == 403
