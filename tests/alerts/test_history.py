"""A person's answers over the year, for the référents: how often asked, answered, available, median time to the
first answer; refused to every other role."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.alerts import history, services
from crisis_app.alerts.history import Asked, summarise
from crisis_app.alerts.models import Alert, AlertAnswer, AlertRecipient
from crisis_app.core.db import db, utcnow
from crisis_app.core.roles import Role
from tests.alerts.conftest import alert_data


def _answer_after(recipient: AlertRecipient, code: str, minutes: int, value: str | None = None) -> None:
    """Answer, then place the answer ``minutes`` after the alert left (as if the person took that long)."""
    answer = services.record_answer(recipient=recipient, code=code, comment=None, via="lien", value=value)
    at = recipient.alert.created_at + timedelta(minutes=minutes)
    db.session.execute(sa.update(AlertAnswer).where(AlertAnswer.id == answer.id).values(at=at))
    db.session.commit()


@pytest.fixture
def year(referent, audience):
    """Four alerts to the same people: the first person answers 1 (available, 4 min), 4 (not available, 10 min),
    the liberal 2 20h (available, 30 min), and stays silent on the fourth; an information alert asks nothing."""
    person = audience.people[0]
    sent = [services.send_alert(actor=referent, data=alert_data(audience, title=f"Alerte {n}")) for n in range(3)]
    sent.append(services.send_alert(actor=referent, data=alert_data(audience, title="Libéraux", question="liberal")))
    services.send_alert(actor=referent, data=alert_data(audience, title="Information", question="none"))
    mine = [next(r for r in a.recipients if r.professional_id == person.id) for a in sent]
    _answer_after(mine[0], "1", 4)
    _answer_after(mine[1], "4", 10)
    _answer_after(mine[3], "2", 30, value="20:00")
    return person


def test_the_year_counts_asked_answered_available_and_the_median_time(year):
    figures = history.person_year(year.id)
    assert (figures["asked"], figures["answered"], figures["silent"]) == (4, 3, 1)
    assert (figures["available"], figures["declined"]) == (2, 1)
    assert figures["median_minutes"] == pytest.approx(10, abs=0.1)
    assert [r.title for r in figures["rows"]][0] == "Libéraux"
    assert figures["rows"][0].answer == "Cabinet ouvert jusqu'à 20\u00a0h"


def test_an_alert_older_than_a_year_is_left_out(year):
    db.session.execute(sa.update(Alert).where(Alert.title == "Alerte 0")
                       .values(created_at=utcnow() - timedelta(days=400)))
    db.session.commit()
    assert history.person_year(year.id)["asked"] == 3


def test_a_person_added_late_is_timed_from_when_they_were_asked(referent, audience):
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    recipient = alert.recipients[0]
    recipient.asked_at = alert.created_at + timedelta(minutes=60)
    db.session.commit()
    _answer_after(recipient, "1", 65)
    [row] = history.asked_of(recipient.professional_id, since=utcnow() - timedelta(days=1))
    assert row.minutes_to_answer == pytest.approx(5, abs=0.1)


def test_summarise_an_empty_year():
    assert summarise([]) == {"asked": 0, "answered": 0, "silent": 0, "available": 0, "declined": 0,
                             "answer_rate": None, "median_minutes": None}
    row = Asked(alert_id=1, title="t", is_exercise=False, asked_at=utcnow(), answer="Bien reçu", available=None,
                minutes_to_answer=3.0)
    assert summarise([row])["available"] == 0 and summarise([row])["answered"] == 1


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CRISIS_REFERENT])
def test_the_referents_read_the_history_from_the_person_page(client, login, personas, year, role):
    login(personas[role])
    person_page = client.get(f"/annuaire/{year.id}").text
    assert f'href="/alertes/personnes/{year.id}"' in person_page
    page = html.unescape(client.get(f"/alertes/personnes/{year.id}").text)
    assert 'data-testid="history-asked">4<' in page and 'data-testid="history-available">2<' in page
    assert "10 min" in page and "pas de réponse" in page


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.CRISIS_CELL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER])
def test_no_other_role_reads_a_persons_history(client, login, personas, year, role):
    login(personas[role])
    response = client.get(f"/alertes/personnes/{year.id}")
    assert response.status_code == 403
    assert "history-asked" not in response.text


def test_the_api_gives_the_year_to_the_referent_and_refuses_the_cellule(client, personas, year):
    from crisis_app.core.auth import services as auth_services

    def bearer(role):
        return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=personas[role].user)}"}

    body = client.get(f"/api/v1/alerts/people/{year.id}/history", headers=bearer(Role.CRISIS_REFERENT)).get_json()
    assert (body["asked"], body["answered"], body["available"]) == (4, 3, 2)
    assert body["rows"][0]["answer"] == "Cabinet ouvert jusqu'à 20\u00a0h"
    for role in (Role.CRISIS_CELL, Role.PROFESSIONAL, Role.ARS_OBSERVER):
        refused = client.get(f"/api/v1/alerts/people/{year.id}/history", headers=bearer(role))
        assert refused.status_code == 403 and "rows" not in refused.get_json()
    assert client.get("/api/v1/alerts/people/999999/history", headers=bearer(Role.CRISIS_REFERENT)).status_code == 404
