"""Answers: from a signed link (no login) or an SMS reply; forged or expired links record nothing."""

import hashlib
import hmac
import json
from datetime import timedelta

import sqlalchemy as sa

from crisis_app.alerts import links, services
from crisis_app.alerts.models import AlertAnswer, Delivery, DeliveryState
from crisis_app.core.db import db
from tests.alerts.conftest import alert_data


def _sent_alert(referent, audience, **overrides):
    return services.send_alert(actor=referent, data=alert_data(audience, **overrides))


def _answers():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AlertAnswer))


def _path(recipient):
    return f"/r/{links.token_for(recipient)}"


def test_professional_answers_from_the_link_without_logging_in(client, referent, audience, eager):
    alert = _sent_alert(referent, audience)
    recipient = alert.recipients[0]
    page = client.get(_path(recipient))
    assert page.status_code == 200 and "Disponible sous 1 h" in page.text
    from tests.conftest import csrf_token

    response = client.post(_path(recipient), data={"code": "2", "comment": "avec mon matériel",
                                                   "csrf_token": csrf_token(client, _path(recipient))})
    assert response.status_code == 200 and "votre réponse « Disponible sous 1 h » est enregistrée" in response.text
    db.session.expire_all()
    assert (recipient.answer_code, recipient.answer_comment) == ("2", "avec mon matériel")
    states = db.session.scalars(sa.select(Delivery.state).where(Delivery.recipient_id == recipient.id)).all()
    assert set(states) == {DeliveryState.ANSWERED}


def test_a_changed_answer_keeps_its_history_and_a_late_one_counts(referent, audience, eager):
    alert = _sent_alert(referent, audience)
    recipient = alert.recipients[0]
    services.record_answer(recipient=recipient, code="1", comment=None, via="lien")
    services.end_alert(actor=referent, alert=alert, text="Fin.")
    services.record_answer(recipient=recipient, code="4", comment="finalement non", via="lien")
    assert [a.code for a in recipient.answers] == ["1", "4"]
    assert recipient.answer_code == "4"
    assert services.counts(alert)["by_answer"] == {"4": 1}


def test_forged_link_is_refused_and_records_nothing(client, referent, audience, eager):
    alert = _sent_alert(referent, audience)
    first, second = alert.recipients[0], alert.recipients[1]
    before = _answers()
    forged = f"/r/{second.id}.{links.token_for(first).split('.')[1]}"  # first's signature on second's id
    for path in (forged, f"/r/{first.id}.AAAAAAAAAAAAAAAAAAAAAA", "/r/nonsense", "/r/99999999.x"):
        assert client.get(path).status_code == 404
        assert client.post(path, data={"code": "1"}).status_code in (400, 404)
    assert _answers() == before


def test_link_of_another_alert_does_not_open_this_one(referent, audience, eager):
    first_alert = _sent_alert(referent, audience)
    second_alert = _sent_alert(referent, audience, title="Deuxième alerte")
    token = links.token_for(first_alert.recipients[0])
    same_person = next(r for r in second_alert.recipients
                       if r.professional_id == first_alert.recipients[0].professional_id)
    assert links.recipient_for_token(token).alert_id == first_alert.id
    assert token != links.token_for(same_person)


def test_expired_link_is_refused_with_410(client, referent, audience, eager):
    alert = _sent_alert(referent, audience)
    alert.created_at = alert.created_at - timedelta(days=30)
    db.session.commit()
    before = _answers()
    response = client.get(_path(alert.recipients[0]))
    assert response.status_code == 410 and "expiré" in response.text
    assert _answers() == before


def _signed(app, body: dict) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    signature = hmac.new(app.config["WEBHOOK_SECRET"].encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Vigie-Signature": f"sha256={signature}", "Content-Type": "application/json"}


def test_sms_reply_webhook_records_the_answer(app, client, referent, audience, eager, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret-for-tests")
    alert = _sent_alert(referent, audience)
    recipient = alert.recipients[1]
    raw, headers = _signed(app, {"from": recipient.mobile_phone, "text": "1 j'arrive"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    db.session.expire_all()
    assert (recipient.answer_code, recipient.answer_comment, recipient.answers[0].via) == ("1", "j'arrive", "sms")


def test_unsigned_or_badly_signed_webhook_is_refused(app, client, referent, audience, eager, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret-for-tests")
    alert = _sent_alert(referent, audience)
    body = {"from": alert.recipients[0].mobile_phone, "text": "1"}
    before = _answers()
    assert client.post("/api/v1/webhooks/sms-replies", json=body).status_code == 401
    bad = {"X-Vigie-Signature": "sha256=" + "0" * 64}
    assert client.post("/api/v1/webhooks/sms-replies", json=body, headers=bad).status_code == 401
    assert _answers() == before


def test_delivery_receipt_marks_the_delivery(app, client, referent, audience, eager, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret-for-tests")
    alert = _sent_alert(referent, audience, channels=["sms"])
    delivery = db.session.scalar(sa.select(Delivery).where(Delivery.alert_id == alert.id).limit(1))
    raw, headers = _signed(app, {"reference": delivery.reference, "status": "delivered"})
    assert client.post("/api/v1/webhooks/receipts", data=raw, headers=headers).status_code == 204
    db.session.expire_all()
    assert delivery.delivered_at is not None
    raw, headers = _signed(app, {"reference": delivery.reference, "status": "failed", "error": "numéro inconnu"})
    client.post("/api/v1/webhooks/receipts", data=raw, headers=headers)
    db.session.expire_all()
    assert delivery.state is DeliveryState.PERMANENT_FAILURE and delivery.last_error == "numéro inconnu"
