"""A drill's figures from answers at known times: first answer, shares within 5 / 15 / 30 minutes per profession,
channel and way of answering, people unreachable; and every message of a drill says EXERCICE."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from crisis_app.alerts import links
from crisis_app.alerts.drills import figures
from crisis_app.alerts.drills.models import DrillStatus
from crisis_app.core.db import db
from crisis_app.core.notifications.models import OutboxMessage
from crisis_app.core.roles import Role
from tests.alerts.drills.conftest import answer, launch_unannounced, set_sent


def _by_label(rows):
    return {r["label"]: (r["people"], r["answered"], r["share"]["5"], r["share"]["15"], r["share"]["30"])
            for r in rows}


def _drill_with_answers(clock, referent, team):
    audience, p = team
    drill = launch_unannounced(referent, audience)
    alert = drill.alert
    start = alert.created_at
    for key in ("ide1", "ide2", "med1"):
        set_sent(alert, p[key], "sms", at=start + timedelta(seconds=10))
        set_sent(alert, p[key], "email", at=start + timedelta(seconds=30))
    # med2: the SMS failed, the e-mail reached; pha: both failed (reached by nothing)
    set_sent(alert, p["med2"], "sms", at=None, state="permanent_failure")
    set_sent(alert, p["med2"], "email", at=start + timedelta(seconds=20))
    set_sent(alert, p["pha"], "sms", at=None, state="permanent_failure")
    set_sent(alert, p["pha"], "email", at=None, state="permanent_failure")
    answer(clock, alert, p["ide1"], "1", minutes=3)
    answer(clock, alert, p["ide2"], "2", minutes=12, via="sms")
    answer(clock, alert, p["med1"], "4", minutes=25)
    answer(clock, alert, p["med1"], "1", minutes=50)  # a changed answer: the first one times the person
    return drill


def test_figures_of_a_drill_with_answers_at_known_times(clock, referent, team, eager):
    drill = _drill_with_answers(clock, referent, team)
    assert drill.status is DrillStatus.LAUNCHED and drill.alert.is_exercise
    measured = figures.measure(drill)
    assert (measured["people"], measured["answered"]) == (5, 3)
    assert measured["first_answer_seconds"] == 180
    assert measured["unreachable"] == 2  # no consent, and every message failed
    assert measured["total"]["within"] == {"5": 1, "15": 2, "30": 3}
    assert measured["total"]["share"] == {"5": 20, "15": 40, "30": 60}
    assert _by_label(measured["by_profession"]) == {"Infirmier": (2, 2, 50, 100, 100),
                                                    "Médecin": (2, 1, 0, 0, 50), "Pharmacien": (1, 0, 0, 0, 0)}
    assert _by_label(measured["by_channel"]) == {"SMS": (3, 3, 33, 67, 100), "E-mail": (1, 0, 0, 0, 0),
                                                 "Non atteint": (1, 0, 0, 0, 0)}
    assert _by_label(measured["by_via"]) == {"Lien du message": (2, 2, 50, 50, 100), "Réponse SMS": (1, 1, 0, 100, 100),
                                             "Sans réponse": (2, 0, 0, 0, 0)}


def test_figures_are_aggregates_not_rows_loaded_one_by_one(clock, referent, team, eager, app):
    """The number of queries does not grow with the number of people."""
    drill = _drill_with_answers(clock, referent, team)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        db.session.expire_all()
        figures.measure(drill)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert 0 < len(statements) <= 10


def test_the_page_compares_with_the_previous_drill(clock, referent, team, eager, login, personas):
    audience, p = team
    first = launch_unannounced(referent, audience, title="Premier exercice")
    answer(clock, first.alert, p["ide1"], "1", minutes=2)
    clock.now += timedelta(days=30)
    second = launch_unannounced(referent, audience, title="Second exercice")
    answer(clock, second.alert, p["ide1"], "1", minutes=1)
    answer(clock, second.alert, p["med1"], "1", minutes=4)
    page = login(personas[Role.CRISIS_CELL]).get(f"/alertes/exercices/{second.id}")
    assert page.status_code == 200
    assert "Premier exercice" in page.text and "<svg" in page.text
    assert "En 5 min — cet exercice" in page.text and "En 5 min — précédent" in page.text
    assert 'data-testid="drill-share-5">40 %' in page.text  # 2 of the 5 people asked


def test_every_message_of_a_drill_says_exercice(clock, referent, team, eager, client):
    audience, p = team
    drill = launch_unannounced(referent, audience)
    sent = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.message_id == drill.alert.message_id)).all()
    sms = [m for m in sent if m.channel == "sms"]
    emails = [m for m in sent if m.channel == "email"]
    assert sms and emails
    assert all(m.body.startswith("EXERCICE - ") for m in sms)
    assert all(m.subject.startswith("EXERCICE — ") and "Ceci est un EXERCICE" in m.body for m in emails)
    recipient = drill.alert.recipients[0]
    page = client.get(f"/r/{links.token_for(drill.alert.id, recipient.id)}")
    assert page.status_code == 200 and ">EXERCICE<" in page.text
