"""Benchmark of a drill's figures: an unannounced drill to N people (default 2,000), their deliveries sent, and
answers at a realistic rhythm (70 % answer, most within the first half hour); then the figures the drill's page
and report show (first answer, shares within 5 / 15 / 30 minutes in all, per profession, channel and way of
answering), computed in SQL aggregates (``alerts.drills.figures.measure``).

Baseline in the same run and on the same data: the same figures computed in Python from the rows loaded (the
people with their answers and deliveries, eager-loaded). Prints the median time of each over ``--repeat`` runs,
their ratio, and checks both give the same shares. The last line printed is one JSON object with the figures.

    python bench/drills.py [--people 2000] [--repeat 5] [--analyze] [--database postgresql://…/vigie_bench_drills]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from alerts import database_url, seed  # noqa: E402 - the alert benchmark's setup helpers

THRESHOLDS = (5, 15, 30)


def launch_and_answer(app, referent_id: int, audience_id: int, rng: random.Random) -> int:
    """The drill, every delivery sent 20 s after, and answers bulk-inserted at drawn times (setup, not measured)."""
    import sqlalchemy as sa

    from crisis_app.alerts.drills import services
    from crisis_app.alerts.models import Alert, AlertAnswer
    from crisis_app.core.db import atomic, db
    from crisis_app.core.models import User
    from crisis_app.core.notifications.models import Delivery

    with app.app_context():
        with atomic():
            drill = services.create_drill(actor=db.session.get(User, referent_id), data={
                "title": "Bench", "kind": "unannounced", "audience_id": audience_id, "channels": ["sms", "email"],
                "question": "availability"})
        alert = db.session.get(Alert, drill.alert_id)
        start = alert.created_at
        with atomic():
            db.session.execute(sa.update(Delivery).where(Delivery.message_id == alert.message_id).values(
                state="sent", sent_at=start + timedelta(seconds=20)))
            answers = []
            for recipient in alert.recipients:
                if rng.random() < 0.3:
                    continue
                minutes = min(rng.expovariate(1 / 9), 120)  # most answer in the first minutes, some much later
                answers.append(AlertAnswer(recipient_id=recipient.id, code=rng.choice("1124"),
                                           via=rng.choice(["lien", "lien", "sms"]),
                                           at=start + timedelta(minutes=minutes)))
            db.session.add_all(answers)
        return drill.id


def in_python(drill) -> dict:
    """The baseline: the people loaded with their answers and deliveries, the figures counted in Python."""
    import sqlalchemy as sa
    from sqlalchemy.orm import selectinload

    from crisis_app.alerts.models import Alert, AlertRecipient
    from crisis_app.core.db import db
    from crisis_app.core.notifications.models import Delivery
    from crisis_app.directory.professionals.models import Professional

    alert = db.session.get(Alert, drill.alert_id)
    people = db.session.scalars(sa.select(AlertRecipient).where(AlertRecipient.alert_id == alert.id)
                                .options(selectinload(AlertRecipient.answers))).all()
    professions = dict(db.session.execute(sa.select(Professional.id, Professional.profession)).all())
    deliveries = db.session.scalars(sa.select(Delivery).where(Delivery.message_id == alert.message_id)).all()
    by_recipient: dict[int, list] = {}
    for d in deliveries:
        by_recipient.setdefault(d.recipient_id, []).append(d)
    total = {m: 0 for m in THRESHOLDS}
    groups: dict[tuple, dict[int, int]] = {}
    for person in people:
        first = min((a.at for a in person.answers), default=None)
        reached = sorted((d for d in by_recipient.get(person.message_recipient_id, []) if d.state in ("sent",
                                                                                                   "answered")),
                         key=lambda d: (d.sent_at, d.id))
        keys = [("profession", professions.get(person.professional_id)),
                ("channel", reached[0].channel if reached else None)]
        for m in THRESHOLDS:
            hit = first is not None and first <= alert.created_at + timedelta(minutes=m)
            total[m] += hit
            for key in keys:
                groups.setdefault(key, {t: 0 for t in THRESHOLDS})[m] += hit
    return {"people": len(people), "share": {str(m): round(100 * n / len(people)) for m, n in total.items()}}


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--analyze", action="store_true",
                        help="refresh the planner's statistics after the setup (what autovacuum does within minutes)")
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/vigie_bench_drills")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="vigie-bench-drills-"))
    url = database_url(options.database, workdir)
    from flask_migrate import upgrade

    from crisis_app import create_app
    from crisis_app.alerts.drills import figures
    from crisis_app.alerts.drills.models import Drill
    from crisis_app.core.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "CELERY": {"broker_url": "memory://",
                                                                 "task_always_eager": False}})
    with app.app_context():
        upgrade()
    referent_id, audience_id = seed(app, options.people)
    drill_id = launch_and_answer(app, referent_id, audience_id, random.Random(7))
    with app.app_context():
        if options.analyze:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
        drill = db.session.get(Drill, drill_id)

        def sql():
            db.session.expire_all()
            return figures.measure(drill)

        def python():
            db.session.expire_all()
            return in_python(drill)

        sql_s, measured = timed(sql, options.repeat)
        python_s, baseline = timed(python, options.repeat)
    same = measured["total"]["share"] == baseline["share"] and measured["people"] == baseline["people"]
    result = {"engine": url.split(":", 1)[0], "analyzed": options.analyze, "people": measured["people"],
              "answered": measured["answered"],
              "shares": measured["total"]["share"], "sql_ms": round(sql_s * 1000, 1),
              "python_baseline_ms": round(python_s * 1000, 1), "ratio_baseline_over_sql": round(python_s / sql_s, 1),
              "same_figures": same}
    print(f"{result['engine']} (statistics {'refreshed' if options.analyze else 'as left by the writes'}): "
          f"{measured['people']} people, {measured['answered']} answered, shares "
          f"{measured['total']['share']}")
    print(f"figures in SQL aggregates: {result['sql_ms']} ms (median of {options.repeat}); "
          f"rows loaded and counted in Python: {result['python_baseline_ms']} ms; "
          f"ratio {result['ratio_baseline_over_sql']}×; same figures: {same}")
    print(json.dumps(result))
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
