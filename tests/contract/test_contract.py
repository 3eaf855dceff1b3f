"""The contract: set by the coordinator (page and API), read by the observer, its calendar on the home page, and
the variable crisis amount once per rolling 12 months."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crisis_app.contract import services
from crisis_app.core.auth import services as auth_services
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from tests.conftest import form_post


def api_token(user) -> str:
    return auth_services.issue_token(actor=None, user=user)


def test_calendar_dates_are_six_and_eighteen_months_after_signing(contract):
    started, deployed = services.calendar_of(contract, today=date(2026, 4, 1))
    assert (started.due_on, deployed.due_on) == (date(2026, 9, 10), date(2027, 9, 10))
    assert (started.status, deployed.status) == ("ahead", "ahead")


def test_milestone_is_near_within_sixty_days_and_late_after_its_day_unless_reached():
    due = date(2026, 9, 10)
    assert services.milestone_status(due_on=due, reached=False, today=date(2026, 7, 13)) == "near"
    assert services.milestone_status(due_on=due, reached=False, today=date(2026, 7, 11)) == "ahead"
    assert services.milestone_status(due_on=due, reached=False, today=date(2026, 9, 11)) == "late"
    assert services.milestone_status(due_on=due, reached=True, today=date(2026, 9, 11)) == "reached"
    assert services.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_coordinator_sets_the_contract_through_the_french_form(login, personas):
    client = login(personas[Role.COORDINATOR])
    response = form_post(client, "/contrat/", {"signed_on": "2025-01-15", "size": "3", "over_100_members": "y",
                                               "missions": ["crisis", "quality"]})
    assert response.status_code == 303
    page = client.get("/contrat/").text
    assert "15/07/2025" in page and "15/07/2026" in page  # started by +6, deployed by +18
    contract = services.get_contract()
    assert (contract.size, contract.over_100_members, contract.missions) == (3, True, ["crisis", "quality"])


def test_a_contract_without_the_crisis_mission_is_refused_in_french_and_nothing_is_kept(login, personas):
    client = login(personas[Role.COORDINATOR])
    response = form_post(client, "/contrat/", {"signed_on": "2025-01-15", "size": "3", "missions": ["quality"]})
    assert response.status_code == 400
    assert "mission socle" in response.text
    assert services.get_contract() is None


def test_a_late_milestone_shows_on_the_coordinators_home(login, personas, coordinator):
    services.save_contract(actor=coordinator, data={"signed_on": date(2024, 1, 2), "size": 1, "missions": ["crisis"]})
    home = login(personas[Role.COORDINATOR]).get("/").text
    assert "Mission crise démarrée" in home and "En retard depuis le 02/07/2024" in home


def test_api_put_then_get_the_contract(client, personas):
    headers = {"Authorization": f"Bearer {api_token(personas[Role.COORDINATOR].user)}"}
    body = {"signed_on": "2025-06-30", "size": 4, "over_100_members": False, "missions": ["crisis"]}
    assert client.put("/api/v1/contract", json=body, headers=headers).status_code == 200
    got = client.get("/api/v1/contract", headers=headers).get_json()
    assert got["size"] == 4 and got["calendar"][1]["due_on"] == "2026-12-30"
    assert got["variable_amounts"]["4"] == 75000
    bad = client.put("/api/v1/contract", json={**body, "size": 5}, headers=headers)
    assert bad.status_code == 422 and "size" in bad.get_json()["error"]["fields"]


@pytest.mark.parametrize("role", [Role.CRISIS_REFERENT, Role.QUALITY_REFERENT, Role.PROFESSIONAL, Role.CRISIS_CELL,
                                  Role.ARS_OBSERVER])
def test_only_the_coordinator_sets_the_contract(client, personas, role):
    headers = {"Authorization": f"Bearer {api_token(personas[role].user)}"}
    body = {"signed_on": "2025-06-30", "size": 2, "over_100_members": False, "missions": ["crisis"]}
    assert client.put("/api/v1/contract", json=body, headers=headers).status_code == 403
    assert services.get_contract() is None


@pytest.mark.parametrize("role", [Role.CRISIS_REFERENT, Role.QUALITY_REFERENT, Role.PROFESSIONAL, Role.CRISIS_CELL])
def test_only_the_coordinator_and_the_observer_read_the_contract(client, personas, contract, role):
    observer = {"Authorization": f"Bearer {api_token(personas[Role.ARS_OBSERVER].user)}"}
    assert client.get("/api/v1/contract", headers=observer).status_code == 200
    headers = {"Authorization": f"Bearer {api_token(personas[role].user)}"}
    assert client.get("/api/v1/contract", headers=headers).status_code == 403


def test_a_grave_crisis_qualified_by_the_ars_triggers_the_amount_of_its_size_paid_the_month_after(
        contract, coordinator, ars_crisis):
    trigger = services.record_trigger(actor=coordinator, crisis=ars_crisis())
    assert (trigger.amount, trigger.year, trigger.payable_month) == (50_000, 2026, date(2026, 5, 1))


def test_the_variable_amount_is_triggered_once_per_rolling_twelve_months(contract, coordinator, ars_crisis):
    services.record_trigger(actor=coordinator, crisis=ars_crisis())
    second = ars_crisis("Inondations", datetime(2027, 2, 1, 9, tzinfo=UTC), reference="ARS-2027-002")
    with pytest.raises(ServiceError) as refused:
        services.record_trigger(actor=coordinator, crisis=second)
    assert refused.value.code == "already_triggered" and "14/04/2026" in refused.value.message
    later = ars_crisis("Épidémie", datetime(2027, 4, 20, 9, tzinfo=UTC), reference="ARS-2027-010")
    assert services.record_trigger(actor=coordinator, crisis=later).year == 2027


def test_a_crisis_qualified_by_the_prefecture_or_without_reference_does_not_trigger(contract, coordinator,
                                                                                    ars_crisis):
    for crisis in (ars_crisis(authority="prefecture"), ars_crisis(reference="")):
        with pytest.raises(ServiceError) as refused:
            services.record_trigger(actor=coordinator, crisis=crisis)
        assert refused.value.code == "not_eligible"
    assert services.triggers() == []


def test_the_coordinator_records_the_trigger_from_the_contract_page(login, personas, contract, ars_crisis):
    crisis = ars_crisis()
    client = login(personas[Role.COORDINATOR])
    response = form_post(client, "/contrat/montant-variable", {"crisis_id": crisis.id}, token_from="/contrat/")
    assert response.status_code == 302
    page = client.get("/contrat/").text
    assert "50 000 €, versé en 05/2026" in page.replace("\u202f", " ").replace("\xa0", " ")
