"""Where the failover keeps a channel's active provider, shared by every worker: Redis when Vigie has one, else the
``channel_provider_state`` table (the embedded default). Both offer the same four operations, each atomic: a
switch is a compare-and-set, so of two workers that see the same errors at once, one switches.

The DB store joins the caller's transaction (the engine commits it); the Redis store writes at once. If Redis stops
answering, the Redis store says so in the log and works on the table until it answers again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.notifications.models import ProviderState

log = logging.getLogger(__name__)
PRIMARY = "primary"


@dataclass(frozen=True)
class State:
    """A channel's provider now: which one, since when, why, and how many tries failed in a row on it."""

    active: str = PRIMARY
    since: datetime | None = None
    reason: str = ""
    errors_in_row: int = 0


class DbStore:
    """The state in one row per channel; every change a guarded UPDATE in the caller's transaction."""

    name = "database"

    def read(self, channel: str) -> State:
        row = db.session.execute(sa.select(ProviderState.active, ProviderState.since, ProviderState.reason,
                                           ProviderState.errors_in_row)
                                 .where(ProviderState.channel == channel)).first()
        return State(*row) if row else State()

    def _ensure(self, channel: str) -> None:
        dialect = db.session.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        db.session.execute(insert(ProviderState).values(channel=channel, active=PRIMARY, reason="", errors_in_row=0)
                           .on_conflict_do_nothing(index_elements=["channel"]))

    def observe(self, channel: str, provider: str, *, reset: bool, add: int, now: datetime) -> int | None:
        """Count ``add`` failed tries on ``provider`` (after a success first when ``reset``); the count in a row, or
        None when ``provider`` is no longer the active one."""
        self._ensure(channel)
        table = ProviderState.__table__
        errors = sa.literal(add) if reset else table.c.errors_in_row + add
        values = {"errors_in_row": errors, **({"last_error_at": now} if add else {})}
        return db.session.execute(table.update().where(table.c.channel == channel, table.c.active == provider)
                                  .values(**values).returning(table.c.errors_in_row)).scalar()

    def switch(self, channel: str, expected: str, to: str, reason: str, now: datetime) -> bool:
        """Make ``to`` active if ``expected`` still is; True for the one caller that did it."""
        self._ensure(channel)
        table = ProviderState.__table__
        result = db.session.execute(table.update().where(table.c.channel == channel, table.c.active == expected)
                                    .values(active=to, since=now, reason=reason[:300], errors_in_row=0))
        return result.rowcount == 1


_OBSERVE = """
local active = redis.call('HGET', KEYS[1], 'active') or 'primary'
if active ~= ARGV[1] then return -1 end
if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'errors', ARGV[3]) return tonumber(ARGV[3]) end
return redis.call('HINCRBY', KEYS[1], 'errors', tonumber(ARGV[3]))
"""
_SWITCH = """
local active = redis.call('HGET', KEYS[1], 'active') or 'primary'
if active ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'active', ARGV[2], 'since', ARGV[3], 'reason', ARGV[4], 'errors', 0)
return 1
"""


class RedisStore:
    """The state in one Redis hash per channel; each change one Lua script (atomic across hosts)."""

    name = "redis"

    def __init__(self, url: str, prefix: str = "vigie:provider:"):
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._observe = self._redis.register_script(_OBSERVE)
        self._switch = self._redis.register_script(_SWITCH)
        self.prefix, self.fallback = prefix, DbStore()

    def read(self, channel: str) -> State:
        try:
            raw = self._redis.hgetall(self.prefix + channel)
        except redis.RedisError as exc:
            return self._down(exc).read(channel)
        values = {k.decode(): v.decode() for k, v in raw.items()}
        since = values.get("since")
        return State(active=values.get("active", PRIMARY),
                     since=datetime.fromtimestamp(float(since), UTC) if since else None,
                     reason=values.get("reason", ""), errors_in_row=int(values.get("errors", 0)))

    def observe(self, channel: str, provider: str, *, reset: bool, add: int, now: datetime) -> int | None:
        try:
            count = int(self._observe(keys=[self.prefix + channel], args=[provider, "1" if reset else "0", add]))
        except redis.RedisError as exc:
            return self._down(exc).observe(channel, provider, reset=reset, add=add, now=now)
        return None if count < 0 else count

    def switch(self, channel: str, expected: str, to: str, reason: str, now: datetime) -> bool:
        try:
            return self._switch(keys=[self.prefix + channel],
                                args=[expected, to, repr(now.timestamp()), reason[:300]]) == 1
        except redis.RedisError as exc:
            return self._down(exc).switch(channel, expected, to, reason, now)

    def _down(self, exc: Exception) -> DbStore:
        log.warning("Redis unreachable for the provider state (%s): using the database", type(exc).__name__)
        return self.fallback
