"""Upgrading a database that holds an alert, a stock notice and a directory campaign (as 0004 stored them): the
alert stays an alert with its deliveries and answers, the notice and the campaign become plain messages, and the
links already sent keep working."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config.settings import load_settings
from crisis_app import create_app
from crisis_app.core.db import db
from tests import services


@pytest.fixture
def old_database(app, tmp_path):
    """A second application on its own SQLite file; the suite's application is made current again afterwards
    (Celery's shared tasks follow the last application created)."""
    if services.DATABASE_URL.startswith("postgresql"):
        pytest.skip("runs on its own SQLite file; the PostgreSQL pass upgrades the whole chain in the app fixture")
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = create_app({"SQLALCHEMY_DATABASE_URI": url,
                      "CELERY": {**load_settings()["CELERY"], "broker_url": "memory://"}})
    try:
        yield from _filled(old)
    finally:
        app.extensions["celery"].set_default()
        app.extensions["celery"].set_current()


def _filled(app):
    with app.app_context():
        upgrade(revision="0004_alerts")
        now = "2026-11-01 08:00:00.000000"
        rows = [
            "INSERT INTO user_account (id, email, full_name, role, password_hash, active, created_at) VALUES "
            f"(1, 'r@example.org', 'Julien Mercier', 'crisis_referent', 'x', 1, '{now}')",
            f"INSERT INTO alert (id, kind, title, sms_text, email_text, channels, audience_name, is_exercise, "
            f"question_kind, options, allow_comment, escalation_max, status, unreachable_count, created_at, "
            f"created_by_id) VALUES (1, 'alert', 'Renfort', 'SMS', 'Mail', '[\"sms\"]', 'Cellule', 0, 'availability', "
            f"'{json.dumps([{'code': '1', 'label': 'Oui'}])}', 1, 0, 'active', 0, '{now}', 1), "
            f"(2, 'notice', 'Stock : 1 alerte(s)', 's', 'm', '[\"email\"]', 'Référents', 0, 'none', '[]', 1, 0, "
            f"'active', 0, '{now}', NULL), "
            f"(3, 'confirmation', 'Confirmez vos coordonnées', 's', 'm', '[\"email\"]', 'Campagne', 0, 'none', '[]', "
            f"1, 0, 'active', 0, '{now}', 1)",
            "INSERT INTO alert_recipient (id, alert_id, name, mobile_phone, email, channels, rounds, answer_code, "
            "answered_at) VALUES (10, 1, 'Anne', '+33639989902', NULL, '[\"sms\"]', 0, '1', "
            f"'{now}'), (11, 2, 'Paul', NULL, 'p@example.org', '[\"email\"]', 0, NULL, NULL), "
            "(12, 3, 'Lea', NULL, 'l@example.org', '[\"email\"]', 0, NULL, NULL)",
            f"INSERT INTO alert_answer (id, recipient_id, code, via, at) VALUES (1, 10, '1', 'lien', '{now}')",
            "INSERT INTO delivery (id, reference, alert_id, recipient_id, channel, address, purpose, round, state, "
            f"attempts, created_at) VALUES (100, 'ref-a', 1, 10, 'sms', '+33639989902', 'alert', 0, 'answered', 1, "
            f"'{now}'), (101, 'ref-n', 2, 11, 'email', 'p@example.org', 'alert', 0, 'sent', 1, '{now}'), "
            f"(102, 'ref-c', 3, 12, 'email', 'l@example.org', 'alert', 0, 'queued', 0, '{now}')",
            f"INSERT INTO outbox_message (id, channel, address, subject, body, reference, at) VALUES "
            f"(1, 'email', 'p@example.org', 'Stock', 'corps', 'ref-n', '{now}')",
        ]
        for statement in rows:
            db.session.execute(sa.text(statement))
        db.session.commit()
        yield app
        db.engine.dispose()


def test_upgrade_keeps_alerts_and_turns_notices_and_campaigns_into_messages(old_database):
    with old_database.app_context():
        upgrade()
        q = lambda sql: db.session.execute(sa.text(sql)).all()  # noqa: E731
        assert q("SELECT id, message_id FROM alert") == [(1, 1)]  # only the real alert is still an alert
        assert q("SELECT id, topic, about_type, about_id, author_id FROM message ORDER BY id") == [
            (1, "alert", "alert", 1, 1), (2, "stock.warnings", None, None, None),
            (3, "directory.confirmation", None, None, 1)]
        assert q("SELECT id, message_id, ref_type FROM message_recipient ORDER BY id") == [
            (10, 1, None), (11, 2, None), (12, 3, None)]
        assert q("SELECT id, message_id, recipient_id, purpose, state FROM delivery ORDER BY id") == [
            (100, 1, 10, "message", "answered"), (101, 2, 11, "message", "sent"), (102, 3, 12, "message", "queued")]
        assert q("SELECT message_recipient_id, answer_code FROM alert_recipient") == [(10, "1")]
        assert q("SELECT count(*) FROM alert_answer") == [(1,)]
        assert q("SELECT message_id FROM outbox_message") == [(2,)]


def test_links_sent_before_the_upgrade_still_open(old_database):
    from crisis_app.alerts import links as answer_links
    from crisis_app.core import links
    from crisis_app.directory.campaign import services as campaign

    with old_database.app_context(), old_database.test_request_context():
        # the tokens as 0004's code signed them
        answer = f"10.{links.signature('answer', 'alert', 1, 10)}"
        confirm = f"12.{links.signature('confirm', 'alert', 3, 12)}"
        upgrade()
        db.session.execute(sa.text("UPDATE message_recipient SET ref_type = 'professional', ref_id = 1"))
        from tests import factories

        person = factories.professional()
        db.session.execute(sa.text("UPDATE message_recipient SET ref_id = :id"), {"id": person.id})
        db.session.execute(sa.text("UPDATE message SET created_at = :now"), {"now": "2099-01-01 00:00:00.000000"})
        db.session.commit()
        assert answer_links.recipient_for_token(answer).id == 10
        recipient, professional = campaign.recipient_for_link(confirm)
        assert (recipient.id, professional.id) == (12, person.id)
