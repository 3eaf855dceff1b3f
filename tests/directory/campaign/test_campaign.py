"""The freshness campaign: entries to confirm get a personal link; confirming or correcting needs no login."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from crisis_app.alerts import links as answer_links
from crisis_app.alerts.models import Alert
from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.models import Message, OutboxMessage
from crisis_app.core.roles import Role
from crisis_app.directory.campaign import services as campaign
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def stale_and_fresh(db_session):
    stale = factories.reachable_professional()
    stale.confirmed_at = utcnow() - timedelta(days=400)
    fresh = factories.reachable_professional()
    db.session.commit()
    return stale, fresh


@pytest.fixture
def eager_tasks(app, monkeypatch):
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)


def _link(message, professional):
    recipient = next(r for r in message.recipients if r.ref_id == professional.id)
    return urlsplit(campaign.confirm_url(message.id, recipient.id)).path


def test_campaign_reaches_only_the_entries_to_confirm(client, personas, login, stale_and_fresh, eager_tasks):
    stale, fresh = stale_and_fresh
    login(personas[Role.COORDINATOR])
    token = csrf_token(client, "/annuaire/")
    review = client.post("/annuaire/campagne-confirmation", data={"csrf_token": token})
    assert review.status_code == 200 and "1</strong> personne recevra" in review.text  # a last look, nothing sent yet
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
    response = client.post("/annuaire/campagne-confirmation", data={"csrf_token": token, "action": "send"})
    assert response.status_code == 302
    message = db.session.scalar(sa.select(Message).where(Message.topic == campaign.TOPIC))
    assert [r.ref_id for r in message.recipients] == [stale.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 0  # not disguised as an alert
    [message] = db.session.scalars(sa.select(OutboxMessage)).all()  # e-mail first, one message per person
    assert message.channel == "email" and message.address == stale.email and "/confirmer/" in message.body


def test_person_confirms_from_the_link_without_logging_in(client, personas, stale_and_fresh, eager_tasks):
    stale, _ = stale_and_fresh
    message = campaign.start(actor=personas[Role.COORDINATOR].user)
    path = _link(message, stale)
    assert stale.full_name in client.get(path).text
    response = client.post(path, data={"action": "confirm", "csrf_token": csrf_token(client, path)})
    assert response.status_code == 200 and "sont confirmées" in response.text
    db.session.expire_all()
    assert utcnow() - stale.confirmed_at < timedelta(minutes=1)


def test_person_corrects_a_bad_number_with_a_french_message_and_nothing_changes(client, personas, stale_and_fresh,
                                                                               eager_tasks):
    stale, _ = stale_and_fresh
    before = (stale.mobile_phone, stale.confirmed_at)
    message = campaign.start(actor=personas[Role.COORDINATOR].user)
    path = _link(message, stale)
    response = client.post(path, data={"action": "correct", "mobile_phone": "12", "email": stale.email,
                                       "csrf_token": csrf_token(client, path)})
    assert response.status_code == 400 and "Numéro de téléphone" in response.text
    db.session.expire_all()
    assert (stale.mobile_phone, stale.confirmed_at) == before
    response = client.post(path, data={"action": "correct", "mobile_phone": "06 12 34 56 78",
                                       "email": "nouvelle@example.org", "csrf_token": csrf_token(client, path)})
    assert response.status_code == 200 and "Un code vient d" in response.text
    db.session.expire_all()
    assert (stale.mobile_phone, stale.email) == before[:1] + (stale.email,) and stale.email != "nouvelle@example.org"
    for field, address in (("mobile_phone", "+33612345678"), ("email", "nouvelle@example.org")):
        sent = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.address == address))
        code = re.search(r"\b(\d{6})\b", sent.body).group(1)
        client.post(path, data={"action": "code", "field": field, "code": code,
                                "csrf_token": csrf_token(client, path)})
    db.session.expire_all()
    assert (stale.mobile_phone, stale.email) == ("+33612345678", "nouvelle@example.org")


def test_answer_links_do_not_open_the_confirmation_page(client, personas, stale_and_fresh, eager_tasks):
    stale, _ = stale_and_fresh
    message = campaign.start(actor=personas[Role.COORDINATOR].user)
    recipient = message.recipients[0]
    answer_token = answer_links.token_for(message.id, recipient.id)
    assert client.get(f"/confirmer/{answer_token}").status_code == 404  # an answer token
    assert client.get(f"/confirmer/{recipient.id}.forged").status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.COORDINATOR])
def test_only_the_coordinator_starts_a_campaign(client, personas, login, role, stale_and_fresh):
    login(personas[role])
    response = client.post("/annuaire/campagne-confirmation",
                           data={"csrf_token": csrf_token(client, "/"), "action": "send"})
    assert response.status_code == 403
