"""« Compléter l'alerte »: a follow-up message on the same alert goes to who answered present (late ones too), and
the people who entered the audience since the alert left are added to the alert and can answer; no new alert."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from crisis_app.alerts import followup, links, services
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.models import Delivery, Message
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from tests import factories
from tests.alerts.conftest import alert_data
from tests.conftest import csrf_token


@pytest.fixture
def answered(referent, audience):
    """An alert: the first person answers available, the second not available, the third stays silent; then a
    fourth person joins the audience."""
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    by_person = {r.professional_id: r for r in alert.recipients}
    first, second, _silent = audience.people[:3]
    services.record_answer(recipient=by_person[first.id], code="1", comment=None, via="lien")
    services.record_answer(recipient=by_person[second.id], code="4", comment=None, via="lien")
    newcomer = factories.reachable_professional()
    audiences.save_audience(actor=referent, audience=db.session.get(type(audience), audience.id), data={
        "name": audience.name, "kind": "list", "professional_ids": [p.id for p in audience.people] + [newcomer.id]})
    db.session.commit()
    return alert, first, newcomer


def _complement_recipients() -> set[int]:
    message = db.session.scalar(sa.select(Message).where(Message.topic == followup.TOPIC))
    return {r.ref_id for r in message.recipients}


def test_the_complement_reaches_who_said_yes_and_the_newcomers_only(referent, answered):
    alert, first, newcomer = answered
    done = followup.complement_alert(actor=referent, alert=alert, text="RDV 8 h au gymnase.")
    assert done == {"sent_to": 2, "added": 1}
    assert _complement_recipients() == {first.id, newcomer.id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 1
    message = db.session.scalar(sa.select(Message).where(Message.topic == followup.TOPIC))
    assert "Complément à l'alerte \"Renfort centre de vaccination\" : RDV 8 h au gymnase." in message.sms_text


def test_a_newcomer_gets_the_alerts_own_message_and_can_answer(client, referent, answered):
    alert, _, newcomer = answered
    followup.complement_alert(actor=referent, alert=alert, text="RDV 8 h au gymnase.")
    db.session.expire_all()
    added = db.session.scalar(sa.select(AlertRecipient).where(AlertRecipient.professional_id == newcomer.id))
    assert added.alert_id == alert.id and added.asked_at is not None
    mine = db.session.scalars(sa.select(Delivery).where(Delivery.message_id == alert.message_id,
                                                        Delivery.recipient_id == added.message_recipient_id)).all()
    assert {d.channel for d in mine} == {"sms", "email"}
    path = f"/r/{links.token_for(alert.id, added.id)}"
    response = client.post(path, data={"code": "2", "csrf_token": csrf_token(client, path)})
    assert response.status_code == 200 and "Disponible sous 1 h" in html.unescape(response.text)


def test_a_second_complement_adds_nobody_twice(referent, answered):
    alert, _, _ = answered
    followup.complement_alert(actor=referent, alert=alert, text="Premier complément.")
    assert followup.complement_alert(actor=referent, alert=alert, text="Second complément.")["added"] == 0


def test_an_ended_alert_or_an_empty_text_is_refused_and_changes_nothing(referent, answered):
    alert, _, _ = answered
    with pytest.raises(ServiceError, match="obligatoire"):
        followup.complement_alert(actor=referent, alert=alert, text="  ")
    services.cancel_alert(actor=referent, alert=alert)
    with pytest.raises(ServiceError, match="plus en cours"):
        followup.complement_alert(actor=referent, alert=alert, text="Trop tard.")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)
                             .where(Message.topic == followup.TOPIC)) == 0
    assert len(db.session.get(Alert, alert.id).recipients) == 3


def test_the_referent_reviews_then_sends_from_the_follow_up_page(client, login, personas, answered):
    alert, _, _ = answered
    login(personas[Role.CRISIS_REFERENT])
    path = f"/alertes/{alert.id}"
    review = client.post(f"{path}/completer", data={"text": "RDV 8 h.", "action": "review",
                                                    "csrf_token": csrf_token(client, path)})
    page = re.sub(r"<[^>]+>", "", html.unescape(review.text)).replace("\xa0", " ")
    assert "complément à 1 personne qui a répondu présent, et 1 nouvelle personne de l'audience ajoutée" in page
    sent = client.post(f"{path}/completer", data={"text": "RDV 8 h.", "action": "send",
                                                  "csrf_token": csrf_token(client, path)})
    assert sent.status_code == 302 and _complement_recipients()


@pytest.mark.parametrize("role", [Role.CRISIS_CELL, Role.COORDINATOR, Role.PROFESSIONAL])
def test_only_the_referent_completes_an_alert(client, login, personas, answered, role):
    alert, _, _ = answered
    login(personas[role])
    path = f"/alertes/{alert.id}" if role is not Role.PROFESSIONAL else "/"
    response = client.post(f"/alertes/{alert.id}/completer", data={"text": "RDV 8 h.", "action": "send",
                                                                   "csrf_token": csrf_token(client, path)})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)
                             .where(Message.topic == followup.TOPIC)) == 0


def test_the_api_completes_an_alert_and_refuses_an_ended_one(client, personas, referent, answered):
    from crisis_app.core.auth import services as auth_services

    alert, first, newcomer = answered
    headers = {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=referent)}"}
    response = client.post(f"/api/v1/alerts/{alert.id}/complement", json={"text": "RDV 8 h."}, headers=headers)
    assert response.status_code == 200 and response.get_json() == {"sent_to": 2, "added": 1}
    assert client.post(f"/api/v1/alerts/{alert.id}/complement", json={"text": ""},
                       headers=headers).status_code == 422
    services.cancel_alert(actor=referent, alert=db.session.get(Alert, alert.id))
    refused = client.post(f"/api/v1/alerts/{alert.id}/complement", json={"text": "RDV 9 h."}, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_active"
    cell = {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=personas[Role.CRISIS_CELL].user)}"}
    assert client.post(f"/api/v1/alerts/{alert.id}/complement", json={"text": "RDV 8 h."},
                       headers=cell).status_code == 403
