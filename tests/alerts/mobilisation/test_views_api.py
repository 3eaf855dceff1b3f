"""The composer's mobilisation fields, the follow-up page, the answer page, the API; refusals per role."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.alerts import links, services
from crisis_app.alerts.mobilisation import services as mobilisation
from crisis_app.alerts.mobilisation.models import AlertQuota
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.roles import Role
from tests.alerts.mobilisation.conftest import IDE, mobilising
from tests.conftest import csrf_token

NOT_SENDERS = [r for r in Role if r is not Role.CRISIS_REFERENT]


def _bearer(user):
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


def _form(client, territory, **extra) -> dict:
    return {"title": "Renfort IDE", "sms_text": "Renfort IDE demandé", "email_text": "Renfort IDE demandé.",
            "audience_id": str(territory.commune.id), "channels": ["sms", "email"], "question": "availability",
            "escalation_max": "0", "quota_profession": [IDE, "", ""], "quota_count": ["2", "", ""],
            "first_wait": "15", "wave_audience": [str(territory.territory.id), ""], "wave_wait": ["", ""],
            "action": "review", "csrf_token": csrf_token(client, "/alertes/nouvelle"), **extra}


def _ide(alert):
    return list(db.session.scalars(sa.select(AlertRecipient).where(AlertRecipient.alert_id == alert.id,
                                                                   AlertRecipient.profession_code == IDE)
                                   .order_by(AlertRecipient.id)))


def test_referent_composes_two_ide_from_the_commune_then_the_territory(client, personas, login, territory, queued):
    login(personas[Role.CRISIS_REFERENT])
    review = client.post("/alertes/nouvelle", data=_form(client, territory))
    assert review.status_code == 200, review.text
    assert 'data-testid="confirm-people">3<' in review.text  # the commune's 3 IDE, not its médecin
    assert "Mobilisation : 2 Infirmier" in review.text and "puis « Tout le territoire »" in review.text
    sent = client.post("/alertes/nouvelle", data={**_form(client, territory), "action": "send"})
    assert sent.status_code == 302
    alert = db.session.scalar(sa.select(Alert).order_by(Alert.id.desc()))
    quota = db.session.scalar(sa.select(AlertQuota).where(AlertQuota.alert_id == alert.id))
    assert (quota.profession_code, quota.target) == (IDE, 2)
    page = client.get(sent.headers["Location"])
    assert 'data-testid="quota-confirmed">0/2<' in page.text and "si le nombre n'est pas atteint" in page.text


def test_a_bad_count_in_the_form_is_named_in_french_and_sends_nothing(client, personas, login, territory, queued):
    login(personas[Role.CRISIS_REFERENT])
    response = client.post("/alertes/nouvelle", data={**_form(client, territory, quota_count=["zéro", "", ""]),
                                                      "action": "send"})
    assert response.status_code == 400 and "ligne 1 : count :" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertQuota)) == 0


def test_the_page_shows_confirmed_out_of_n_and_the_reserve(client, personas, login, referent, territory, queued):
    alert = services.send_alert(actor=referent, data=mobilising(territory, ide=1))
    first, second, third = _ide(alert)
    for recipient in (first, second):
        services.record_answer(recipient=recipient, code="1", comment=None, via="lien")
    login(personas[Role.CRISIS_CELL])
    page = client.get(f"/alertes/{alert.id}").text
    assert 'data-testid="quota-confirmed">1/1<' in page and 'data-testid="quota-reserve">1<' in page
    assert 'data-testid="quota-silent">1<' in page and second.name in page.split('data-testid="reserve"')[1]
    mobilisation.advance(utcnow())
    db.session.commit()
    page = client.get(f"/alertes/{alert.id}").text
    assert "SMS (c&#39;est complet) : envoyé" in page or "SMS (c&#39;est complet) : en file" in page


def test_the_answer_page_of_a_silent_person_says_it_is_complete(client, referent, territory, queued):
    alert = services.send_alert(actor=referent, data=mobilising(territory, ide=1))
    first, _, third = _ide(alert)
    services.record_answer(recipient=first, code="1", comment=None, via="lien")
    page = client.get(f"/r/{links.token_for(alert.id, third.id)}")
    assert page.status_code == 200 and "est complet : assez de personnes ont dit oui" in page.text
    path = f"/r/{links.token_for(alert.id, third.id)}"
    thanked = client.post(path, data={"code": "2", "csrf_token": csrf_token(client, path)})
    assert thanked.status_code == 200 and "liste de réserve" in thanked.text


def test_api_takes_quotas_and_waves_and_shows_their_figures(client, personas, territory, queued):
    headers = _bearer(personas[Role.CRISIS_REFERENT].user)
    created = client.post("/api/v1/alerts", json=mobilising(territory), headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert [(q["profession_code"], q["count"], q["confirmed"], q["asked"]) for q in body["quotas"]] == \
        [(IDE, 2, 0, 3)]
    assert [(w["audience_id"], w["launched_at"] is not None) for w in body["waves"]["items"]] == \
        [(territory.commune.id, True), (territory.territory.id, False)]
    mobilisation.advance(utcnow() + timedelta(minutes=16))
    db.session.commit()
    shown = client.get(f"/api/v1/alerts/{body['id']}", headers=headers).get_json()
    assert shown["quotas"][0]["asked"] == 6 and shown["waves"]["items"][1]["asked"] == 3


@pytest.mark.parametrize(("change", "field"), [
    ({"quotas": [{"profession": "IDE", "count": 0}]}, "quotas"),
    ({"quotas": [{"profession": "astronaute", "count": 2}]}, "quotas"),
    ({"waves": [{"audience_id": 999999, "wait_minutes": 10}]}, "waves"),
    ({"waves": [{"audience_id": 1, "wait_minutes": "dix"}]}, "waves"),
])
def test_api_refuses_a_wrong_mobilisation_with_a_structured_error(client, personas, territory, queued, change, field):
    headers = _bearer(personas[Role.CRISIS_REFERENT].user)
    response = client.post("/api/v1/alerts", json={**mobilising(territory), **change}, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 0


@pytest.mark.parametrize("role", NOT_SENDERS)
def test_only_the_referent_mobilises(client, personas, login, role, territory, queued):
    """Everything else right (a valid mobilisation, CSRF, a logged-in user): only the role refuses."""
    login(personas[role])
    token = {"X-CSRFToken": csrf_token(client, "/")}
    assert client.post("/api/v1/alerts", json=mobilising(territory), headers=token).status_code == 403
    assert client.get("/alertes/nouvelle").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertQuota)) == 0
