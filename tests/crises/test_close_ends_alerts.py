"""A crisis owns what it starts: closing it ends its running alerts at once — no relance afterwards, however often the
sweeper runs, no answer taken, the answer page saying the crisis is closed — and sends the end message (on by
default)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.alerts import links
from crisis_app.alerts import services as alert_services
from crisis_app.alerts.models import AlertStatus
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.notifications import engine
from crisis_app.core.notifications.models import PURPOSE_END, PURPOSE_ESCALATION, Delivery
from crisis_app.crises import services
from tests.alerts.conftest import alert_data, audience, queued  # noqa: F401 - fixtures


def _deliveries(alert, purpose: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Delivery).where(
        Delivery.message_id == alert.message_id, Delivery.purpose == purpose))


@pytest.fixture
def alert(crisis, referent, audience, queued):  # noqa: F811
    with atomic():
        return alert_services.send_alert(actor=referent, data=alert_data(
            audience, crisis_id=crisis.id, channels=["sms"], escalation_minutes=10, escalation_max=2))


def test_a_relance_is_due_while_the_crisis_runs(alert):
    """The control: without the closure, the sweeper relances the silent after 10 minutes."""
    with atomic():
        escalated = engine.sweep(utcnow() + timedelta(minutes=11))["escalated"]
    assert escalated == len(alert.recipients) and _deliveries(alert, PURPOSE_ESCALATION) == escalated


def test_closing_the_crisis_ends_its_alert_and_no_relance_follows(crisis, referent, alert):
    with atomic():
        services.close_crisis(actor=referent, crisis=crisis, reason="Fin de l'épisode")
    assert alert.status is AlertStatus.ENDED
    for _ in range(2):  # beat runs twice after the close
        with atomic():
            assert engine.sweep(utcnow() + timedelta(minutes=11))["escalated"] == 0
    assert _deliveries(alert, PURPOSE_ESCALATION) == 0
    assert _deliveries(alert, PURPOSE_END) == len(alert.recipients), "the end message goes to each person alerted"
    assert 'Crise "Canicule juillet" close' in alert.end_text


def test_an_answer_after_the_close_is_refused_and_the_page_says_the_crisis_is_closed(crisis, referent, alert,
                                                                                    client):
    recipient = alert.recipients[0]
    with atomic():
        services.close_crisis(actor=referent, crisis=crisis, reason="Fin de l'épisode")
    page = client.get(f"/r/{links.token_for(alert.id, recipient.id)}")
    assert page.status_code == 410
    assert "La crise « Canicule juillet » est close" in page.text
    assert "Disponible immédiatement" not in page.text
    with pytest.raises(alert_services.AnswerClosed), atomic():
        alert_services.record_answer(recipient=recipient, code="1", comment=None, via="lien")
    assert recipient.answered_at is None


def test_the_referent_may_close_without_the_end_message(crisis, referent, alert):
    with atomic():
        services.close_crisis(actor=referent, crisis=crisis, reason="Fin de l'épisode", notify_end=False)
    assert alert.status is AlertStatus.ENDED and _deliveries(alert, PURPOSE_END) == 0
    with atomic():
        assert engine.sweep(utcnow() + timedelta(minutes=11))["escalated"] == 0


def test_a_too_long_end_message_refuses_the_close_and_changes_nothing(crisis, referent, alert):
    from crisis_app.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused, atomic():
        services.close_crisis(actor=referent, crisis=crisis, reason="Fin", end_message="x" * 481)
    assert "end_message" in refused.value.fields
    db.session.expire_all()
    assert crisis.active and alert.status is AlertStatus.ACTIVE


def test_the_close_form_says_what_will_stop(crisis, alert, client, login, personas):
    from crisis_app.core.roles import Role

    login(personas[Role.CRISIS_REFERENT])
    page = client.get(f"/crises/{crisis.id}")
    assert "La clôture arrête aussitôt 1\u00a0alerte en cours" in page.text
    assert alert.title in page.text and 'name="notify_end" value="1" checked' in page.text
