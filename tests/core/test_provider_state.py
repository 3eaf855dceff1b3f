"""The failover's shared state on real Redis (several hosts) and in the database (the embedded default): a switch
is a compare-and-set (of two workers seeing the same errors, one switches), failures are counted in a row, and a
Redis that stops answering leaves the state to the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis

from crisis_app.core.notifications.providerstate import DbStore, RedisStore
from tests import services

T0 = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


@pytest.fixture
def redis_store():
    if services.redis_error():
        pytest.skip(f"needs Redis (VIGIE_TEST_REDIS_URL): {services.redis_error()}")
    store = RedisStore(services.REDIS_URL, prefix="vigie-test:provider:")
    redis.Redis.from_url(services.REDIS_URL).delete("vigie-test:provider:sms")
    yield store
    redis.Redis.from_url(services.REDIS_URL).delete("vigie-test:provider:sms")


def _check_store(store) -> None:
    assert store.read("sms").active == "primary" and store.read("sms").errors_in_row == 0
    assert store.observe("sms", "primary", reset=False, add=2, now=T0) == 2
    assert store.observe("sms", "primary", reset=False, add=1, now=T0) == 3
    assert store.observe("sms", "primary", reset=True, add=1, now=T0) == 1  # a success came, then one failure
    assert store.observe("sms", "backup", reset=False, add=5, now=T0) is None  # not the active one: not counted
    assert store.switch("sms", "primary", "backup", "3 envois de suite en échec", T0) is True
    assert store.switch("sms", "primary", "backup", "3 envois de suite en échec", T0) is False  # the other worker
    state = store.read("sms")
    assert (state.active, state.since, state.reason, state.errors_in_row) == (
        "backup", T0, "3 envois de suite en échec", 0)


def test_redis_state_counts_and_switches_once(app, redis_store):
    _check_store(redis_store)


def test_database_state_counts_and_switches_once(app, db_session):
    _check_store(DbStore())


def test_an_unreachable_redis_leaves_the_state_to_the_database(app, db_session):
    store = RedisStore("redis://127.0.0.1:1/0")
    assert store.switch("sms", "primary", "backup", "essai", T0) is True
    assert DbStore().read("sms").active == "backup" and store.read("sms").active == "backup"
