"""Answers built for liberal professionals: an option carries a typed value (an hour, a number), asked on the answer
page, taken by the API, stored with the answer and on the person, and summed on the follow-up page and the needs
board."""

from __future__ import annotations

import html

import sqlalchemy as sa

from crisis_app.alerts import links, offer, services
from crisis_app.alerts.models import AlertAnswer, AlertRecipient
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.crises import services as crises
from tests.alerts.conftest import alert_data
from tests.conftest import csrf_token


def _read(response) -> str:
    """The page as a person reads it: entities decoded, non-breaking spaces as spaces."""
    return html.unescape(response.text).replace("\xa0", " ")


def _plain(text: str) -> str:
    return text.replace("\xa0", " ")


def _path(recipient):
    return f"/r/{links.token_for(recipient.alert_id, recipient.id)}"


def _post(client, recipient, data):
    return client.post(_path(recipient), data={**data, "csrf_token": csrf_token(client, _path(recipient))})


def _bearer(user):
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


def _liberal(referent, audience, **overrides):
    return services.send_alert(actor=referent, data=alert_data(audience, question="liberal", **overrides))


def test_the_answer_page_asks_the_closing_hour_and_stores_it(client, referent, audience):
    alert = _liberal(referent, audience)
    recipient = alert.recipients[0]
    page = client.get(_path(recipient)).text
    assert 'type="time"' in page and 'name="value_2"' in page and 'name="value_3"' in page
    response = _post(client, recipient, {"code": "2", "value_2": "20:00"})
    assert response.status_code == 200
    assert "votre réponse « Cabinet ouvert jusqu'à 20 h » est enregistrée" in _read(response)
    db.session.expire_all()
    stored = db.session.get(AlertRecipient, recipient.id)
    assert (stored.answer_code, stored.answer_value) == ("2", "20:00")
    assert db.session.scalar(sa.select(AlertAnswer.value).where(AlertAnswer.recipient_id == recipient.id)) == "20:00"


def test_a_new_answer_without_a_value_clears_the_previous_one(client, referent, audience):
    """The trigger copies the value too: "Disponible" after "jusqu'à 20 h" has no closing hour any more."""
    alert = _liberal(referent, audience)
    recipient = alert.recipients[0]
    _post(client, recipient, {"code": "3", "value_3": "4"})
    _post(client, recipient, {"code": "1"})
    db.session.expire_all()
    stored = db.session.get(AlertRecipient, recipient.id)
    assert (stored.answer_code, stored.answer_value) == ("1", None)


def test_a_missing_or_wrong_value_is_refused_in_french_and_records_nothing(client, referent, audience):
    alert = _liberal(referent, audience)
    recipient = alert.recipients[0]
    for data, message in (({"code": "2"}, "Indiquez une heure"), ({"code": "3", "value_3": "-2"}, "Indiquez un nombre"),
                          ({"code": "2", "value_2": "25:00"}, "Indiquez une heure")):
        response = _post(client, recipient, data)
        assert response.status_code == 422 and message in _read(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertAnswer)) == 0


def test_the_follow_up_page_sums_the_liberal_answers(client, login, personas, referent, audience):
    alert = _liberal(referent, audience)
    first, second, third = alert.recipients[:3]
    services.record_answer(recipient=first, code="2", comment=None, via="lien", value="20h")
    services.record_answer(recipient=second, code="2", comment=None, via="lien", value="21h30")
    services.record_answer(recipient=third, code="3", comment=None, via="lien", value="4")
    login(personas[Role.CRISIS_CELL])
    page = _read(client.get(f"/alertes/{alert.id}"))
    assert "Cabinet ouvert jusqu'à : 2 personnes, jusqu'à 21 h 30 au plus tard" in page
    assert "Demi-journées cette semaine : 4 (1 personne)" in page
    assert "Cabinet ouvert jusqu'à 21 h 30" in page  # the person's own line
    export = client.get(f"/alertes/{alert.id}/export.csv").get_data(as_text=True).replace("\xa0", " ")
    assert "Cabinet ouvert jusqu'à 21 h 30" in export and "Demi-journées cette semaine 4" in export


def test_the_api_sends_a_liberal_alert_and_shows_the_sums(client, personas, audience):
    headers = _bearer(personas[Role.CRISIS_REFERENT].user)
    created = client.post("/api/v1/alerts", json=alert_data(audience, question="liberal"), headers=headers)
    assert created.status_code == 201
    body = created.get_json()
    assert body["reply_code"] == "A"
    assert {"code": "2", "label": "Cabinet ouvert jusqu'à", "value": "time"} in body["options"]
    recipient = db.session.scalars(sa.select(AlertRecipient).where(AlertRecipient.alert_id == body["id"])).first()
    services.record_answer(recipient=recipient, code="5", comment=None, via="lien", value="3")
    shown = client.get(f"/api/v1/alerts/{body['id']}", headers=headers).get_json()
    shown["offer"][0]["text"] = _plain(shown["offer"][0]["text"])
    assert shown["offer"] == [{"label": "Visites à domicile", "kind": "count", "people": 1, "total": 3,
                               "latest": None, "text": "Visites à domicile : 3 (1 personne)"}]


def test_the_api_refuses_an_unknown_value_kind_with_a_structured_error(client, personas, audience):
    headers = _bearer(personas[Role.CRISIS_REFERENT].user)
    options = [{"code": "1", "label": "Ouvert jusqu'à", "value": "date"}]
    response = client.post("/api/v1/alerts", json=alert_data(audience, options=options), headers=headers)
    assert response.status_code == 422 and "options" in response.get_json()["error"]["fields"]


def test_the_needs_board_sums_the_crisis_answers_each_person_once(client, login, personas, referent, audience):
    crisis = crises.open_crisis(actor=referent, title="Grève des urgences", typology=1, gradation=1)
    early = _liberal(referent, audience, crisis_id=crisis.id)
    late = _liberal(referent, audience, crisis_id=crisis.id, title="Relance cabinets")
    person = audience.people[0]
    mine = {r.professional_id: r for r in early.recipients}[person.id]
    services.record_answer(recipient=mine, code="5", comment=None, via="lien", value="2")
    mine_later = {r.professional_id: r for r in late.recipients}[person.id]
    services.record_answer(recipient=mine_later, code="5", comment=None, via="lien", value="6")
    other = {r.professional_id: r for r in late.recipients}[audience.people[1].id]
    services.record_answer(recipient=other, code="2", comment=None, via="lien", value="19h")
    assert [_plain(line["text"]) for line in offer.of_crisis(crisis.id)] == [
        "Visites à domicile : 6 (1 personne)", "Cabinet ouvert jusqu'à : 1 personne, jusqu'à 19 h au plus tard"]
    login(personas[Role.CRISIS_CELL])
    board = _read(client.get(f"/crises/{crisis.id}/tableau"))
    assert 'data-testid="board-offer"' in board and "Visites à domicile : 6 (1 personne)" in board
