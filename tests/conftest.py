"""Fixtures: the app on the chosen engine, a transaction rolled back per test, personas per role."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import services

pytest_plugins = ["tests.sinks"]  # local SMTP server and HTTP SMS gateway fixtures

_INSTANCE = Path(tempfile.mkdtemp(prefix="vigie-test-"))
# The app reads its settings from the environment: make it a test environment whatever the shell says.
os.environ.update({"VIGIE_ENV": "test", "VIGIE_INSTANCE_DIR": str(_INSTANCE)})
for _name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY"):
    os.environ.pop(_name, None)

from config.settings import load_settings  # noqa: E402
from crisis_app import create_app  # noqa: E402
from crisis_app.core.db import SESSION_OPTIONS, db  # noqa: E402
from crisis_app.core.roles import Role  # noqa: E402
from tests import factories  # noqa: E402


def pytest_sessionstart(session):
    url = services.DATABASE_URL
    if url.startswith("postgresql"):
        error = services.postgres_error(url)
        if error and services.REQUIRE_SERVICES:
            pytest.exit(f"PostgreSQL is required (VIGIE_REQUIRE_SERVICES=1) but {url} failed: {error}",
                        returncode=3)
        if error:
            pytest.exit(f"PostgreSQL unreachable at {url} ({error}): this pass is skipped", returncode=0)


def _reset_postgres(url: str) -> None:
    if not sa.engine.make_url(url).database.startswith("test"):
        raise RuntimeError(f"refusing to wipe {url}: the test database's name must start with 'test'")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def test_database_url() -> str:
    return services.DATABASE_URL or f"sqlite:///{_INSTANCE / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app():
    """The application on a freshly migrated database (migrations, not create_all, build it)."""
    from flask_migrate import upgrade

    url = test_database_url()
    if url.startswith("postgresql"):
        _reset_postgres(url)
    broker = services.REDIS_URL if services.redis_error() is None else "memory://"
    application = create_app({"SQLALCHEMY_DATABASE_URI": url,
                              "CELERY": {**load_settings()["CELERY"], "broker_url": broker}})
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app):
    """Run the test inside a transaction that is rolled back afterwards.

    Services commit as usual: their commits release SAVEPOINTs of the outer transaction.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        engines = db.engines
        real_engine = engines[None]
        engines[None] = connection
        real_session = db.session
        db.session = db._make_scoped_session({"join_transaction_mode": "create_savepoint", **SESSION_OPTIONS})
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = real_session
            engines[None] = real_engine
            outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _fresh_login_limiter(app):
    """Each test starts with no recorded login failures."""
    app.extensions.pop("vigie_login_limiter", None)
    yield
    app.extensions.pop("vigie_login_limiter", None)


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def personas(db_session) -> dict[Role, factories.Persona]:
    """One account per role: the coordinator Claire, the référent Julien, … (see factories)."""
    return {role: factories.persona(role) for role in Role}


@pytest.fixture
def login(client):
    """Log ``persona`` in through the real login form; returns the client."""

    def _login(persona: factories.Persona):
        response = form_post(client, "/connexion", {"email": persona.user.email, "password": persona.password})
        assert response.status_code == 302, response.text
        return client

    return _login


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client, url: str) -> str:
    page = client.get(url)
    match = CSRF_RE.search(page.text)
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1) or match.group(2)


def form_post(client, url: str, data: dict, *, token_from: str | None = None):
    """Submit a form as a browser does: fetch the page for its CSRF token, then post."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from or url)})
