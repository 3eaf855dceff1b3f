"""CPU accounting of ``bench/alerts.py``, read from ``/proc``: the processes of the run, grouped, and the profile
of one worker batch."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path


def children_of(pid: int) -> list[int]:
    """The ids of a process's children, read from /proc (no name patterns: only what this run started)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found



TICKS = os.sysconf("SC_CLK_TCK")
ENGINE_GROUPS = ("workers", "beat", "postgresql", "redis")


def print_profile(directory: Path) -> None:
    """Top 15 by cumulative time of one worker batch (the second batch of a pool process: warm), on stderr."""
    import pstats

    files = sorted(directory.glob("*.pstats"), key=lambda f: f.stat().st_size)
    if not files:
        print("no batch profile written", file=sys.stderr)
        return
    print(f"profile of one worker batch ({files[-1].name}), top 15 by cumulative time:", file=sys.stderr)
    pstats.Stats(str(files[-1]), stream=sys.stderr).sort_stats("cumulative").print_stats(15)


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of one process, in clock ticks (None when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = children_of(todo.pop())
        found.extend(kids)
        todo.extend(kids)
    return found


class CpuMeter(threading.Thread):
    """Samples, every ``period`` s, the CPU time of every process of the run, grouped: the Celery workers (main and
    pool), beat, the PostgreSQL backends of the bench database (by ``pg_stat_activity``), the Redis server, this
    process (which sends the alert and polls), and the sinks apart. A process that dies keeps its last sample; one
    that appears counts from its first sample (a new backend or pool process starts near zero)."""

    def __init__(self, groups, database_url: str, redis_url: str, period: float = 0.1):
        super().__init__(daemon=True)
        self.groups, self.period = groups, period  # {name: callable returning pids}
        self.first: dict[tuple[str, int], int] = {}
        self.last: dict[tuple[str, int], int] = {}
        self.running = threading.Event()
        self.pg_engine = None
        if database_url.startswith("postgresql"):
            import sqlalchemy as sa

            self.pg_engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
            self._pg_conn = self.pg_engine.connect()
            self._pg_query = sa.text("select pid from pg_stat_activity where datname = current_database() "
                                     "and pid <> pg_backend_pid()")
        import redis

        self.redis_pid = int(redis.Redis.from_url(redis_url).info("server")["process_id"])

    def pg_backends(self) -> list[int]:
        if self.pg_engine is None:
            return []
        return [row[0] for row in self._pg_conn.execute(self._pg_query)]

    def sample(self) -> None:
        for name, pids in self.groups.items():
            for pid in pids():
                ticks = cpu_ticks(pid)
                if ticks is None:
                    continue
                key = (name, pid)
                if key not in self.first:
                    # a process born during the run counts from 0: it did not exist at the start
                    self.first[key] = ticks if not self.running.is_set() else 0
                self.last[key] = ticks

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            time.sleep(self.period)

    def start_measure(self) -> None:
        self._stop_event = threading.Event()
        self.sample()
        self.running.set()
        self.start()

    def stop_measure(self) -> dict[str, float]:
        self.sample()
        self._stop_event.set()
        self.join()
        seconds: dict[str, float] = Counter()
        for (name, pid), last in self.last.items():
            seconds[name] += (last - self.first[(name, pid)]) / TICKS
        if self.pg_engine is not None:
            self._pg_conn.close()
        return {name: round(value, 2) for name, value in seconds.items()}
