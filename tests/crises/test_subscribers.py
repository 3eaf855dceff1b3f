"""Alerts and stock tell crises what happened through signals; the journal line joins the sender's transaction."""

from __future__ import annotations

from crisis_app.alerts import signals as alert_signals
from crisis_app.core.db import db
from crisis_app.crises import journal
from crisis_app.crises.models import EntryKind
from crisis_app.stock import signals as stock_signals


def test_an_alert_sent_during_a_crisis_writes_an_alert_line(crisis, referent):
    alert_signals.alert_sent.send(object(), crisis_id=crisis.id, actor=referent,
                                  summary="Alerte « Renfort » envoyée à 12 personne(s)")
    entry = journal.entries(crisis)[-1]
    assert (entry.kind, entry.text, entry.author_id) == (EntryKind.ALERT, "Alerte « Renfort » envoyée à 12 personne(s)",
                                                         referent.id)


def test_cancelled_and_ended_alerts_write_their_lines(crisis):
    alert_signals.alert_cancelled.send(object(), crisis_id=crisis.id, actor=None, summary="Alerte annulée")
    alert_signals.alert_ended.send(object(), crisis_id=crisis.id, actor=None, summary="Fin de l'alerte")
    assert [(e.kind, e.text, e.author_label) for e in journal.entries(crisis)[-2:]] == [
        (EntryKind.ALERT, "Alerte annulée", "système"), (EntryKind.ALERT, "Fin de l'alerte", "système")]


def test_equipment_handed_out_during_a_crisis_writes_an_equipment_line(crisis, referent):
    stock_signals.handed_out.send(object(), crisis_id=crisis.id, actor=referent,
                                  summary="20 boîte(s) de Masques FFP2 remises à l'EHPAD Les Tilleuls")
    assert journal.entries(crisis)[-1].kind is EntryKind.EQUIPMENT


def test_a_signal_without_crisis_writes_nothing(crisis):
    before = len(journal.entries(crisis))
    alert_signals.alert_sent.send(object(), crisis_id=None, actor=None, summary="Alerte hors crise")
    stock_signals.handed_out.send(object(), crisis_id=None, actor=None, summary="Remise hors crise")
    assert len(journal.entries(crisis)) == before


def test_the_line_rolls_back_with_the_senders_transaction(crisis):
    before = len(journal.entries(crisis))
    alert_signals.alert_sent.send(object(), crisis_id=crisis.id, actor=None, summary="Jamais envoyée")
    db.session.rollback()
    assert len(journal.entries(crisis)) == before


def test_the_chain_stays_intact_across_people_and_vigie_lines(crisis, referent):
    journal.write(actor=referent, crisis=crisis, kind="decision", text="Ouverture du centre")
    stock_signals.handed_out.send(object(), crisis_id=crisis.id, actor=referent, summary="Remise")
    db.session.commit()
    assert journal.first_broken(crisis.id) is None


def test_an_alert_sent_through_the_alerts_service_writes_exactly_one_journal_line(crisis, referent):
    from crisis_app.alerts import services as alert_services
    from crisis_app.directory.audiences import services as audiences
    from tests import factories

    people = [factories.reachable_professional() for _ in range(2)]
    audience = audiences.save_audience(actor=referent, data={"name": "Renfort IDE", "kind": "list",
                                                             "professional_ids": [p.id for p in people]})
    before = len(journal.entries(crisis))
    alert_services.send_alert(actor=referent, data={
        "title": "Renfort", "sms_text": "Renfort demandé", "email_text": "Renfort demandé", "audience_id": audience.id,
        "channels": ["sms"], "question": "availability", "crisis_id": crisis.id})
    lines = journal.entries(crisis)[before:]
    assert [e.kind for e in lines] == [EntryKind.ALERT] and "« Renfort » envoyée à 2\u00a0personnes" in lines[0].text


def test_a_real_distribution_during_a_crisis_writes_its_line_in_the_same_commit(crisis, referent, db_session):
    """The stock service sends the signal itself: no caller has to remember to write the journal."""
    from datetime import timedelta

    from crisis_app.core.db import utcnow
    from crisis_app.stock import services as stock_services
    from tests import factories

    item = stock_services.create_item(actor=referent, name="Masques chirurgicaux", unit="boîte de 50",
                                      category="protection")
    place = stock_services.create_location(actor=referent, name="Local de crise")
    lot = stock_services.receive(actor=referent, item_id=item.id, location_id=place.id, quantity=8, lot_number="B2",
                                 expires_on=utcnow().date() + timedelta(days=200)).lot
    nurse = factories.reachable_professional()
    before = len(journal.entries(crisis))
    stock_services.distribute(actor=referent, lot_id=lot.id, quantity=3, professional_id=nurse.id,
                              crisis_id=crisis.id)
    entries = journal.entries(crisis)
    assert len(entries) == before + 1 and entries[-1].kind is EntryKind.EQUIPMENT
    assert "Masques chirurgicaux" in entries[-1].text
    stock_services.distribute(actor=referent, lot_id=lot.id, quantity=1, professional_id=nurse.id)  # no crisis
    assert len(journal.entries(crisis)) == before + 1


def test_an_sms_provider_switch_is_written_in_every_open_crisis_journal(crisis, referent):
    from crisis_app.core.db import utcnow
    from crisis_app.core.notifications import failover
    from crisis_app.crises import services

    closed = services.open_crisis(actor=referent, title="Inondation (close)", typology=2, authority="ars")
    services.close_crisis(actor=referent, crisis=closed, reason="Décrue", notify_end=False)
    before = len(journal.entries(closed))
    summary = "SMS : passage au fournisseur de secours (3 envois de suite en échec chez le fournisseur principal)"
    failover.provider_switched.send("sms", previous=failover.PRIMARY, provider=failover.BACKUP,
                                    reason="3 envois de suite en échec chez le fournisseur principal", at=utcnow(),
                                    summary=summary)
    entry = journal.entries(crisis)[-1]
    assert (entry.kind, entry.text, entry.author_label) == (EntryKind.ALERT, summary, "système")
    assert len(journal.entries(closed)) == before  # a closed crisis's journal is not told


def test_a_mobilisations_wave_and_its_complete_notice_write_alert_lines(crisis):
    alert_signals.alert_mobilised.send(object(), crisis_id=crisis.id, actor=None,
                                       summary="Vague 2 de l'alerte « Renfort » : « Territoire », 3 personnes de plus")
    assert journal.entries(crisis)[-1].text.startswith("Vague 2 de l'alerte « Renfort »")
    assert journal.entries(crisis)[-1].kind is EntryKind.ALERT
