"""Benchmark of the indicators' figures: the quality programme's year computed by SQL aggregates, against the former
Python way (the year's events, sessions and actions loaded as objects and counted in Python) in the same process.

Seeds, into a fresh database migrated to head: N adverse events (default 100,000) spread over this year, half of
them with their move into triage, held sessions with their participants and themes, and corrective actions. Then
times ``quality.indicators.services.compute(year)`` (what the indicators page and the annual report read) and the
former way, and checks both give the same figures. Prints p50 / p95 of each and the ratio; the last line is JSON.

    python bench/indicators.py [--events 100000] [--repeat 5] [--engines sqlite,postgresql]

PostgreSQL runs on VIGIE_BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test_bench_ind), whose
name must start with "test": it is created if missing and its public schema is dropped and rebuilt.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.eias_register import _app, _reset_postgres, _rows  # noqa: E402 - same seeding as the register's bench

PG_URL = "postgresql://postgres@127.0.0.1:5432/test_bench_ind"


def _seed(events: int, sessions: int, actions: int, year: int) -> float:
    import sqlalchemy as sa

    from crisis_app.actionplan.models import CorrectiveAction
    from crisis_app.core.auth import services as accounts
    from crisis_app.core.db import db
    from quality.register.models import AdverseEvent, AdverseEventStep
    from quality.sessions.models import QualitySession, QualityTheme, SessionParticipant, session_theme

    rng, started = random.Random(7), time.perf_counter()
    start, span = datetime(year, 1, 1, tzinfo=UTC), (datetime.now(UTC) - datetime(year, 1, 1, tzinfo=UTC))
    for first in range(0, events, 5000):
        rows = _rows(min(5000, events - first), rng)
        for row in rows:
            row["created_at"] = start + span * rng.random()
        ids = db.session.execute(sa.insert(AdverseEvent.__table__).returning(AdverseEvent.id,
                                                                            AdverseEvent.created_at), rows).all()
        db.session.execute(sa.insert(AdverseEventStep.__table__), [
            {"event_id": i, "at": at + timedelta(hours=rng.randint(1, 400)), "to_state": "en_tri",
             "actor_label": "référent"} for i, at in ids if rng.random() < 0.5])
    users = [accounts.create_user(actor=None, email=f"bench{n}@example.org", full_name=f"Membre {n}",
                                  role="professional").id for n in range(200)]
    themes = [QualityTheme(label=f"Thème {n}") for n in range(40)]
    db.session.add_all(themes)
    db.session.flush()
    now = datetime.now(UTC)
    for n in range(sessions):
        held = QualitySession(kind=rng.choice(["crex", "rmm", "patient_traceur"]), title=f"Séance {n}",
                              starts_at=start + (now - start) * rng.random() - timedelta(hours=2), status="held",
                              uid=f"bench-{n}@vigie")
        db.session.add(held)
        db.session.flush()
        db.session.execute(sa.insert(SessionParticipant.__table__), [
            {"session_id": held.id, "user_id": u, "name": "Membre", "attended": rng.random() < 0.8}
            for u in rng.sample(users, 10)])
        db.session.execute(sa.insert(session_theme), [{"session_id": held.id, "theme_id": rng.choice(themes).id}])
    statuses = ["planifiee", "en_cours", "realisee", "efficacite_verifiee", "non_efficace"]
    db.session.execute(sa.insert(CorrectiveAction.__table__), [
        {"title": f"Action {n}", "action_type": "corrective", "source_type": "adverse_event", "source_id": 1,
         "owner_user_id": users[n % len(users)], "done_on": None,
         "due_on": date(year, 1, 1) + timedelta(days=rng.randint(0, 364)), "status": rng.choice(statuses),
         "created_at": now, "updated_at": now} for n in range(actions)])
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return time.perf_counter() - started


def python_figures(year: int, today: date) -> dict:
    """The former way, kept here as the baseline: the year's rows loaded as objects, counted in Python."""
    from statistics import median

    import sqlalchemy as sa

    from crisis_app.actionplan.models import CorrectiveAction
    from crisis_app.actionplan.vocab import ActionStatus
    from crisis_app.core.db import db
    from crisis_app.core.timez import to_paris
    from quality.indicators.aggregates import year_bounds
    from quality.register.models import AdverseEvent, AdverseEventStep
    from quality.register.vocab import State
    from quality.sessions.models import QualitySession

    start, end = year_bounds(year)
    held = list(db.session.scalars(sa.select(QualitySession).where(
        QualitySession.status == "held", QualitySession.starts_at >= start, QualitySession.starts_at < end)))
    events = list(db.session.scalars(sa.select(AdverseEvent).where(AdverseEvent.created_at >= start,
                                                                   AdverseEvent.created_at < end)))
    people = {p.person_key for s in held for p in s.participants if p.attended}
    months = [0] * 12
    for event in events:
        months[to_paris(event.created_at).month - 1] += 1
    firsts = dict(db.session.execute(sa.select(AdverseEventStep.event_id, sa.func.min(AdverseEventStep.at))
                                     .where(AdverseEventStep.to_state == State.EN_TRI)
                                     .group_by(AdverseEventStep.event_id)).all())
    waits = [(firsts[e.id] - e.created_at).total_seconds() / 86400 for e in events if e.id in firsts]
    actions = list(db.session.scalars(sa.select(CorrectiveAction).where(
        CorrectiveAction.due_on >= date(year, 1, 1), CorrectiveAction.due_on < date(year + 1, 1, 1))))
    done = [a for a in actions if a.status in (ActionStatus.DONE, ActionStatus.VERIFIED)]
    return {"participants": len(people), "themes": len({t.label for s in held for t in s.themes}),
            "categories": dict(Counter(e.category for e in events)), "months": months,
            "triage": round(median(waits), 1) if waits else None, "done": len(done),
            "late": sum(a.is_late(today) for a in actions)}


def _same(sql: dict, python: dict) -> bool:
    from crisis_app.core.labels import label_of
    from quality.register import vocab

    categories = {label_of(vocab.Category, c): n for c, n in python["categories"].items()}
    return (sql["participants"], len(sql["themes"]), sql["events_by_category"], sql["events_by_month"],
            sql["triage_days_median"], sql["actions"]["done"], sql["actions"]["late"]) == (
        python["participants"], python["themes"], categories, python["months"], python["triage"],
        python["done"], python["late"])


def _time(call, repeat: int) -> tuple[float, float, object]:
    from crisis_app.core.db import db

    samples, result = [], None
    for _ in range(repeat):
        db.session.expunge_all()
        started = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - started)
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000, result


def run_engine(engine: str, args) -> dict:
    if engine == "postgresql":
        from config.settings import normalize_database_url

        url = os.environ.get("VIGIE_BENCH_DATABASE_URL", PG_URL)
        _reset_postgres(url)
        url = normalize_database_url(url)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='vigie-bench-db-')}/bench.sqlite"
    app = _app(url)
    with app.app_context():
        from flask_migrate import upgrade

        from crisis_app.core.db import db
        from quality.indicators import services

        upgrade()
        year, today = datetime.now(UTC).year, date.today()
        seconds = _seed(args.events, args.sessions, args.actions, year)
        sql50, sql95, figures = _time(lambda: services.compute(year, today=today), args.repeat)
        py50, py95, baseline = _time(lambda: python_figures(year, today), args.repeat)
        same = _same(figures, baseline)
        db.engine.dispose()
    result = {"engine": engine, "events": args.events, "sessions": args.sessions, "actions": args.actions,
              "seed_s": round(seconds, 1), "sql_p50_ms": round(sql50, 1), "sql_p95_ms": round(sql95, 1),
              "python_p50_ms": round(py50, 1), "python_p95_ms": round(py95, 1),
              "speedup_p50": round(py50 / sql50, 1), "same_figures": same}
    print(f"{engine}: {args.events} events, {args.sessions} sessions, {args.actions} actions seeded in "
          f"{seconds:.1f} s; figures of the year by SQL p50 {sql50:.1f} ms / p95 {sql95:.1f} ms; the former Python "
          f"way p50 {py50:.1f} ms / p95 {py95:.1f} ms; ratio {py50 / sql50:.1f}x; same figures: {same}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=1_000)
    parser.add_argument("--actions", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    results = [run_engine(engine, args) for engine in args.engines.split(",")]
    print(json.dumps({"bench": "indicators", "repeat": args.repeat, "runs": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
