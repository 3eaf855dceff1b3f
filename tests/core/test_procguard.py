"""The `make run` process guard: nothing of the run outlives its supervisor, even one killed by SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")

# A stubborn process: ignores SIGTERM, forks a grandchild, both write their pid and sleep.
STUBBORN = textwrap.dedent("""
    import os, signal, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    pid = os.fork()
    with open(sys.argv[1] + (".grandchild" if pid == 0 else ".child"), "w") as f:
        f.write(str(os.getpid()))
    while True:
        time.sleep(1)
""")
# A polite process: exits 0 on SIGTERM.
POLITE = textwrap.dedent("""
    import signal, sys, time
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    open(sys.argv[1] + ".child", "w").write("ready")
    while True:
        time.sleep(1)
""")
GUARD = [sys.executable, "-m", "crisis_app.core.procguard"]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_for(predicate, *, within: float = 30.0) -> bool:
    """Poll until ``predicate()`` holds (a generous bound, not a speed claim)."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _pids(base: Path) -> list[int]:
    assert _wait_for(lambda: Path(f"{base}.child").exists() and Path(f"{base}.grandchild").exists())
    time.sleep(0.2)
    return [int(Path(f"{base}.{n}").read_text()) for n in ("child", "grandchild")]


@pytest.fixture
def env():
    return {**os.environ, "VIGIE_STOP_GRACE_SECONDS": "0.5", "PYTHONPATH": str(Path(__file__).parents[2])}


def test_when_the_supervisor_is_killed_nothing_of_the_run_survives(tmp_path, env):
    """honcho killed by SIGKILL (as .ci/smoke-embedded does): the guarded process and what it forked stop."""
    base = tmp_path / "run"
    supervisor = subprocess.Popen([sys.executable, "-c", (
        "import subprocess, sys, time; "
        f"subprocess.Popen({GUARD + [sys.executable, '-c', STUBBORN, str(base)]!r}); time.sleep(3600)")],
        env=env, start_new_session=True)
    pids = _pids(base)
    supervisor.kill()
    supervisor.wait()
    assert _wait_for(lambda: not any(_alive(p) for p in pids)), f"survivors: {[p for p in pids if _alive(p)]}"


def test_a_process_that_ignores_sigterm_is_killed_with_its_group_after_the_grace(tmp_path, env):
    base = tmp_path / "run"
    guard = subprocess.Popen([*GUARD, sys.executable, "-c", STUBBORN, str(base)], env=env)
    pids = _pids(base)
    guard.send_signal(signal.SIGTERM)
    assert guard.wait(timeout=60) == 128 + signal.SIGKILL
    assert _wait_for(lambda: not any(_alive(p) for p in pids))


def test_a_process_told_to_stop_stops_by_itself_and_its_code_is_kept(tmp_path, env):
    base = tmp_path / "run"
    guard = subprocess.Popen([*GUARD, sys.executable, "-c", POLITE, str(base)], env={**env,
                             "VIGIE_STOP_GRACE_SECONDS": "60"})
    assert _wait_for(lambda: Path(f"{base}.child").exists())
    guard.send_signal(signal.SIGINT)  # honcho's Ctrl-C path sends SIGTERM; a terminal's sends SIGINT
    assert guard.wait(timeout=60) == 0


def test_procfile_runs_every_process_through_the_guard_with_exec():
    """Through ``/bin/sh -c`` without exec, honcho would signal the shell and orphan the process."""
    lines = [line for line in Path(__file__).parents[2].joinpath("Procfile").read_text().splitlines() if line]
    assert lines and all(": exec $VIGIE_BIN/python -m crisis_app.core.procguard " in line for line in lines)
    worker = next(line for line in lines if line.startswith("worker:"))
    assert "--pool solo" in worker
