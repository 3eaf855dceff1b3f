"""The migration carries today's ``crisis.journal.*`` audit rows over as a chained journal (upgraded for real, in
separate processes, on a database written as the previous revision left it)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _flask(tmp_path, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update({"VIGIE_ENV": "embedded", "VIGIE_INSTANCE_DIR": str(tmp_path)})
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def test_upgrading_turns_old_journal_audit_rows_into_a_verified_chain(tmp_path):
    assert _flask(tmp_path, "db", "upgrade", "0004_alerts").returncode == 0
    [database] = [p for p in tmp_path.glob("*.sqlite*") if p.suffix == ".sqlite"]
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO crisis (id, title, typology, gradation, opened_at, is_exercise, created_at) "
                     "VALUES (7, 'Grippe', 3, 1, '2026-01-05 08:00:00.000000', 0, '2026-01-05 08:00:00.000000')")
        conn.execute(
            "INSERT INTO audit_event (at, actor_label, action, object_type, object_id, summary, changes) VALUES "
            "('2026-01-05 09:00:00.250000', 'anne@example.org', 'crisis.journal.alert', 'crisis', '7', "
            "'Alerte « Renfort » envoyée à 12 personne(s)', '{}'), "
            "('2026-01-05 10:00:00.000000', 'système', 'crisis.journal.alert', 'crisis', '7', "
            "'Fin de l''alerte « Renfort »', '{}'), "
            "('2026-01-05 09:30:00.000000', 'anne@example.org', 'crisis.open', 'crisis', '7', 'autre', '{}')")
    upgraded = _flask(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT seq, kind, author_label, text FROM crisis_journal_entry WHERE crisis_id = 7 "
                            "ORDER BY seq").fetchall()
    assert [r[:3] for r in rows] == [(1, "alert", "anne@example.org"), (2, "alert", "système")]
    assert rows[0][3].startswith("Alerte « Renfort »")
    unsealed = _flask(tmp_path, "crisis", "verify-journal", "7")  # carried over under the first rule (no key)
    assert unsealed.returncode == 1 and "flask crisis rechain" in unsealed.stdout
    assert _flask(tmp_path, "crisis", "rechain").returncode == 0
    verified = _flask(tmp_path, "crisis", "verify-journal", "7")
    assert verified.returncode == 0 and "intact : 2 entrée(s)" in verified.stdout
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE crisis_journal_entry SET author_label = 'quelqu''un' WHERE seq = 2")
    assert _flask(tmp_path, "crisis", "verify-journal", "7").returncode == 1
