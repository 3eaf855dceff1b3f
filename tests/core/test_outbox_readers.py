"""Each message readable only by who may read its subject (the permission of the domain that sent it), and
``/mes-messages`` showing what was sent to the account's own entry and organisation, never to a copied address."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import Delivery, Message, MessageAttachment, OutboxMessage
from crisis_app.core.roles import Role
from tests import factories

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(outbox, "enqueue", lambda message_id: None)


def _deliver(message: Message) -> None:
    """What the built-in sink would hold once the message went out (one row per delivery)."""
    for d in db.session.scalars(sa.select(Delivery).where(Delivery.message_id == message.id)):
        db.session.add(OutboxMessage(channel=d.channel, address=d.address, subject=message.subject,
                                     body=message.email_text or message.sms_text, reference=d.reference,
                                     message_id=message.id))
    db.session.flush()


def _send(topic, subject, *, recipients=None, attachments=(), deliver=True, **kwargs) -> Message:
    people = recipients or [outbox.Recipient(name="Anne Martin", email="anne@example.org")]
    message = outbox.send_message(topic=topic, subject=subject, email_text=f"{subject}.", recipients=people,
                                  channels=("email",), attachments=attachments, **kwargs)
    if deliver:
        _deliver(message)
    db.session.commit()
    return message


@pytest.fixture
def ack():
    """A quality acknowledgement, sent the way quality sends it (its permission named at the call site)."""
    return _send("quality.ack", "Déclaration EIAS-00005 reçue", read_permission="quality.manage")


@pytest.fixture
def stock():
    """A message of no restricted domain: the control that the role itself reads the outbox."""
    return _send("stock.warnings", "Stock : 2 alertes")


@pytest.fixture
def minutes():
    return _send("quality.session.minutes", "Compte rendu : RMM de mars",
                 attachments=[outbox.Attachment("compte-rendu-rmm-1.pdf", "application/pdf", PDF)])


def test_each_domain_s_messages_carry_its_permission_by_default():
    assert outbox.read_permission_for("quality.session.minutes") == "quality.manage"
    assert outbox.read_permission_for("quality.ack") == "quality.manage"
    assert outbox.read_permission_for("crises.retex") == "crisis.read"
    assert outbox.read_permission_for("alert") == "alerts.read"
    assert outbox.read_permission_for("stock.warnings") == "outbox.read"


def test_a_permission_that_does_not_exist_is_refused(db_session):
    with pytest.raises(ValueError):
        outbox.send_message(topic="x", subject="x", recipients=[], channels=("email",), read_permission="nope")


@pytest.mark.parametrize("role", [Role.CRISIS_CELL, Role.COORDINATOR, Role.CRISIS_REFERENT])
def test_the_crisis_team_does_not_read_a_quality_acknowledgement(client, personas, login, role, ack, stock):
    login(personas[role])
    listing = client.get("/messages")
    assert listing.status_code == 200 and "Stock : 2 alertes" in listing.text
    assert "EIAS-00005" not in listing.text
    assert client.get(f"/messages/{stock.id}").status_code == 200
    assert client.get(f"/messages/{ack.id}").status_code == 403
    assert client.get(f"/messages/{stock.id}/export.csv").status_code == 200
    assert client.get(f"/messages/{ack.id}/export.csv").status_code == 403
    sink = client.get("/boite-d-envoi")
    assert sink.status_code == 200 and "Stock : 2 alertes" in sink.text and "EIAS-00005" not in sink.text


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CRISIS_REFERENT])
def test_the_coordinator_and_the_crisis_referent_cannot_download_the_rmm_minutes(client, personas, login, role,
                                                                                 minutes):
    attachment = db.session.scalar(sa.select(MessageAttachment).where(MessageAttachment.message_id == minutes.id))
    retex = _send("test.retex", "RETEX", attachments=[outbox.Attachment("retex.pdf", "application/pdf", PDF)])
    retex_file = db.session.scalar(sa.select(MessageAttachment).where(MessageAttachment.message_id == retex.id))
    login(personas[role])
    assert client.get(f"/messages/{retex.id}/pieces-jointes/{retex_file.id}").status_code == 200  # the role may
    assert client.get(f"/messages/{minutes.id}/pieces-jointes/{attachment.id}").status_code == 403


def test_the_sink_offers_no_follow_up_link_to_a_message_its_reader_may_not_open(client, personas, login):
    cell = personas[Role.CRISIS_CELL].user
    mine = _send("quality.ack", "Déclaration EIAS-00007 reçue", read_permission="quality.manage",
                 recipients=[outbox.Recipient(name=cell.full_name, email=cell.email, ref_type="user", ref_id=cell.id)])
    login(personas[Role.CRISIS_CELL])
    page = client.get("/mes-messages")
    assert "EIAS-00007" in page.text  # what was sent to them, they read
    assert f"/messages/{mine.id}" not in page.text  # but not the follow-up of a quality message


def test_the_lists_are_searched_and_paged(client, personas, login):
    for n in range(55):
        _send("stock.warnings", f"Stock n° {n:02d}", deliver=False)
    _send("stock.warnings", "Péremption lot D25 100%_")
    login(personas[Role.CRISIS_CELL])
    first = client.get("/messages")
    assert "Stock n° 54" in first.text and "Stock n° 00" not in first.text and "Page 1 / 2" in first.text
    second = client.get("/messages?page=2")
    assert "Stock n° 00" in second.text and "Stock n° 54" not in second.text
    found = client.get("/messages?q=D25 100%_")
    assert "Péremption lot D25" in found.text and "Stock n° " not in found.text
    assert "Stock n° 07" not in client.get("/boite-d-envoi?q=lot").text
    assert client.get("/messages?page=999999999&q=" + "é" * 300).status_code == 200


# --- /mes-messages: the account's own entry, its organisation, never an address --------------------------------

def _received(client) -> str:
    page = client.get("/mes-messages")
    assert page.status_code == 200
    return page.text


def test_a_copied_mobile_and_e_mail_do_not_give_a_colleague_s_messages(client, personas, login):
    me = personas[Role.PROFESSIONAL].user
    colleague = factories.reachable_professional()
    mine = factories.reachable_professional()
    mine.user_id = me.id  # the entry linked to the account
    # the copied details (the directory refuses a shared mobile unless the coordinator marks it shared: marked here,
    # so that only what /mes-messages matches on is tested)
    db.session.execute(sa.text("UPDATE professional SET mobile_shared = :t WHERE id IN (:a, :b)"),
                       {"t": True, "a": colleague.id, "b": mine.id})
    db.session.execute(sa.text("UPDATE professional SET email = :e, mobile_phone = :m WHERE id = :id"),
                       {"e": colleague.email, "m": colleague.mobile_phone, "id": mine.id})
    for person, subject in ((colleague, "Pour la collègue"), (mine, "Pour moi")):
        _send("stock.warnings", subject, recipients=[outbox.Recipient(
            name=person.display_name, email=person.email, ref_type="professional", ref_id=person.id)])
    login(personas[Role.PROFESSIONAL])
    text = _received(client)
    assert "Pour moi" in text and "Pour la collègue" not in text


def test_an_account_attached_to_an_organisation_reads_what_was_sent_to_it(client, personas, login):
    ars = factories.organisation(name="ARS Occitanie")
    other = factories.organisation(name="CPAM")
    observer = personas[Role.ARS_OBSERVER].user
    for org, subject in ((ars, "RETEX de la canicule"), (other, "RETEX pour la CPAM")):
        _send("crises.retex", subject, recipients=[outbox.Recipient(
            name=org.name, email=c.email, ref_type="organisation_contact", ref_id=c.id) for c in org.contacts])
    login(personas[Role.ARS_OBSERVER])
    assert "RETEX de la canicule" not in _received(client)  # not attached yet: nothing of the ARS's
    observer.organisation_id = ars.id
    db.session.commit()
    text = _received(client)
    assert "RETEX de la canicule" in text and "RETEX pour la CPAM" not in text


def test_the_demo_ars_observer_is_attached_to_the_ars(app, db_session):
    from crisis_app.core.models import User
    from crisis_app.directory.organisations.models import Organisation

    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    observer = db.session.scalar(sa.select(User).where(User.role == Role.ARS_OBSERVER,
                                                       User.email.like("%@demo.example.org")))
    ars = db.session.scalar(sa.select(Organisation).where(Organisation.name == "ARS Occitanie"))
    assert observer.organisation_id == ars.id
    assert {("organisation_contact", c.id) for c in ars.contacts} <= outbox.reader_refs(observer)


def test_a_message_s_deliveries_are_searched_filtered_and_paged(client, personas, login):
    people = [outbox.Recipient(name=f"Personne {n:03d}", email=f"p{n:03d}@example.org") for n in range(120)]
    message = _send("stock.warnings", "Stock : 120 destinataires", recipients=people, deliver=False)
    first = db.session.scalar(sa.select(Delivery).where(Delivery.message_id == message.id).order_by(Delivery.id))
    db.session.execute(sa.update(Delivery).where(Delivery.id == first.id)
                       .values(state="permanent_failure", last_error="adresse refusée par le serveur SMTP"))
    db.session.commit()
    login(personas[Role.CRISIS_CELL])
    url = f"/messages/{message.id}"
    page = client.get(url)
    assert "Personne 000" in page.text and "Personne 119" not in page.text and "Page 1 / 3" in page.text
    assert "Personne 119" in client.get(f"{url}?page=3").text
    found = client.get(f"{url}?q=p077@")
    assert "Personne 077" in found.text and "Personne 078" not in found.text
    failed = client.get(f"{url}?etat=permanent_failure")
    assert "Personne 000" in failed.text and "Personne 001" not in failed.text
    assert "adresse refusée par le serveur SMTP" in failed.text
    assert client.get(f"{url}?etat=nimporte&page=-4").status_code == 200


def test_the_sink_search_is_no_oracle_on_the_personal_links_it_masks(client, personas, login):
    message = outbox.send_message(topic="stock.warnings", subject="Confirmez", channels=("email",),
                                  email_text="Confirmez : http://127.0.0.1:5000/r/12.SecretSignature0123",
                                  recipients=[outbox.Recipient(name="Anne Martin", email="anne@example.org")])
    _deliver(message)
    db.session.commit()
    login(personas[Role.CRISIS_CELL])
    assert "[lien personnel]" in client.get("/boite-d-envoi").text
    assert "Confirmez" not in client.get("/boite-d-envoi?q=12.SecretSig").text
