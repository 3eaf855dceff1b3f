"""The retour d'expérience: pre-filled with the figures Vigie holds, written, validated, frozen."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from crisis_app.alerts import services as alert_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.crises import journal, mission, needs, retex, services
from crisis_app.crises.models import Evaluation, EvaluationStatus
from crisis_app.directory.audiences import services as audiences
from crisis_app.stock import services as stock_services
from tests import factories

ACTIONS = [{"title": "Mettre à jour l'annuaire des IDE", "owner": "Julien", "due_on": "2027-03-01"}]


@pytest.fixture
def lived(crisis, referent):
    """A crisis that lived: level raised, an availability alert answered by 2 of 3, a need met, masks handed out."""
    services.change_level(actor=referent, crisis=crisis, gradation=2, reason="Décision ARS")
    people = [factories.reachable_professional(channels=("sms",)) for _ in range(3)]
    audience = audiences.save_audience(actor=referent, data={"name": "IDE", "kind": "list",
                                                             "professional_ids": [p.id for p in people]})
    alert = alert_services.send_alert(actor=referent, data={
        "title": "Renfort", "sms_text": "Renfort demandé", "email_text": "Renfort demandé", "audience_id": audience.id,
        "channels": ["sms"], "question": "availability", "crisis_id": crisis.id})
    for recipient, code in zip(alert.recipients[:2], ("1", "4"), strict=True):
        alert_services.record_answer(recipient=recipient, code=code, comment=None, via="link")
    need = needs.add_need(actor=referent, crisis=crisis, title="Visites ALD")
    needs.update_need(actor=referent, need=need, status="met", owner="Dr Martin")
    needs.add_need(actor=referent, crisis=crisis, title="Centre de vaccination")
    item = stock_services.create_item(actor=referent, name="Masques FFP2", unit="boîte")
    place = stock_services.create_location(actor=referent, name="Local CPTS")
    lot = stock_services.receive(actor=referent, item_id=item.id, location_id=place.id, quantity=10).lot_id
    stock_services.distribute(actor=referent, lot_id=lot, quantity=4, structure="EHPAD", crisis_id=crisis.id)
    return crisis


def test_the_evaluation_is_prefilled_with_the_figures_vigie_holds(lived):
    figures = retex.evaluation_of(lived).figures
    assert figures["alerts_sent"] == 1 and figures["alerts"][0]["recipients"] == 3
    assert figures["alerts"][0]["answered"] == 2 and figures["alerts"][0]["minutes_to_half"] is not None
    assert figures["channels"]["sms"]["answer_rate"] == pytest.approx(66.7)
    assert figures["mobilised"] == 1  # the other one answered "Non disponible"
    assert (figures["needs_met"], figures["needs_total"]) == (1, 2)
    assert figures["equipment"] == {"Masques FFP2 (boîte)": 4}
    assert [t["to"] for t in figures["timeline"]] == ["Gradation 1", "Gradation 2"]
    assert figures["journal"]["Changement de niveau"] == 2 and figures["journal"]["Alerte"] == 1
    assert figures["duration_hours"] >= 0


def test_reading_an_unwritten_evaluation_writes_nothing(lived):
    retex.evaluation_of(lived)
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 0


def test_the_draft_keeps_sections_and_actions(lived, referent):
    evaluation = retex.save(actor=referent, crisis=lived, worked="Alerte rapide", not_worked="Annuaire daté",
                            actions=ACTIONS)
    assert evaluation.actions[0].due_on == date(2027, 3, 1) and evaluation.actions[0].status.value == "planifiee"
    assert evaluation.status is EvaluationStatus.DRAFT


@pytest.mark.parametrize(("actions", "field"), [
    ([{"title": "", "owner": "Julien"}], "actions.0"), ([{"title": "X", "owner": ""}], "actions.0"),
    ([{"title": "X", "owner": "J", "due_on": "31/02/2027"}], "actions.0"),
    ([{"title": "X", "owner": "J", "status": "abandoned"}], "actions.0")])
def test_an_invalid_draft_is_refused_and_saves_nothing(lived, referent, actions, field):
    with pytest.raises(ServiceError) as caught:
        retex.save(actor=referent, crisis=lived, worked="x", not_worked="y", actions=actions)
    assert caught.value.status == 422 and field in caught.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 0


def test_validation_needs_a_closed_crisis(lived, referent):
    retex.save(actor=referent, crisis=lived, worked="a", not_worked="b", actions=[])
    with pytest.raises(ServiceError) as caught:
        retex.validate(actor=referent, crisis=lived)
    assert caught.value.status == 409
    assert retex.evaluation_of(lived).status is EvaluationStatus.DRAFT


def test_validation_freezes_the_figures_and_the_text(lived, referent):
    retex.save(actor=referent, crisis=lived, worked="a", not_worked="b", actions=ACTIONS)
    services.close_crisis(actor=referent, crisis=lived, reason="Fin")
    evaluation = retex.validate(actor=referent, crisis=lived)
    frozen = dict(evaluation.figures)
    journal.append(crisis=lived, actor=None, kind="alert", text="Alerte tardive")  # Vigie keeps writing
    db.session.commit()
    assert retex.evaluation_of(lived).figures == frozen
    with pytest.raises(ServiceError) as caught:
        retex.save(actor=referent, crisis=lived, worked="autre", not_worked="", actions=[])
    assert caught.value.status == 409 and retex.evaluation_of(lived).worked == "a"
    with pytest.raises(ServiceError) as again:
        retex.validate(actor=referent, crisis=lived)
    assert again.value.code == "already_validated"


def test_decided_actions_are_followed_to_done_after_validation(lived, referent):
    retex.save(actor=referent, crisis=lived, worked="a", not_worked="b", actions=ACTIONS)
    services.close_crisis(actor=referent, crisis=lived, reason="Fin")
    evaluation = retex.validate(actor=referent, crisis=lived)
    retex.follow_action(actor=referent, action=evaluation.actions[0], status="en_cours")
    retex.follow_action(actor=referent, action=evaluation.actions[0], status="realisee",
                        evidence_note="Annuaire des IDE relu le 2 mars.")
    assert evaluation.actions[0].status.value == "realisee"
    assert evaluation.actions[0].evidence_note == "Annuaire des IDE relu le 2 mars."
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "quality.action.transition",
                                                         AuditEvent.object_id == str(evaluation.actions[0].id)))


def test_sending_before_validation_is_refused(lived, referent):
    retex.save(actor=referent, crisis=lived, worked="a", not_worked="b", actions=[])
    with pytest.raises(ServiceError) as caught:
        retex.send(actor=referent, crisis=lived)
    assert caught.value.code == "not_validated"


def test_the_pdf_carries_the_figures_and_the_sections(lived, referent):
    evaluation = retex.save(actor=referent, crisis=lived, worked="Alerte rapide", not_worked="Annuaire daté",
                            actions=ACTIONS)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(retex.document(evaluation))).pages)
    for expected in ("Retour d'expérience", "Canicule juillet", "Alerte rapide", "Annuaire daté",
                     "Mettre à jour l'annuaire des IDE", "Masques FFP2", "01/03/2027"):
        assert expected in text, expected


def test_no_evaluation_sent_this_year_counts_zero(lived):
    assert mission.evaluations_sent(utcnow().year) == 0


def test_the_evaluation_tells_the_run_as_the_ars_reads_it(lived, referent, client, login, personas):
    """Key decisions from the journal, the cellule and who came, answers per profession within 15 / 30 minutes,
    equipment in its unit, figures in French formats."""
    from datetime import timedelta

    from crisis_app.alerts.models import Alert
    from crisis_app.core.roles import Role
    from crisis_app.crises import cellule

    journal.write(actor=referent, crisis=lived, kind="decision", text="Ouverture d'un accueil rafraîchi à la MSP")
    nurse = factories.reachable_professional(profession_code="60", profession="Infirmier")
    doctor = factories.reachable_professional(profession_code="10", profession="Médecin")
    empty = {"within_15": 0, "within_30": 0}
    before = {r["profession"]: r for r in retex.evaluation_of(lived).figures["by_profession"]}
    activation = cellule.activate(actor=referent, crisis=lived, professional_ids=[nurse.id, doctor.id])
    cell_alert = db.session.get(Alert, activation.alert_id)
    by_person = {r.professional_id: r for r in cell_alert.recipients}
    alert_services.record_answer(recipient=by_person[doctor.id], code="N", comment="En garde", via="link")
    alert_services.record_answer(recipient=by_person[nurse.id], code="A", comment=None, via="link")
    by_person[nurse.id].answered_at = cell_alert.created_at + timedelta(minutes=10)
    by_person[doctor.id].answered_at = cell_alert.created_at + timedelta(minutes=25)
    db.session.flush()
    figures = retex.evaluation_of(lived).figures
    rows = {r["profession"]: r for r in figures["by_profession"]}

    def added(profession, key):
        return rows[profession][key] - before.get(profession, empty)[key]

    assert (added("Infirmier", "within_15"), added("Infirmier", "within_30")) == (1, 1)
    assert (added("Médecin", "within_15"), added("Médecin", "within_30")) == (0, 1)
    assert [d["text"] for d in figures["decisions"]] == ["Ouverture d'un accueil rafraîchi à la MSP"]
    roster = {m["name"]: m for m in figures["cellule"]}
    assert roster[doctor.display_name]["state"] == "declined" and roster[nurse.display_name]["answer"] == "J'arrive"
    login(personas[Role.CRISIS_REFERENT])
    page = client.get(f"/crises/{lived.id}/retex").text
    assert "Ouverture d&#39;un accueil rafraîchi à la MSP" in page
    assert "Je ne peux pas : « En garde »" in page
    assert "Masques FFP2 : 4 boîtes" in page
    assert "ouverture en gradation 1" in page and "— →" not in page
    assert "100\u00a0%" in page and "100.0 %" not in page


def test_the_board_says_quantities_with_their_unit_in_the_plural(lived, client, login, personas):
    from crisis_app.core.roles import Role

    login(personas[Role.CRISIS_CELL])
    page = client.get(f"/crises/{lived.id}/tableau").text
    assert "Masques FFP2 : <strong>4 boîtes</strong>" in page and "4 boîte<" not in page
    assert "Masques FFP2 : 6 boîtes" in page  # 10 received, 4 handed out
