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
from crisis_app.core.notifications.models import Message, MessageAttachment
from crisis_app.core.roles import Role
from crisis_app.crises import mission, retex, services
from crisis_app.crises.models import EvaluationStatus
from tests import factories
from tests.alerts.conftest import live_channels  # noqa: F401 - fixture
from tests.conftest import csrf_token


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
    assert attachment.media_type == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.content)).pages)
    assert "Cellule réunie en une heure" in text
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
    response = client.post(f"{url}/envoi", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    page = client.get(url).text
    assert "Envoyée" in page and "veille@ars.example.org" in page


def test_the_ars_observer_reads_the_sent_evaluation_and_may_not_send_it(client, login, personas, validated, ars,
                                                                       referent):
    retex.send(actor=referent, crisis=validated)
    login(personas[Role.ARS_OBSERVER])
    url = f"/crises/{validated.id}/retex"
    page = client.get(url)
    assert page.status_code == 200 and "Cellule réunie en une heure" in page.text
    assert client.get(f"{url}.pdf").mimetype == "application/pdf"
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
