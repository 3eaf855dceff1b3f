"""Benchmark of « mobilise until N said yes »: 2,000 professionals, three waves (the commune, the neighbouring
communes, the whole territory), answers arriving at a realistic rhythm on a simulated clock (the sweeper's step is
called every simulated minute, as beat would), against the baseline of the same run: the same alert sent to the
whole territory at once, with the same people answering after the same delays.

Prints, per profession, the minutes from « Envoyer » to N confirmed (mobilisation and baseline), the messages sent
(waves + « c'est complet » notices against everyone at once: the saving), the people confirmed beyond N (must be 0),
the reserve, and the wall time of writing the 2,000-person baseline alert (set-based INSERT of its recipients).

    python bench/mobilisation.py [--people 2000] [--ide 15] [--medecins 8] [--wait 15] [--seed 7]

Uses PostgreSQL when it answers (``--database``, default postgresql://postgres@127.0.0.1:5432/test_bench_mobilisation,
created afresh), else SQLite. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from alerts import database_url, seed  # noqa: E402 - the alert benchmark's setup helpers

COMMUNE, NEIGHBOURS = 0.075, 0.30  # shares of the territory: the commune, the commune and its neighbours
ANSWER_SHARE, YES_SHARE = 0.45, 0.35  # of those asked: who answers at all; of those, who is available
MEDIAN_DELAY_MIN, SPREAD = 7.0, 0.9  # answer delay after the message: log-normal, median 7 min
HORIZON_MIN = 120


def draws(people: list[int], rng: random.Random) -> dict[int, tuple[float, str] | None]:
    """Each person's behaviour, fixed for both runs: (minutes after their message, answer code) or None (silent)."""
    out: dict[int, tuple[float, str] | None] = {}
    for pid in people:
        if rng.random() >= ANSWER_SHARE:
            out[pid] = None
            continue
        delay = rng.lognormvariate(math.log(MEDIAN_DELAY_MIN), SPREAD)
        out[pid] = (delay, rng.choice("123") if rng.random() < YES_SHARE else "4")
    return out


def baseline_time_to_n(professions: dict[int, str], behaviour: dict, quotas: dict[str, int]) -> dict[str, float]:
    """Everyone at once at minute 0: the N-th earliest yes per profession (None: never reached)."""
    result = {}
    for code, n in quotas.items():
        yeses = sorted(b[0] for pid, b in behaviour.items() if b and b[1] != "4" and professions[pid] == code)
        result[code] = round(yeses[n - 1], 1) if len(yeses) >= n else None
    return result


def simulate(app, alert_id: int, behaviour: dict, quotas: dict[str, int]) -> dict:
    """Minute by minute: the sweeper's mobilisation step, then the answers due in that minute."""
    import sqlalchemy as sa

    from crisis_app.alerts import services
    from crisis_app.alerts.mobilisation import services as mobilisation
    from crisis_app.alerts.mobilisation.models import AlertQuota
    from crisis_app.alerts.models import Alert, AlertRecipient
    from crisis_app.core.db import atomic, db

    with app.app_context():
        start = db.session.get(Alert, alert_id).created_at
    pending: dict[int, list[tuple[int, str]]] = {}
    scheduled: set[int] = set()
    reached: dict[str, int] = {}
    for minute in range(HORIZON_MIN + 1):
        now = start + timedelta(minutes=minute)
        with app.app_context():
            with atomic():
                mobilisation.advance(now)
            asked = db.session.execute(sa.select(AlertRecipient.id, AlertRecipient.professional_id)
                                       .where(AlertRecipient.alert_id == alert_id)).all()
            for rid, pid in asked:
                if rid in scheduled:
                    continue
                scheduled.add(rid)
                if behaviour[pid]:
                    pending.setdefault(minute + math.ceil(behaviour[pid][0]), []).append((rid, behaviour[pid][1]))
            for rid, code in pending.pop(minute, []):
                services.record_answer(recipient=db.session.get(AlertRecipient, rid), code=code, comment=None,
                                       via="lien")
            for code, target, confirmed in db.session.execute(
                    sa.select(AlertQuota.profession_code, AlertQuota.target, AlertQuota.confirmed)
                    .where(AlertQuota.alert_id == alert_id)):
                if confirmed >= target and code not in reached:
                    reached[code] = minute
            db.session.remove()
    return {code: reached.get(code) for code in quotas}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--ide", type=int, default=15)
    parser.add_argument("--medecins", type=int, default=8)
    parser.add_argument("--wait", type=int, default=15, help="minutes each wave waits before the next")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test_bench_mobilisation")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="vigie-bench-mobilisation-"))
    url = database_url(options.database, workdir)
    os.environ.update({"VIGIE_ENV": "test", "VIGIE_INSTANCE_DIR": str(workdir), "DATABASE_URL": url,
                       "CELERY_BROKER_URL": "memory://", "SECRET_KEY": "bench-secret-key-" + "x" * 20})
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from crisis_app import create_app
    from crisis_app.alerts import services
    from crisis_app.alerts.mobilisation.models import AlertQuota
    from crisis_app.alerts.models import AlertRecipient
    from crisis_app.core.db import db
    from crisis_app.core.models import User
    from crisis_app.core.notifications import outbox
    from crisis_app.core.notifications.models import Delivery
    from crisis_app.directory.audiences.models import Audience, AudienceKind, AudienceMember
    from crisis_app.directory.professionals.models import Professional

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    referent_id, territory_id = seed(app, options.people)
    outbox.enqueue = lambda _message_id: None  # deliveries are counted, not sent: the engine has its own bench
    with app.app_context():
        people = db.session.execute(sa.select(Professional.id, Professional.profession_code)
                                    .order_by(Professional.id)).all()
        professions = dict(people)
        ids = [pid for pid, _ in people]
        audiences = {}
        for name, share in (("Commune", COMMUNE), ("Commune et voisines", NEIGHBOURS)):
            members = [AudienceMember(professional_id=pid) for pid in ids[:int(len(ids) * share)]]
            audience = Audience(name=name, kind=AudienceKind.LIST, criteria={}, members=members)
            db.session.add(audience)
            db.session.flush()
            audiences[name] = audience.id
        db.session.commit()
    behaviour = draws(ids, random.Random(options.seed))
    quotas = {"60": options.ide, "10": options.medecins}
    text = {"title": "Renfort", "sms_text": "Renfort demandé ce soir", "email_text": "Renfort demandé ce soir.",
            "channels": ["sms", "email"], "question": "availability"}
    with app.app_context(), app.test_request_context():
        referent = db.session.get(User, referent_id)
        started = time.perf_counter()
        everyone = services.send_alert(actor=referent, data={**text, "audience_id": territory_id})
        baseline_send_s = time.perf_counter() - started
        baseline_messages = everyone.message.delivery_count
        started = time.perf_counter()
        alert = services.send_alert(actor=referent, data={
            **text, "audience_id": audiences["Commune"],
            "quotas": [{"profession": code, "count": n} for code, n in quotas.items()],
            "waves": [{"audience_id": audiences["Commune"], "wait_minutes": options.wait},
                      {"audience_id": audiences["Commune et voisines"], "wait_minutes": options.wait},
                      {"audience_id": territory_id, "wait_minutes": options.wait}]})
        first_wave_send_s = time.perf_counter() - started
        alert_id = alert.id
        db.session.remove()
    simulated = time.perf_counter()
    reached = simulate(app, alert_id, behaviour, quotas)
    simulated = time.perf_counter() - simulated
    with app.app_context():
        per_purpose = dict(db.session.execute(sa.select(Delivery.purpose, sa.func.count())
                                              .where(Delivery.message_id == db.session.scalar(
                                                  sa.text("SELECT message_id FROM alert WHERE id = :a"),
                                                  {"a": alert_id})).group_by(Delivery.purpose)).all())
        over = 0
        reserve = {}
        for quota in db.session.scalars(sa.select(AlertQuota).where(AlertQuota.alert_id == alert_id)):
            confirmed = db.session.scalar(sa.select(sa.func.count()).where(AlertRecipient.quota_id == quota.id,
                                                                           AlertRecipient.quota_status == "confirmed"))
            over += max(0, confirmed - quota.target) + max(0, quota.confirmed - quota.target)
            reserve[quota.profession_code] = db.session.scalar(
                sa.select(sa.func.count()).where(AlertRecipient.quota_id == quota.id,
                                                 AlertRecipient.quota_status == "reserve"))
        waves = [(w, n) for w, n in db.session.execute(
            sa.select(AlertRecipient.wave, sa.func.count()).where(AlertRecipient.alert_id == alert_id)
            .group_by(AlertRecipient.wave).order_by(AlertRecipient.wave))]
    sent = sum(per_purpose.values())
    result = {
        "engine": url.split(":", 1)[0], "people": options.people, "quotas": quotas, "wait_minutes": options.wait,
        "asked_per_wave": dict(waves), "minutes_to_n": reached, "baseline_minutes_to_n": baseline_time_to_n(
            professions, behaviour, quotas),
        "messages": sent, "messages_by_purpose": per_purpose, "baseline_messages": baseline_messages,
        "messages_ratio": round(sent / baseline_messages, 3), "saving": baseline_messages - sent,
        "over_confirmed": over, "reserve": reserve,
        "baseline_send_ms": round(baseline_send_s * 1000), "first_wave_send_ms": round(first_wave_send_s * 1000),
        "simulation_s": round(simulated, 1),
    }
    for code, label in (("60", "IDE"), ("10", "médecins")):
        print(f"{label}: {quotas[code]} confirmés en {reached[code]} min (tous d'un coup : "
              f"{result['baseline_minutes_to_n'][code]} min), réserve {reserve.get(code, 0)}", file=sys.stderr)
    print(f"messages : {sent} contre {baseline_messages} à tout le territoire d'un coup (ratio "
          f"{result['messages_ratio']}), sur-confirmés : {over}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
