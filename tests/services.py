"""Where the test suite finds PostgreSQL and Redis, and what to do when they are missing.

``VIGIE_TEST_DATABASE_URL`` picks the engine the whole suite runs on (SQLite by default);
``VIGIE_TEST_REDIS_URL`` the Redis used by the integration tests. With ``VIGIE_REQUIRE_SERVICES=1``
(CI), a service that does not answer fails the run instead of skipping what needs it.
"""

from __future__ import annotations

import os

import redis
import sqlalchemy as sa

from config.settings import normalize_database_url

REQUIRE_SERVICES = os.environ.get("VIGIE_REQUIRE_SERVICES") == "1"
DATABASE_URL = normalize_database_url(os.environ.get("VIGIE_TEST_DATABASE_URL", ""))
REDIS_URL = os.environ.get("VIGIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = normalize_database_url(
    os.environ.get("VIGIE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))


def postgres_error(url: str) -> str | None:
    """None when PostgreSQL answers at ``url``, else why not."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    finally:
        engine.dispose()


def redis_error(url: str = REDIS_URL) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


def need_redis() -> None:
    """Inside a test that needs Redis: skipped without it on a laptop, a failure under VIGIE_REQUIRE_SERVICES=1."""
    import pytest

    error = redis_error()
    if error is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"Redis is required (VIGIE_REQUIRE_SERVICES=1) but {REDIS_URL} failed: {error}")
    pytest.skip(f"needs Redis (VIGIE_TEST_REDIS_URL): {error}")
