"""Real concurrent transactions for the PostgreSQL race proofs: N threads, each with its own app context and
connection, released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable

THREADS = 6


def race(app, work: Callable[[], bool], threads: int = THREADS) -> list[bool]:
    """Run ``work`` in ``threads`` threads at once; what each returned."""
    start = threading.Barrier(threads, timeout=30)
    results: list[bool] = []
    lock = threading.Lock()

    def run() -> None:
        with app.app_context():
            start.wait()
            outcome = work()
            with lock:
                results.append(outcome)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return results
