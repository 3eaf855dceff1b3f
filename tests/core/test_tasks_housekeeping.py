"""Housekeeping: the SMS replies' provider ids are forgotten after a month (the table does not grow forever), while
a recent one is kept and still refuses its replay."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from crisis_app.core import tasks
from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.models import ReceivedReply


def test_old_sms_reply_ids_are_forgotten_and_recent_ones_kept(app, db_session):
    now = utcnow()
    db.session.add_all([ReceivedReply(provider_ref="old-1", received_at=now - timedelta(days=31)),
                        ReceivedReply(provider_ref="old-2", received_at=now - timedelta(days=45)),
                        ReceivedReply(provider_ref="recent", received_at=now - timedelta(days=29))])
    db.session.commit()
    assert tasks.forget_old_sms_replies.apply().get() == 2
    db.session.expire_all()
    assert list(db.session.scalars(sa.select(ReceivedReply.provider_ref))) == ["recent"]
    assert "forget-old-sms-replies" in app.extensions["celery"].conf.beat_schedule
