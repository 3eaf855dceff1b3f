"""The validated RETEX goes by e-mail, PDF attached, to the organisations' contacts through the outbox."""

from __future__ import annotations

import email
import io
from email import policy

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications import engine
from crisis_app.core.notifications.models import Message, MessageAttachment
from crisis_app.core.roles import Role
from crisis_app.crises import mission, retex, services
from crisis_app.crises.models import EvaluationStatus
from tests import factories
from tests.alerts.conftest import live_channels  # noqa: F401 - fixture
from tests.conftest import csrf_token
from tests.documents import fetch, make_attachments


@pytest.fixture
def ars(db_session):
    return factories.organisation(name="ARS Occitanie — DD31", kind="ars",
                                  contacts=[{"name": "Cellule de veille", "function": "Veille sanitaire",
                                             "email": "veille@ars.example.org"}])


@pytest.fixture
def validated(crisis, referent):
    retex.save(actor=referent, crisis=crisis, worked="Cellule réunie en une heure", not_worked="Stock juste",
               actions=[{"title": "Doubler la dotation", "owner": "Julien"}])
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    retex.validate(actor=referent, crisis=crisis)
    return crisis


def test_sending_writes_one_outbox_message_with_the_pdf_and_marks_the_evaluation_sent(validated, referent, ars):
    evaluation = retex.send(actor=referent, crisis=validated)
    assert evaluation.status is EvaluationStatus.SENT and evaluation.sent_at is not None
    message = db.session.get(Message, evaluation.message_id)
    assert message.about_type == "crisis" and message.about_id == validated.id and message.recipient_count == 1
    [attachment] = db.session.scalars(sa.select(MessageAttachment).where(MessageAttachment.message_id == message.id))
    # no PDF was made in the request: the message waits for the worker's, then leaves with it
    assert attachment.media_type == "application/pdf" and attachment.content is None
    assert engine.dispatch(message.id) == 0
    assert make_attachments(message.id) == [attachment.document_id]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.content)).pages)
    assert "Cellule réunie en une heure" in text and attachment.size == len(attachment.content)
    assert engine.dispatch(message.id) == 1
    assert [d.address for d in retex.deliveries(evaluation)] == ["veille@ars.example.org"]
    assert mission.evaluations_sent(utcnow().year) == 1


def test_sending_twice_is_refused_and_sends_nothing_more(validated, referent, ars):
    retex.send(actor=referent, crisis=validated)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Message))
    with pytest.raises(ServiceError) as caught:
        retex.send(actor=referent, crisis=validated)
    assert caught.value.status == 409 and caught.value.code == "already_sent"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == count


def test_without_any_recipient_sending_is_refused_and_the_evaluation_stays_validated(validated, referent):
    with pytest.raises(ServiceError) as caught:
        retex.send(actor=referent, crisis=validated)
    assert caught.value.code == "no_recipients"
    assert retex.evaluation_of(validated).status is EvaluationStatus.VALIDATED


def test_the_email_and_its_pdf_reach_the_smtp_server(app, validated, referent, ars, live_channels,  # noqa: F811
                                                     smtp_server, monkeypatch):
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)
    monkeypatch.setattr(app.extensions["celery"].conf, "task_eager_propagates", True)
    evaluation = retex.send(actor=referent, crisis=validated)
    [received] = smtp_server.messages
    assert received["to"] == ["veille@ars.example.org"]
    parsed = email.message_from_string(received["data"], policy=policy.default)
    [part] = list(parsed.iter_attachments())
    assert part.get_content_type() == "application/pdf" and part.get_filename() == f"retex-crise-{validated.id}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(part.get_content())).pages)
    assert "Retour d'expérience" in text and "Doubler la dotation" in text
    assert "retour d'expérience" in parsed.get_body(("plain",)).get_content()
    assert {d.state.value for d in retex.deliveries(evaluation)} == {"sent"}


def test_the_referent_sends_from_the_page_and_sees_each_delivery(client, login, personas, validated, ars):
    login(personas[Role.CRISIS_REFERENT])
    url = f"/crises/{validated.id}/retex"
    token = csrf_token(client, url)
    step = client.post(f"{url}/envoi", data={"csrf_token": token})
    assert step.status_code == 200 and "veille@ars.example.org" in step.text  # shown before anything leaves
    response = client.post(f"{url}/envoi", data={"csrf_token": token, "step": "review", "confirm": "1",
                                                 "contact_ids": str(ars.contacts[0].id)})
    assert response.status_code == 302
    page = client.get(url).text
    assert "envoyé le" in page and "Validée —" not in page and "veille@ars.example.org" in page


def test_the_ars_observer_reads_the_sent_evaluation_and_may_not_send_it(client, login, personas, validated, ars,
                                                                       referent):
    retex.send(actor=referent, crisis=validated)
    login(personas[Role.ARS_OBSERVER])
    url = f"/crises/{validated.id}/retex"
    page = client.get(url)
    assert page.status_code == 200 and "Cellule réunie en une heure" in page.text
    assert fetch(client, f"{url}.pdf").mimetype == "application/pdf"
    token = csrf_token(client, url)
    for path in ("/envoi", "/validation", ""):
        assert client.post(f"{url}{path}", data={"csrf_token": token, "worked": "x"}).status_code == 403, path


def test_the_api_sends_the_evaluation(client, personas, validated, ars):
    from crisis_app.core.auth import services as auth_services

    token = auth_services.issue_token(actor=None, user=personas[Role.CRISIS_REFERENT].user)
    response = client.post(f"/api/v1/crises/{validated.id}/evaluation/send",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    body = response.get_json()
    assert body["status"] == "sent" and body["deliveries"][0]["address"] == "veille@ars.example.org"


def _publish(referent, year, partner):
    from crisis_app.plan import services as plan_services
    from tests.plan.conftest import complete_data

    people = [factories.reachable_professional() for _ in range(4)]
    plan = plan_services.create_draft(actor=referent, year=year)
    plan_services.update_sections(actor=referent, plan=plan, data=complete_data(people, partner))
    plan_services.validate_plan(actor=referent, plan=plan)
    return plan_services.publish_plan(actor=referent, plan=plan)


@pytest.fixture
def two_plans(referent):
    """Last year's plan named a CPTS that left; this year's names the neighbouring CPTS."""
    old = factories.organisation(name="CPTS du Lauragais", kind="cpts", receives_evaluations=False,
                                 contacts=[{"name": "Référent", "email": "crise@lauragais.example.org"}])
    new = factories.organisation(name="CPTS Sud Toulousain", kind="cpts", receives_evaluations=False,
                                 contacts=[{"name": "Référente", "email": "crise@sud31.example.org"}])
    year = utcnow().year
    _publish(referent, year - 1, old)
    _publish(referent, year, new)
    return {"old": old, "new": new}


def test_the_recipients_are_those_of_the_plan_in_force_not_last_years(validated, referent, two_plans):
    evaluation = retex.send(actor=referent, crisis=validated)
    assert [d.address for d in retex.deliveries(evaluation)] == ["crise@sud31.example.org"]


def test_the_recipients_are_shown_and_edited_then_the_send_is_confirmed(client, login, personas, validated,
                                                                        two_plans):
    hospital = factories.organisation(name="CHU de Toulouse", kind="hopital", receives_evaluations=False,
                                      contacts=[{"name": "Direction de crise", "email": "crise@chu.example.org"}])
    login(personas[Role.CRISIS_REFERENT])
    url = f"/crises/{validated.id}/retex"
    token = csrf_token(client, url)
    step = client.post(f"{url}/envoi", data={"csrf_token": token})
    assert step.status_code == 200 and "plan en vigueur" in step.text
    new_contact = two_plans["new"].contacts[0].id
    assert f'value="{new_contact}" checked' in step.text
    assert f'value="{two_plans["old"].contacts[0].id}" checked' not in step.text  # listed, not ticked
    review = client.post(f"{url}/envoi", data={
        "csrf_token": token, "step": "review", "contact_ids": [str(new_contact), str(hospital.contacts[0].id)],
        "extra_emails": "veille@ars-oc.example.org"})
    assert review.status_code == 200 and "partira par e-mail à 3" in review.text
    assert retex.evaluation_of(validated).status is EvaluationStatus.VALIDATED  # nothing sent yet
    sent = client.post(f"{url}/envoi", data={
        "csrf_token": token, "step": "review", "confirm": "1",
        "contact_ids": [str(new_contact), str(hospital.contacts[0].id)], "extra_emails": "veille@ars-oc.example.org"})
    assert sent.status_code == 302
    evaluation = retex.evaluation_of(validated)
    assert evaluation.status is EvaluationStatus.SENT
    assert sorted(d.address for d in retex.deliveries(evaluation)) == [
        "crise@chu.example.org", "crise@sud31.example.org", "veille@ars-oc.example.org"]
    page = client.get(url).text
    assert page.count('data-testid="delivery-state-') == 3


def test_an_invalid_extra_address_is_refused_and_nothing_is_sent(client, login, personas, validated, two_plans):
    login(personas[Role.CRISIS_REFERENT])
    url = f"/crises/{validated.id}/retex"
    token = csrf_token(client, url)
    review = client.post(f"{url}/envoi", data={"csrf_token": token, "step": "review",
                                               "extra_emails": "pas-une-adresse"})
    assert review.status_code == 400 and "Adresse e-mail invalide" in review.text
    assert 'data-testid="confirm-step"' not in review.text
    forced = client.post(f"{url}/envoi", data={"csrf_token": token, "step": "review", "confirm": "1",
                                               "extra_emails": "pas-une-adresse"}, follow_redirects=True)
    assert "Adresse e-mail invalide" in forced.text
    assert retex.evaluation_of(validated).status is EvaluationStatus.VALIDATED


def test_validation_asks_first(client, login, personas, crisis, referent):
    retex.save(actor=referent, crisis=crisis, worked="a", not_worked="b", actions=[])
    services.close_crisis(actor=referent, crisis=crisis, reason="Fin")
    login(personas[Role.CRISIS_REFERENT])
    url = f"/crises/{crisis.id}/retex"
    token = csrf_token(client, url)
    step = client.post(f"{url}/validation", data={"csrf_token": token})
    assert step.status_code == 200 and "sera validé en votre nom" in step.text
    assert retex.evaluation_of(crisis).status is EvaluationStatus.DRAFT
    assert client.post(f"{url}/validation", data={"csrf_token": token, "confirm": "1"}).status_code == 302
    assert retex.evaluation_of(crisis).status is EvaluationStatus.VALIDATED


def test_one_recipient_gets_the_evaluation_again_on_renvoyer(client, login, personas, validated, referent, ars):
    from crisis_app.core.notifications.models import DeliveryState

    evaluation = retex.send(actor=referent, crisis=validated)
    first = retex.deliveries(evaluation)[0]
    first.state = DeliveryState.PERMANENT_FAILURE
    db.session.flush()
    login(personas[Role.CRISIS_REFERENT])
    url = f"/crises/{validated.id}/retex"
    assert f'data-testid="resend-{first.id}"' in client.get(url).text
    token = csrf_token(client, url)
    assert client.post(f"{url}/envois/{first.id}/renvoi", data={"csrf_token": token}).status_code == 302
    again = retex.deliveries(evaluation)
    assert len(again) == 2 and again[1].address == first.address and again[1].round == 1
    assert "(renvoi)" in client.get(url).text


def test_a_delivery_still_queued_is_not_resent(validated, referent, ars):
    evaluation = retex.send(actor=referent, crisis=validated)
    with pytest.raises(ServiceError) as caught:
        retex.resend(actor=referent, crisis=validated, delivery_id=retex.deliveries(evaluation)[0].id)
    assert caught.value.status == 409 and len(retex.deliveries(evaluation)) == 1


@pytest.mark.parametrize("role", [Role.CRISIS_CELL, Role.COORDINATOR, Role.ARS_OBSERVER])
def test_only_the_referent_resends(client, login, personas, validated, referent, ars, role):
    from crisis_app.core.notifications.models import DeliveryState

    evaluation = retex.send(actor=referent, crisis=validated)
    first = retex.deliveries(evaluation)[0]
    first.state = DeliveryState.SENT
    db.session.flush()
    login(personas[role])
    url = f"/crises/{validated.id}/retex"
    assert f'data-testid="resend-{first.id}"' not in client.get(url).text
    token = csrf_token(client, url)
    assert client.post(f"{url}/envois/{first.id}/renvoi", data={"csrf_token": token}).status_code == 403
    assert len(retex.deliveries(evaluation)) == 1


def test_the_api_sends_to_the_recipients_given_and_refuses_a_bad_address(client, personas, validated, ars):
    from crisis_app.core.auth import services as auth_services

    token = auth_services.issue_token(actor=None, user=personas[Role.CRISIS_REFERENT].user)
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/crises/{validated.id}/evaluation/send"
    bad = client.post(url, json={"extra_emails": ["pas-une-adresse"]}, headers=headers)
    assert bad.status_code == 422 and "extra_emails" in bad.get_json()["error"]["fields"]
    assert retex.evaluation_of(validated).status is EvaluationStatus.VALIDATED
    sent = client.post(url, json={"contact_ids": [], "extra_emails": ["crise@cpts-voisine.example.org"]},
                       headers=headers)
    assert sent.status_code == 200, sent.text
    assert [d["address"] for d in sent.get_json()["deliveries"]] == ["crise@cpts-voisine.example.org"]


def test_the_retex_carries_the_journal_head_so_its_readers_witness_the_journal(validated, referent, ars):
    from crisis_app.crises import chain

    head, full_hash = chain.head_line(validated), chain.head_of(validated.id)[1]
    evaluation = retex.send(actor=referent, crisis=validated)
    message = db.session.get(Message, evaluation.message_id)
    assert head in message.email_text and f"Empreinte complète : {full_hash}" in message.email_text
    make_attachments(message.id)  # the worker makes the PDF the message carries
    [attachment] = db.session.scalars(sa.select(MessageAttachment).where(MessageAttachment.message_id == message.id))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.content)).pages)
    count = head.split(":")[1].split(",")[0].strip()  # "12 entrées"
    assert count.replace("\u00a0", " ") in text.replace("\u00a0", " ") and "empreinte du journal" in text
