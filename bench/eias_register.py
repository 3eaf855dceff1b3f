"""Benchmark of the EIAS register: the referents' list and its filters over 100,000 events.

Seeds N events (default 100,000) into a fresh database migrated to head, then times ``quality.query.register``
(the count and one page of 50 rows, as the register page does) for each filter the page offers. Baselines in the
same run: a plain SELECT of the same 50 rows by their primary key (every filter), and for the text searches the
former search, a LIKE '%…%' on the folded texts (with its pg_trgm index on PostgreSQL, built for that run and dropped
after), through the same register query. Prints p50 / p95 per filter, the ratio of the register's p50 to the
primary-key baseline and, for the searches, "before" (LIKE) against "after" (full-text); the last line is one JSON
object.

    python bench/eias_register.py [--events 100000] [--repeat 30]

SQLite (a temporary file) by default; PostgreSQL when VIGIE_BENCH_DATABASE_URL names a database whose name starts
with "test" (created if missing; its public schema is dropped and rebuilt), e.g.
    VIGIE_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_quality_bench python bench/eias_register.py
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ("chute", "ordonnance", "transmission", "barrières", "dose", "résultat", "messagerie", "sortie",
         "pansement", "vaccin", "identité", "rendez-vous", "prescription", "livraison", "week-end")


def _app(url: str):
    os.environ.setdefault("VIGIE_ENV", "test")
    os.environ["VIGIE_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="vigie-bench-")
    from crisis_app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "CELERY": {"broker_url": "memory://",
                                                                  "task_always_eager": True}})


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    from config.settings import normalize_database_url

    target = sa.engine.make_url(normalize_database_url(url))
    if not target.database.startswith("test"):
        raise SystemExit(f"refusing to wipe {url}: the database's name must start with 'test'")
    server = sa.create_engine(target.set(database="postgres"), poolclass=sa.pool.NullPool,
                              isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}):
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    engine = sa.create_engine(target, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _rows(count: int, rng: random.Random) -> list[dict]:
    from crisis_app.core.labels import labels
    from quality.register import rules, vocab
    from quality.register.models import search_text
    from quality.register.vocab import State

    states = list(State)
    weights = [30 if s in (State.DECLARE, State.EN_TRI, State.CLOTURE) else 4 for s in states]
    places, professions, natures, categories = (list(labels(words)) for words in (
        vocab.Place, vocab.Profession, vocab.Nature, vocab.Category))
    today, now = date.today(), datetime.now(UTC)
    rows = []
    for n in range(count):
        severity, likelihood = rng.choices(range(1, 6), [30, 30, 20, 12, 8])[0], rng.randint(1, 5)
        occurred = today - timedelta(days=rng.randint(0, 5 * 365))
        state = rng.choices(states, weights)[0]
        description, measures = " ".join(rng.choices(WORDS, k=25)), " ".join(rng.choices(WORDS, k=8))
        ars = f"ARS-OCC-2026-{n:06d}" if n % 1000 == 7 else None  # a rare word: 100 events in 100,000
        rows.append({
            "created_at": now - timedelta(minutes=count - n), "updated_at": now, "state": state.value,
            "occurred_on": occurred, "discovered_on": None, "place": rng.choice(places),
            "professions": [rng.choice(professions)], "nature": rng.choice(natures),
            "reached_patient": "non", "category": rng.choice(categories),
            "description": description, "immediate_measures": measures,
            "search_text": search_text(description, measures, ars), "ars_reference": ars,
            "declarer_severity": severity, "declarer_likelihood": likelihood, "severity": severity,
            "criticality": rules.criticality(severity, likelihood), "anonymous": n % 3 == 0, "is_eigs": False,
        })
    return rows


def _seed(count: int) -> float:
    import sqlalchemy as sa

    from crisis_app.core.db import db
    from quality.register.models import AdverseEvent

    rng = random.Random(12)
    started = time.perf_counter()
    table = AdverseEvent.__table__
    for start in range(0, count, 5000):
        db.session.execute(sa.insert(table), _rows(min(5000, count - start), rng))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE adverse_event"))
    else:
        db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return time.perf_counter() - started


def _scenarios() -> dict[str, dict]:
    since = date.today() - timedelta(days=30)
    return {
        "all": {}, "to_triage": {"to_triage": True}, "state": {"state": "cloture"},
        "category": {"category": "chute"}, "severity": {"severity": 5}, "zone": {"zone": "inacceptable"},
        "place": {"place": "ehpad"}, "last_30_days": {"since": since},
        "category+severity": {"category": "medicament", "severity": 4},
        "search": {"q": "livraison week-end"}, "search_rare": {"q": "ARS-OCC"}, "search_plural": {"q": "chutes"},
        "search_typing": {"q": "pansem"}, "search+category": {"q": "identité", "category": "chute"},
        "search_nothing": {"q": "zorvexil"}, "page_100": {"_page": 100},
    }


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000


def _legacy_like(text: str):
    """The register's search before the full-text index: one LIKE '%…%' on the folded texts."""
    from quality.register import query
    from quality.register.models import AdverseEvent, search_text

    number = text.upper().removeprefix("EIAS-").lstrip("0")
    if number.isdigit() and int(number) <= query.MAX_ID:
        return AdverseEvent.id == int(number)
    needle = search_text(text)[:100].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return AdverseEvent.search_text.like(f"%{needle}%", escape="\\")


def _time_like(scenarios: dict[str, dict], repeat: int) -> dict[str, dict]:
    """The searches timed the former way, in this same process and on these same rows."""
    import sqlalchemy as sa

    from crisis_app.core.db import db
    from quality.register import query

    postgres = db.engine.dialect.name == "postgresql"
    if postgres:  # the former schema: a trigram index answered the LIKE
        db.session.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        db.session.execute(sa.text("CREATE INDEX bench_like_trgm ON adverse_event USING gin "
                                   "(search_text gin_trgm_ops)"))
        db.session.execute(sa.text("ANALYZE adverse_event"))
        db.session.commit()
    current, query._search = query._search, _legacy_like
    try:
        return {name: _time_scenario(filters, repeat) for name, filters in scenarios.items() if filters.get("q")}
    finally:
        query._search = current
        if postgres:
            db.session.execute(sa.text("DROP INDEX bench_like_trgm"))
            db.session.commit()


def _time_scenario(filters: dict, repeat: int) -> dict:
    import sqlalchemy as sa

    from crisis_app.core.db import db
    from quality.register import query, services
    from quality.register.models import AdverseEvent

    filters = dict(filters)
    page = filters.pop("_page", 1)
    zones = services.zones()
    register_times, baseline_times, total = [], [], 0
    ids: list[int] = []
    for _ in range(repeat):
        db.session.expire_all()
        started = time.perf_counter()
        result = query.register(filters, zones=zones, page=page)
        register_times.append(time.perf_counter() - started)
        total, ids = result.total, [e.id for e in result.rows]
        db.session.expunge_all()
        started = time.perf_counter()
        db.session.execute(sa.select(AdverseEvent.__table__).where(AdverseEvent.id.in_(ids))).all()
        baseline_times.append(time.perf_counter() - started)
    p50, p95 = _percentiles(register_times)
    b50, b95 = _percentiles(baseline_times)
    return {"total": total, "rows": len(ids), "p50_ms": round(p50, 2), "p95_ms": round(p95, 2),
            "baseline_p50_ms": round(b50, 3), "baseline_p95_ms": round(b95, 3), "ratio_p50": round(p50 / b50, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("VIGIE_BENCH_DATABASE_URL", "")
    if url.startswith("postgres"):
        from config.settings import normalize_database_url

        _reset_postgres(url)
        url = normalize_database_url(url)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='vigie-bench-db-')}/bench.sqlite"
    app = _app(url)
    with app.app_context():
        from flask_migrate import upgrade

        from crisis_app.core.db import db

        upgrade()
        seconds = _seed(args.events)
        engine = db.engine.dialect.name
        print(f"{engine}: {args.events} events seeded in {seconds:.1f} s; {args.repeat} runs per filter")
        scenarios = _scenarios()
        before = _time_like(scenarios, args.repeat)
        print(f"{'filter':<18}{'matching':>9}{'p50 ms':>9}{'p95 ms':>9}{'pk p50':>8}{'ratio':>7}"
              f"{'LIKE p50':>10}{'LIKE p95':>10}{'LIKE/now p95':>14}")
        results = {}
        for name, filters in scenarios.items():
            figures = results[name] = _time_scenario(filters, args.repeat)
            line = (f"{name:<18}{figures['total']:>9}{figures['p50_ms']:>9}{figures['p95_ms']:>9}"
                    f"{figures['baseline_p50_ms']:>8}{figures['ratio_p50']:>7}")
            if name in before:
                like = figures["like"] = before[name]
                figures["like_over_now_p95"] = round(like["p95_ms"] / max(figures["p95_ms"], 0.001), 1)
                line += f"{like['p50_ms']:>10}{like['p95_ms']:>10}{figures['like_over_now_p95']:>14}"
                if like["total"] != figures["total"]:
                    line += f"  (LIKE matched {like['total']})"
            print(line)
    worst = max(results.values(), key=lambda f: f["p95_ms"])
    print(json.dumps({"bench": "eias_register", "engine": engine, "events": args.events, "repeat": args.repeat,
                      "worst_p95_ms": worst["p95_ms"], "p95_under_50ms": worst["p95_ms"] < 50,
                      "filters": results}, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
