"""Points de situation: composed from the run since the previous one, edited, sent to the partner organisations
chosen (PDF through the outbox, one delivery per contact), written in the journal, proposed after a gradation
change; observers read only those sent to their organisation; writes refused to every other role."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications.models import MessageAttachment
from crisis_app.core.roles import Role
from crisis_app.crises import journal, needs, services, situation
from crisis_app.crises.models import EntryKind
from tests import factories
from tests.conftest import csrf_token
from tests.documents import make_attachments


def bearer(persona) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=persona.user)}"}


@pytest.fixture
def partners(db_session):
    ars = factories.organisation(name="ARS Occitanie — DD31", kind="ars",
                                 contacts=[{"name": "Veille", "email": "veille@ars.example.org"}])
    chu = factories.organisation(name="CHU de Toulouse", kind="hopital",
                                 contacts=[{"name": "Direction", "email": "direction@chu.example.org"},
                                           {"name": "Urgences", "email": "urgences@chu.example.org"}])
    mairie = factories.organisation(name="Mairie de Balma", kind="autre",
                                    contacts=[{"name": "CCAS", "email": "ccas@balma.example.org"}])
    return {"ars": ars, "chu": chu, "mairie": mairie}


def test_a_point_is_composed_from_the_run_since_the_previous_one(crisis, referent):
    journal.write(actor=referent, crisis=crisis, kind="decision", text="Ouverture d'une salle rafraîchie")
    needs.add_need(actor=referent, crisis=crisis, title="Visites à domicile", owner="IDE de Balma")
    services.change_level(actor=referent, crisis=crisis, gradation=2, reason="Surmortalité signalée par l'ARS")
    first = situation.create(actor=referent, crisis=crisis)
    assert first.number == 1 and "Surmortalité signalée par l'ARS" in first.text
    assert "Ouverture d'une salle rafraîchie" in first.text and "Visites à domicile" in first.text
    assert "IDE de Balma" in first.text and "Gradation 2" in first.text
    journal.write(actor=referent, crisis=crisis, kind="decision", text="Renfort de deux infirmiers")
    second = situation.create(actor=referent, crisis=crisis)
    assert second.number == 2 and "Renfort de deux infirmiers" in second.text
    assert "Ouverture d'une salle rafraîchie" not in second.text  # only what happened since the first point
    assert "aucun depuis le point précédent" in second.text


def test_sending_to_two_partners_writes_one_message_per_contact_and_a_journal_line(crisis, referent, partners):
    report = situation.create(actor=referent, crisis=crisis, text="Situation stable. Deux cabinets fermés.")
    situation.send(actor=referent, report=report, organisation_ids=[partners["ars"].id, partners["chu"].id])
    assert report.sent and report.organisation_ids == [partners["ars"].id, partners["chu"].id]
    assert sorted(d.address for d in situation.deliveries(report)) == [
        "direction@chu.example.org", "urgences@chu.example.org", "veille@ars.example.org"]
    make_attachments(report.message_id)  # the worker makes the PDF the message carries
    [attachment] = db.session.scalars(sa.select(MessageAttachment)
                                      .where(MessageAttachment.message_id == report.message_id))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.content)).pages)
    assert "Deux cabinets fermés" in text
    last = journal.entries(crisis)[-1]
    assert last.kind is EntryKind.COMMUNICATION and "ARS Occitanie — DD31" in last.text and "CHU" in last.text
    with pytest.raises(ServiceError) as again:
        situation.send(actor=referent, report=report, organisation_ids=[partners["mairie"].id])
    assert again.value.status == 409 and len(situation.deliveries(report)) == 3


def test_bad_recipients_are_refused_and_nothing_is_sent(crisis, referent, partners):
    report = situation.create(actor=referent, crisis=crisis, text="Point")
    for ids in ([], [987654]):
        with pytest.raises(ServiceError) as refused:
            situation.send(actor=referent, report=report, organisation_ids=ids)
        assert refused.value.status == 422
    assert not report.sent and situation.deliveries(report) == []
    assert all(e.kind is not EntryKind.COMMUNICATION for e in journal.entries(crisis))


def test_a_point_is_proposed_on_the_crisis_page_after_a_gradation_change(client, login, personas, crisis, referent):
    login(personas[Role.CRISIS_REFERENT])
    assert 'data-testid="situation-proposal"' not in client.get(f"/crises/{crisis.id}").text
    services.change_level(actor=referent, crisis=crisis, gradation=2, reason="Afflux aux urgences")
    assert 'data-testid="situation-proposal"' in client.get(f"/crises/{crisis.id}").text
    situation.create(actor=referent, crisis=crisis)
    assert 'data-testid="situation-proposal"' not in client.get(f"/crises/{crisis.id}").text


def test_the_referent_writes_and_sends_from_the_pages_after_a_confirmation(client, login, personas, crisis,
                                                                           partners):
    login(personas[Role.CRISIS_REFERENT])
    new = client.get(f"/crises/{crisis.id}/situation/nouveau")
    assert new.status_code == 200 and "Niveau actuel : Gradation 1." in new.text
    token = csrf_token(client, f"/crises/{crisis.id}/situation/nouveau")
    created = client.post(f"/crises/{crisis.id}/situation/nouveau", data={"csrf_token": token,
                                                                         "text": "Point rédigé à la main."})
    assert created.status_code == 302
    url = created.location
    step = client.post(f"{url}/envoi", data={"csrf_token": token, "organisation_ids": [str(partners["ars"].id),
                                                                                       str(partners["mairie"].id)]})
    assert step.status_code == 200 and "ccas@balma.example.org" in step.text and "2\u00a0organisations" in step.text
    report = situation.report_of(crisis, 1)
    assert not report.sent
    done = client.post(f"{url}/envoi", data={"csrf_token": token, "confirm": "1",
                                             "chosen": f"{partners['ars'].id},{partners['mairie'].id}"})
    assert done.status_code == 302
    page = client.get(url).text
    assert 'data-testid="situation-deliveries"' in page and "veille@ars.example.org" in page


def test_the_api_lists_creates_and_sends(client, personas, crisis, partners):
    headers = bearer(personas[Role.CRISIS_REFERENT])
    url = f"/api/v1/crises/{crisis.id}/situation-reports"
    created = client.post(url, json={}, headers=headers)
    assert created.status_code == 201 and created.get_json()["number"] == 1
    assert "Point de situation — Canicule juillet" in created.get_json()["text"]
    bad = client.post(f"{url}/1/send", json={"organisation_ids": []}, headers=headers)
    assert bad.status_code == 422
    sent = client.post(f"{url}/1/send", json={"organisation_ids": [partners["chu"].id]}, headers=headers)
    assert sent.status_code == 200 and sent.get_json()["sent_at"]
    listing = client.get(url, headers=bearer(personas[Role.CRISIS_CELL])).get_json()
    assert listing["total"] == 1 and listing["items"][0]["organisation_ids"] == [partners["chu"].id]
    assert client.get(f"{url}/7", headers=headers).status_code == 404


def test_an_observer_reads_only_the_points_sent_to_their_organisation(client, personas, crisis, referent, partners):
    observer = personas[Role.ARS_OBSERVER]
    observer.user.organisation_id = partners["ars"].id
    db.session.flush()
    to_chu = situation.create(actor=referent, crisis=crisis, text="Pour le CHU")
    situation.send(actor=referent, report=to_chu, organisation_ids=[partners["chu"].id])
    draft = situation.create(actor=referent, crisis=crisis, text="Brouillon")
    url = f"/api/v1/crises/{crisis.id}/situation-reports"
    assert client.get(url, headers=bearer(observer)).get_json()["total"] == 0
    assert client.get(f"{url}/{to_chu.number}", headers=bearer(observer)).status_code == 404
    assert client.get(f"{url}/{draft.number}", headers=bearer(observer)).status_code == 404
    situation.send(actor=referent, report=draft, organisation_ids=[partners["ars"].id])
    listing = client.get(url, headers=bearer(observer)).get_json()
    assert [r["number"] for r in listing["items"]] == [draft.number]


@pytest.mark.parametrize("role", [Role.ARS_OBSERVER, Role.CRISIS_CELL, Role.PROFESSIONAL, Role.QUALITY_REFERENT])
def test_only_the_referent_and_the_coordinator_write_and_send(client, personas, crisis, referent, partners, role):
    url = f"/api/v1/crises/{crisis.id}/situation-reports"
    assert client.post(url, json={"text": "Point"}, headers=bearer(personas[role])).status_code == 403
    report = situation.create(actor=referent, crisis=crisis, text="Point")
    body = {"organisation_ids": [partners["ars"].id]}
    assert client.post(f"{url}/1/send", json=body, headers=bearer(personas[role])).status_code == 403
    assert not report.sent
    assert client.post(f"{url}/1/send", json=body, headers=bearer(personas[Role.COORDINATOR])).status_code == 200


def test_the_professional_may_not_read_points(client, personas, crisis, referent):
    situation.create(actor=referent, crisis=crisis, text="Point")
    url = f"/api/v1/crises/{crisis.id}/situation-reports"
    assert client.get(url, headers=bearer(personas[Role.PROFESSIONAL])).status_code == 403
    assert client.get(url, headers=bearer(personas[Role.QUALITY_REFERENT])).status_code == 403
    assert client.get(url, headers=bearer(personas[Role.CRISIS_CELL])).status_code == 200


def test_a_closed_crisis_takes_no_new_point(crisis, referent):
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin de la canicule")
    with pytest.raises(ServiceError) as refused:
        situation.create(actor=referent, crisis=crisis)
    assert refused.value.status == 409
