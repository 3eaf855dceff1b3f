"""The daily check flags items under their threshold and lots near expiry, and the home page shows them."""

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from celery.schedules import crontab

from crisis_app.core.db import db, utcnow
from crisis_app.core.models import AuditEvent
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications import tasks as outbox_tasks
from crisis_app.core.notifications.models import Delivery, Message
from crisis_app.core.roles import Role
from crisis_app.stock import checks, services, tasks
from crisis_app.stock.models import StockWarning, WarningKind
from tests.factories import reachable_professional


def _receive(shelf, actor, *, quantity, days, lot):
    return services.receive(actor=actor, item_id=shelf.gloves.id, location_id=shelf.msp.id, quantity=quantity,
                            lot_number=lot, expires_on=utcnow().date() + timedelta(days=days))


def test_daily_task_is_scheduled_at_six_every_morning(app):
    entry = app.extensions["celery"].conf.beat_schedule["stock-daily-check"]
    assert entry["task"] == tasks.DAILY_CHECK == tasks.daily_check.name
    assert entry["schedule"] == crontab(hour=6, minute=0)


def test_task_flags_items_under_threshold_and_lots_expiring_within_the_configured_days(app, shelf, personas):
    actor = personas[Role.CRISIS_REFERENT].user
    services.distribute(actor=actor, lot_id=shelf.lot.id, quantity=6, structure="EHPAD")  # 4 left, threshold 5
    _receive(shelf, actor, quantity=3, days=10, lot="SOON")
    _receive(shelf, actor, quantity=2, days=-1, lot="OLD")
    _receive(shelf, actor, quantity=9, days=20, lot="LATER")
    app.config["STOCK_EXPIRY_WARNING_DAYS"] = 15
    try:
        assert tasks.daily_check() == 3
    finally:
        app.config.pop("STOCK_EXPIRY_WARNING_DAYS")
    found = {(w.kind, w.tone): w.message for w in db.session.scalars(sa.select(StockWarning))}
    assert set(found) == {(WarningKind.BELOW_THRESHOLD, "warn"), (WarningKind.EXPIRING, "warn"),
                          (WarningKind.EXPIRED, "alert")}
    assert "Masques FFP2 : 4 × boîte de 20, sous le seuil d'alerte (5)" == found[(WarningKind.BELOW_THRESHOLD, "warn")]
    assert "lot SOON" in found[(WarningKind.EXPIRING, "warn")] and "lot OLD" in found[(WarningKind.EXPIRED, "alert")]


def test_default_horizon_is_thirty_days(shelf, personas):
    _receive(shelf, personas[Role.CRISIS_REFERENT].user, quantity=3, days=25, lot="D25")
    _receive(shelf, personas[Role.CRISIS_REFERENT].user, quantity=3, days=35, lot="D35")
    messages = [w.message for w in checks.run_daily_check() if w.kind is WarningKind.EXPIRING]
    assert len(messages) == 1 and "lot D25" in messages[0]


def test_each_check_replaces_the_previous_findings_and_is_audited(shelf, personas):
    actor = personas[Role.CRISIS_REFERENT].user
    services.distribute(actor=actor, lot_id=shelf.lot.id, quantity=10, structure="EHPAD")
    assert [w.tone for w in checks.run_daily_check()] == ["alert"]  # none left: an alert
    services.receive(actor=actor, item_id=shelf.masks.id, location_id=shelf.local.id, quantity=50)
    assert checks.run_daily_check() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockWarning)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "stock.check")) == 2


def test_an_empty_lot_or_a_retired_item_raises_no_warning(shelf, personas):
    actor = personas[Role.CRISIS_REFERENT].user
    services.receive(actor=actor, item_id=shelf.masks.id, location_id=shelf.local.id, quantity=5)
    lot = _receive(shelf, actor, quantity=2, days=-3, lot="GONE").lot
    services.write_off(actor=actor, lot_id=lot.id, kind="peremption", quantity=2)
    services.update_item(actor=actor, item=shelf.gloves, alert_threshold=100, active=False)
    assert checks.run_daily_check() == []


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_the_check_and_its_message_are_one_unit_a_failed_send_leaves_nothing_and_a_retry_sends_once(
        shelf, personas, monkeypatch):
    """The last step, the message to the référents, fails once it is written: no warning row, no audit row, no
    message, no delivery and nothing enqueued are left; the next run writes them and sends once."""
    reachable_professional(crisis_role="referent")
    services.distribute(actor=personas[Role.CRISIS_CELL].user, lot_id=shelf.lot.id, quantity=10, structure="EHPAD")
    enqueued: list[tuple] = []
    monkeypatch.setattr(outbox_tasks.dispatch_message, "delay", lambda *args: enqueued.append(args))
    real_send = outbox.send_message

    def send_then_fail(**kwargs):
        real_send(**kwargs)
        raise RuntimeError("le serveur de messagerie a coupé")

    monkeypatch.setattr(outbox, "send_message", send_then_fail)
    with pytest.raises(RuntimeError):
        tasks.daily_check()
    assert _count(StockWarning) == 0
    assert _count(AuditEvent, AuditEvent.action.in_(["stock.check", "stock.notify"])) == 0
    assert _count(Message, Message.topic == checks.TOPIC) == 0 and _count(Delivery) == 0
    assert enqueued == []

    monkeypatch.setattr(outbox, "send_message", real_send)
    assert tasks.daily_check() == 1
    [message] = db.session.scalars(sa.select(Message).where(Message.topic == checks.TOPIC)).all()
    assert _count(StockWarning) == 1 and message.recipient_count == 1
    assert _count(AuditEvent, AuditEvent.action == "stock.notify") == 1
    assert enqueued == [(message.id,)], "the retry sends once"


def test_a_message_nobody_can_receive_is_not_kept_but_the_findings_are(shelf, personas):
    services.distribute(actor=personas[Role.CRISIS_CELL].user, lot_id=shelf.lot.id, quantity=10, structure="EHPAD")
    assert tasks.daily_check() == 1
    assert _count(StockWarning) == 1 and _count(Message, Message.topic == checks.TOPIC) == 0
    assert _count(AuditEvent, AuditEvent.action == "stock.check") == 1


def _stock_card_tone(page: str) -> str | None:
    match = re.search(r'<section class="card tile tone-(\w+)">\s*<h2>Stock de matériel</h2>', page)
    return match.group(1) if match else None


def test_referent_home_shows_the_warnings_card_with_its_tone(client, shelf, personas, login):
    actor = personas[Role.CRISIS_REFERENT].user
    services.distribute(actor=actor, lot_id=shelf.lot.id, quantity=10, structure="EHPAD")
    checks.run_daily_check()
    login(personas[Role.CRISIS_REFERENT])
    page = html.unescape(client.get("/").text)
    assert _stock_card_tone(page) == "alert"
    assert "1\u00a0alerte" in page and "Masques FFP2 : stock épuisé" in page


def test_a_warning_short_of_an_alert_gives_a_warn_card(client, shelf, personas, login):
    services.distribute(actor=personas[Role.CRISIS_CELL].user, lot_id=shelf.lot.id, quantity=7, structure="EHPAD")
    checks.run_daily_check()
    login(personas[Role.COORDINATOR])
    assert _stock_card_tone(html.unescape(client.get("/").text)) == "warn"


def test_home_card_is_calm_without_warnings(client, personas, login):
    login(personas[Role.CRISIS_CELL])
    page = html.unescape(client.get("/").text)
    assert _stock_card_tone(page) == "ok" and "Aucune alerte" in page


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER])
def test_roles_without_stock_access_get_no_stock_card(client, personas, login, role):
    login(personas[role])
    assert "Stock de matériel" not in html.unescape(client.get("/").text)
