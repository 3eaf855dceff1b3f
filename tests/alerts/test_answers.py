"""Answers: from a signed link (no login) or an SMS reply; forged or expired links record nothing."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.alerts import links, services
from crisis_app.alerts.models import AlertAnswer
from crisis_app.core.db import db
from crisis_app.core.notifications.models import Delivery, DeliveryState
from tests.alerts.conftest import alert_data
from tests.conftest import csrf_token
from tests.core.webhooks import signed


def _sent_alert(referent, audience, **overrides):
    return services.send_alert(actor=referent, data=alert_data(audience, **overrides))


def _answers():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AlertAnswer))


def _path(recipient):
    return f"/r/{links.token_for(recipient.alert_id, recipient.id)}"


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
    states = db.session.scalars(sa.select(Delivery.state)
                                .where(Delivery.recipient_id == recipient.message_recipient_id)).all()
    assert set(states) == {DeliveryState.ANSWERED}


def test_a_changed_answer_keeps_its_history_and_the_earlier_comment(referent, audience, eager):
    alert = _sent_alert(referent, audience)
    recipient = alert.recipients[0]
    services.record_answer(recipient=recipient, code="1", comment="avec le camion", via="lien")
    services.record_answer(recipient=recipient, code="2", comment="  ", via="lien")
    assert [a.code for a in recipient.answers] == ["1", "2"]
    assert (recipient.answer_code, recipient.answer_comment) == ("2", "avec le camion")  # not wiped by a blank
    services.record_answer(recipient=recipient, code="4", comment="finalement non", via="lien")
    assert recipient.answer_comment == "finalement non"
    assert services.counts(alert)["by_answer"] == {"4": 1}


def test_forged_link_is_refused_and_records_nothing(client, referent, audience, eager):
    alert = _sent_alert(referent, audience)
    first, second = alert.recipients[0], alert.recipients[1]
    before = _answers()
    signature = links.token_for(first.alert_id, first.id).split('.')[1]
    forged = f"/r/{second.id}.{signature}"  # first's signature on second's id
    for path in (forged, f"/r/{first.id}.AAAAAAAAAAAAAAAAAAAAAA", "/r/nonsense", "/r/99999999.x"):
        assert client.get(path).status_code == 404
        assert client.post(path, data={"code": "1"}).status_code in (400, 404)
    assert _answers() == before


def test_link_of_another_alert_does_not_open_this_one(referent, audience, eager):
    first_alert = _sent_alert(referent, audience)
    second_alert = _sent_alert(referent, audience, title="Deuxième alerte")
    token = links.token_for(first_alert.id, first_alert.recipients[0].id)
    same_person = next(r for r in second_alert.recipients
                       if r.professional_id == first_alert.recipients[0].professional_id)
    assert links.recipient_for_token(token).alert_id == first_alert.id
    assert token != links.token_for(second_alert.id, same_person.id)


def test_expired_link_is_refused_with_410(client, referent, audience, eager):
    alert = _sent_alert(referent, audience)
    alert.created_at = alert.created_at - timedelta(days=30)
    db.session.commit()
    before = _answers()
    response = client.get(_path(alert.recipients[0]))
    assert response.status_code == 410 and "expiré" in response.text
    assert _answers() == before


def _signed(app, body: dict, *, at: float | None = None) -> tuple[bytes, dict]:
    return signed(app, body, at=at)


def test_sms_reply_webhook_records_the_answer(app, client, referent, audience, eager, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret-for-tests")
    alert = _sent_alert(referent, audience)
    recipient = alert.recipients[1]
    raw, headers = _signed(app, {"id": "sms-1", "from": recipient.mobile_phone, "text": "1 j'arrive"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    db.session.expire_all()
    assert (recipient.answer_code, recipient.answer_comment, recipient.answers[0].via) == ("1", "j'arrive", "sms")


# --- one rule for every answer path: what may be answered, until when, and what the person is told -----------

def _close(referent, alert, how):
    if how == "cancelled":
        services.cancel_alert(actor=referent, alert=alert)
    elif how == "ended":
        services.end_alert(actor=referent, alert=alert, text="Merci, c'est fini.")
    else:
        alert.created_at = alert.created_at - timedelta(days=30)
        db.session.commit()


@pytest.mark.parametrize("how, says", [("cancelled", "annulée"), ("ended", "terminée"), ("expired", "expiré")])
def test_no_path_records_an_answer_once_the_alert_is_closed(app, client, referent, audience, eager, monkeypatch,
                                                            how, says):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret-for-tests")
    alert = _sent_alert(referent, audience)
    recipient = alert.recipients[0]
    path = _path(recipient)
    token = csrf_token(client, path)  # the page was open before the alert closed
    _close(referent, alert, how)
    before = _answers()
    page = client.get(path)
    assert page.status_code == 410 and says in page.text and "answer-button" not in page.text
    posted = client.post(path, data={"code": "1", "csrf_token": token})
    assert posted.status_code == 410 and says in posted.text
    raw, headers = _signed(app, {"id": f"late-{how}", "from": recipient.mobile_phone, "text": "1"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    with pytest.raises(services.AnswerClosed):
        services.record_answer(recipient=recipient, code="1", comment=None, via="api")
    db.session.rollback()
    assert _answers() == before


def test_an_sms_reply_answers_the_open_alert_not_the_newest_cancelled_one(app, client, referent, audience, eager,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret-for-tests")
    open_alert = _sent_alert(referent, audience, title="Ouverte")
    newer = _sent_alert(referent, audience, title="Plus récente, annulée")
    services.cancel_alert(actor=referent, alert=newer)
    person = open_alert.recipients[0]
    raw, headers = _signed(app, {"id": "sms-42", "from": person.mobile_phone, "text": "2"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    db.session.expire_all()
    assert person.answer_code == "2"
    assert all(r.answer_code is None for r in newer.recipients)


def test_a_replayed_or_stale_webhook_is_refused_and_records_nothing_twice(app, client, referent, audience, eager,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret-for-tests")
    alert = _sent_alert(referent, audience)
    recipient = alert.recipients[0]
    raw, headers = _signed(app, {"id": "sms-7", "from": recipient.mobile_phone, "text": "1"})
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers).status_code == 204
    after_first = _answers()
    replay = client.post("/api/v1/webhooks/sms-replies", data=raw, headers=headers)
    assert replay.status_code == 409 and replay.json["error"]["code"] == "replayed"
    stale_raw, stale_headers = _signed(app, {"id": "sms-8", "from": recipient.mobile_phone, "text": "4"},
                                       at=time.time() - 3600)
    assert client.post("/api/v1/webhooks/sms-replies", data=stale_raw, headers=stale_headers).status_code == 401
    unsigned_time = dict(headers, **{"X-Vigie-Timestamp": str(int(time.time()) + 1)})  # signature covers the time
    assert client.post("/api/v1/webhooks/sms-replies", data=raw, headers=unsigned_time).status_code == 401
    assert _answers() == after_first


def test_a_link_token_with_non_ascii_digits_or_a_huge_id_is_a_404(client, referent, audience, eager):
    _sent_alert(referent, audience)
    for token in ("١٢٣.abc", "²3.abc", "99999999999999999999.abc", "0.abc", "-1.abc", "1.", "1.é"):
        assert client.get(f"/r/{token}").status_code == 404, token
        assert client.get(f"/confirmer/{token}").status_code == 404, token


def test_the_answer_post_runs_at_most_three_statements_and_one_commit(app, client, referent, audience, eager):
    """The link's POST, as 2,000 people send it in a minute: the recipient and its alert (one SELECT), the answer and
    its audit row (two INSERTs; the database applies the answer to the person and their deliveries), one commit."""
    alert = _sent_alert(referent, audience)
    recipient = alert.recipients[1]
    path = _path(recipient)
    token = csrf_token(client, path)
    db.session.expire_all()  # nothing loaded beforehand: the request reads what it needs
    statements, commits = [], []

    def count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    def committed(_session):
        commits.append(1)

    sa.event.listen(db.session, "after_commit", committed)
    try:
        response = client.post(path, data={"code": "1", "comment": "", "csrf_token": token})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
        sa.event.remove(db.session, "after_commit", committed)
    assert response.status_code == 200 and "est enregistrée" in response.text
    assert len(statements) <= 3, "\n".join(s[:60] + " … " + s[-120:] for s in statements)
    assert len(commits) == 1
    db.session.expire_all()
    assert (recipient.answer_code, [a.code for a in recipient.answers]) == ("1", ["1"])
    states = db.session.scalars(sa.select(Delivery.state)
                                .where(Delivery.recipient_id == recipient.message_recipient_id)).all()
    assert set(states) == {DeliveryState.ANSWERED}
    others = db.session.scalars(sa.select(Delivery.state)
                                .where(Delivery.recipient_id == alert.recipients[0].message_recipient_id)).all()
    assert DeliveryState.ANSWERED not in set(others)  # only this person's deliveries
