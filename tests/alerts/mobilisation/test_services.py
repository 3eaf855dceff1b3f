"""Mobilise until N said yes: waves launched once and only to who is short, « c'est complet » once, the reserve."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.alerts import replies, services
from crisis_app.alerts.mobilisation import figures
from crisis_app.alerts.mobilisation import services as mobilisation
from crisis_app.alerts.mobilisation.models import AlertQuota, AlertWave
from crisis_app.alerts.models import AlertAnswer, AlertRecipient
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications import engine
from crisis_app.core.notifications.models import Delivery, OutboxMessage
from crisis_app.directory.audiences import services as audiences
from tests.alerts.mobilisation.conftest import IDE, mobilising


def _recipients(alert) -> list[AlertRecipient]:
    return list(db.session.scalars(sa.select(AlertRecipient).where(AlertRecipient.alert_id == alert.id)
                                   .order_by(AlertRecipient.id)))


def _ide(alert) -> list[AlertRecipient]:
    return [r for r in _recipients(alert) if r.profession_code == IDE]


def _yes(recipient, code="1"):
    return services.record_answer(recipient=recipient, code=code, comment=None, via="lien")


def _quota(alert) -> dict:
    return figures.quotas(alert)[0]


def test_the_first_wave_asks_only_the_professions_counted_in_the_first_audience(referent, territory, queued):
    alert = services.send_alert(actor=referent, data=mobilising(territory))
    people = _recipients(alert)
    assert sorted(r.professional_id for r in people) == sorted(p.id for p in territory.commune_people[:3])
    assert {r.wave for r in people} == {0}
    waves = figures.waves(alert)
    assert [(w["position"], w["asked"], w["launched_at"] is not None) for w in waves["items"]] == \
        [(1, 3, True), (2, 0, False)]
    assert waves["next_due_at"] == alert.created_at + timedelta(minutes=15)
    assert _quota(alert) | {"completed_at": None} == {
        "profession_code": IDE, "profession": "Infirmier", "count": 2, "confirmed": 0, "complete": False,
        "completed_at": None, "asked": 3, "reserve": 0, "silent": 3, "no": 0}


def test_the_next_wave_leaves_after_the_wait_once_to_the_short_profession_never_to_someone_asked(
        referent, territory, queued):
    alert = services.send_alert(actor=referent, data=mobilising(territory))
    _yes(_ide(alert)[0])
    assert mobilisation.advance(utcnow() + timedelta(minutes=10)) == 0  # the wait is not over
    later = utcnow() + timedelta(minutes=16)
    assert mobilisation.advance(later) == 6  # 3 IDE beyond the commune × SMS and e-mail
    assert mobilisation.advance(later + timedelta(minutes=1)) == 0  # launched once, even if the sweeper runs again
    asked = _recipients(alert)
    assert len(asked) == 6 and len({r.professional_id for r in asked}) == 6  # the commune's IDE not asked twice
    assert sorted(r.professional_id for r in asked if r.wave == 1) == sorted(p.id for p in territory.beyond_people[:3])
    # their answer times (the référent's per-person history) run from the wave, not from the alert's first message
    assert {r.asked_at.replace(tzinfo=None) for r in asked if r.wave == 1} == {later.replace(tzinfo=None)}
    assert {r.asked_at for r in asked if r.wave == 0} == {None}
    assert [w["asked"] for w in figures.waves(alert)["items"]] == [3, 3]
    summaries = db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.action == "alert.wave")).all()
    assert summaries == [f"Vague 2 de l'alerte « {alert.title} » : « Tout le territoire », 3\xa0personnes de plus "
                         "(Infirmier)"]


def test_no_wave_leaves_once_every_profession_is_complete(referent, territory, queued):
    alert = services.send_alert(actor=referent, data=mobilising(territory))
    for recipient in _ide(alert)[:2]:
        _yes(recipient)
    assert mobilisation.launch_due_waves(utcnow() + timedelta(hours=1)) == 0
    assert figures.waves(alert)["complete"] and figures.waves(alert)["next_due_at"] is None
    assert db.session.scalar(sa.select(AlertWave.launched_at).where(AlertWave.alert_id == alert.id,
                                                                    AlertWave.position == 1)) is None


def test_complete_is_told_once_to_the_silent_and_a_later_yes_goes_to_the_reserve(referent, territory, eager):
    alert = services.send_alert(actor=referent, data=mobilising(territory, ide=1))
    first, second, third = _ide(alert)
    _yes(first)
    assert _quota(alert)["complete"] and _quota(alert)["confirmed"] == 1
    services.record_answer(recipient=second, code="4", comment=None, via="lien")  # a no is not told « complet »
    assert engine.sweep(utcnow())["mobilised"] == 2  # the third, silent: SMS and e-mail
    assert engine.sweep(utcnow() + timedelta(minutes=1))["mobilised"] == 0  # once
    told = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.address.in_(
        [third.mobile_phone, third.email])).order_by(OutboxMessage.channel)).all()
    assert [m.channel for m in told if m.subject == f"C'est complet : {alert.title}"] == ["email", "sms"]
    assert any("merci, c'est complet" in m.body for m in told if m.channel == "sms")
    assert mobilisation.answer_notice(third).startswith("Merci, c'est complet")
    db.session.expire_all()
    _yes(third, "2")
    assert third.quota_status == "reserve"
    assert (_quota(alert)["confirmed"], _quota(alert)["reserve"], _quota(alert)["no"]) == (1, 1, 1)
    assert [r.id for r in figures.reserve(alert)] == [third.id]
    assert mobilisation.answer_notice(third).startswith("Merci ! L'effectif demandé était déjà complet")


def test_a_confirmed_yes_turned_no_frees_its_place_for_the_next_yes(referent, territory, queued):
    alert = services.send_alert(actor=referent, data=mobilising(territory, ide=1))
    first, second, _ = _ide(alert)
    _yes(first)
    _yes(second)
    assert second.quota_status == "reserve"
    services.record_answer(recipient=first, code="4", comment=None, via="lien")
    quota = db.session.scalar(sa.select(AlertQuota).where(AlertQuota.alert_id == alert.id))
    db.session.refresh(quota)
    assert (quota.confirmed, quota.completed_at) == (0, None)
    services.record_answer(recipient=second, code="1", comment="finalement libre", via="lien")
    db.session.refresh(quota)
    assert quota.confirmed == 1 and second.quota_status == "confirmed"
    assert db.session.scalars(sa.select(AlertAnswer.quota_status).where(AlertAnswer.recipient_id == second.id)
                              .order_by(AlertAnswer.id)).all() == ["reserve", "confirmed"]


def test_no_relance_goes_to_someone_told_complete(referent, territory, queued):
    alert = services.send_alert(actor=referent, data=mobilising(territory, ide=1, escalation_minutes=10,
                                                                escalation_max=1))
    _yes(_ide(alert)[0])
    figures_ = engine.sweep(utcnow() + timedelta(minutes=11))
    assert (figures_["mobilised"], figures_["escalated"]) == (2, 0)
    relances = db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)
                                 .where(Delivery.message_id == alert.message_id, Delivery.purpose == "escalation"))
    assert relances == 0


def test_an_answer_to_an_alert_without_quotas_touches_no_quota(referent, audience, queued):
    from tests.alerts.conftest import alert_data

    alert = services.send_alert(actor=referent, data=alert_data(audience))
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        _yes(alert.recipients[0])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert statements and not any("alert_quota" in s for s in statements)
    assert alert.recipients[0].quota_status is None


def test_an_answer_to_an_alert_with_quotas_adds_one_guarded_update(referent, territory, queued):
    alert = services.send_alert(actor=referent, data=mobilising(territory))
    recipient = _ide(alert)[0]
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        _yes(recipient)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listen)
    assert [s.split()[0] for s in statements if "alert_quota" in s] == ["UPDATE"]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"quotas": [{"profession": "astronaute", "count": 2}]}, "quotas", "Profession inconnue"),
    ({"question": "ack"}, "quotas", "Disponibilité"),
    ({"quotas": None}, "waves", "quotas"),
    ({"quotas": [{"profession": "IDE", "count": 1}, {"profession": "60", "count": 2}]}, "quotas", "deux fois"),
])
def test_a_wrong_mobilisation_is_refused_field_by_field_and_writes_nothing(referent, territory, queued, change,
                                                                         field, message):
    data = mobilising(territory)
    data.update(change)
    if data.get("quotas") is None:
        data.pop("quotas")
    with pytest.raises(ServiceError) as caught:
        services.send_alert(actor=referent, data=data)
    assert message in " ".join(caught.value.fields[field])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AlertQuota)) == 0


def test_the_first_wave_must_be_the_alerts_audience(referent, territory, queued):
    data = mobilising(territory)
    data["waves"] = list(reversed(data["waves"]))
    with pytest.raises(ServiceError) as caught:
        services.send_alert(actor=referent, data=data)
    assert caught.value.fields["waves"] == ["La première vague est l'audience de l'alerte : commencez la liste par "
                                            "elle."]


def test_a_yes_by_sms_reply_takes_a_place_like_a_yes_by_link(referent, territory, queued):
    from crisis_app.core.notifications import outbox

    alert = services.send_alert(actor=referent, data=mobilising(territory, ide=1))
    first, second, _ = _ide(alert)
    assert replies.answer_from_sms(outbox.SmsReply(sender=first.mobile_phone, text="1 j'arrive", provider_ref="r1"))
    assert replies.answer_from_sms(outbox.SmsReply(sender=second.mobile_phone, text="2", provider_ref="r2"))
    db.session.expire_all()
    assert (first.quota_status, second.quota_status) == ("confirmed", "reserve")
    assert _quota(alert)["confirmed"] == 1


def test_newcomers_added_by_a_complement_are_those_of_a_counted_profession_and_take_a_place(referent, territory,
                                                                                             queued):
    """The commune gains a nurse and a physiotherapist after the mobilisation for 1 IDE left: completing the alert
    adds the nurse only (the kiné is not sought), and her yes takes the place."""
    from crisis_app.alerts import followup
    from tests.alerts.mobilisation.conftest import person

    alert = services.send_alert(actor=referent, data=mobilising(territory, ide=1))
    nurse, physio = person(IDE), factories_kine()
    audiences.save_audience(actor=referent, audience=territory.commune, data={
        "name": territory.commune.name, "kind": "list",
        "professional_ids": [p.id for p in territory.commune_people] + [nurse.id, physio.id]})
    sent = followup.complement_alert(actor=referent, alert=alert, text="Point de rendez-vous : salle des fêtes.")
    assert sent["added"] == 1
    [added] = [r for r in _recipients(alert) if r.professional_id == nurse.id]
    assert added.asked_at is not None and added.quota_id is not None and added.profession_code == IDE
    assert physio.id not in {r.professional_id for r in _recipients(alert)}
    _yes(added)
    db.session.expire_all()
    assert added.quota_status == "confirmed" and _quota(alert)["confirmed"] == 1


def factories_kine():
    from tests import factories

    return factories.reachable_professional(profession_code="70", profession="Masseur-kinésithérapeute")


def test_each_wave_and_complete_notice_is_told_to_the_crisis_journal(referent, territory, queued):
    from crisis_app.alerts import signals

    heard = []

    def listener(alert, **kw):
        heard.append(kw["summary"])

    signals.alert_mobilised.connect(listener)
    try:
        alert = services.send_alert(actor=referent, data=mobilising(territory, ide=1))
        mobilisation.advance(utcnow() + timedelta(minutes=16))  # nobody yet: wave 2 leaves
        _yes(_ide(alert)[0])
        mobilisation.advance(utcnow() + timedelta(minutes=17))  # complete: the silent are told
    finally:
        signals.alert_mobilised.disconnect(listener)
    assert [h.split(" ")[0] for h in heard] == ["Vague", "«"]
    assert "« Tout le territoire »" in heard[0] and "c'est complet" in heard[1]
