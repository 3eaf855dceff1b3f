"""Run one process of ``make run`` so that nothing of it outlives its supervisor.

``python -m crisis_app.core.procguard CMD ARGS…`` (see the Procfile) starts CMD in its own process group and stays
beside it as a watchdog:

* told to stop (SIGTERM or SIGINT, as honcho does on Ctrl-C), it passes SIGTERM to CMD (a Celery worker then
  finishes its task and exits) and, after ``VIGIE_STOP_GRACE_SECONDS`` (default 4.5: an idle worker needs up to
  about 4 s to notice, and honcho kills at 5 s), kills CMD's whole group (the worker and anything it forked);
* when its own parent dies, even by SIGKILL (the kernel tells it through PR_SET_PDEATHSIG), it does the same;
* if the watchdog itself is killed, CMD gets SIGTERM from the kernel for the same reason.

Without it, honcho runs each line through ``/bin/sh -c``, signals only the shell, and a supervisor killed before
its grace period leaves an orphaned worker that keeps consuming tasks.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1


def set_parent_death_signal(sig: int) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (a no-op elsewhere)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(sig))


def _child_setup() -> None:
    set_parent_death_signal(signal.SIGTERM)


def _kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def supervise(argv: list[str], *, grace: float) -> int:
    """Run ``argv`` until it exits or this process is told (or orphaned) to stop; returns its exit code."""
    parent = os.getppid()
    set_parent_death_signal(signal.SIGTERM)
    child = subprocess.Popen(argv, process_group=0, preexec_fn=_child_setup)
    deadline: float | None = None

    def stop(_signum=None, _frame=None) -> None:
        nonlocal deadline
        if deadline is None:
            deadline = time.monotonic() + grace
            try:
                child.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    if os.getppid() != parent:  # the parent died before the death signal was armed
        stop()
    while True:
        try:
            code = child.wait(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if os.getppid() != parent:
                stop()
            if deadline is not None and time.monotonic() >= deadline:
                _kill_group(child.pid, signal.SIGKILL)
    _kill_group(child.pid, signal.SIGKILL)  # whatever CMD left behind in its group
    return code


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m crisis_app.core.procguard COMMAND [ARGS…]")
    grace = float(os.environ.get("VIGIE_STOP_GRACE_SECONDS", "4.5"))
    code = supervise(sys.argv[1:], grace=grace)
    sys.exit(128 - code if code < 0 else code)  # killed by signal N: 128+N, as a shell reports it


if __name__ == "__main__":
    main()
