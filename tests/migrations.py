"""A second application on its own database, upgraded to a past revision and filled with rows as that revision
stored them, for the tests that upgrade such a database: a SQLite file, or a scratch PostgreSQL database (created
and dropped here) when the suite runs on PostgreSQL and the rows are written for both engines."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from config.settings import load_settings
from crisis_app import create_app
from crisis_app.core.db import db
from tests import services


@contextmanager
def database_at(app: Flask, tmp_path: Path, revision: str, rows: Sequence[str], *,
                postgres: bool = True) -> Iterator[Flask]:
    """The application on a database at ``revision`` holding ``rows``; the suite's application is made current again
    afterwards (Celery's shared tasks follow the last application created)."""
    scratch = admin = None
    if services.DATABASE_URL.startswith("postgresql"):
        if not postgres:
            pytest.skip("rows written for SQLite; the PostgreSQL pass upgrades the whole chain in the app fixture")
        scratch = f"vigie_upgrade_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(services.DATABASE_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {scratch}"))
        url = sa.engine.make_url(services.DATABASE_URL).set(database=scratch).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = create_app({"SQLALCHEMY_DATABASE_URI": url,
                      "CELERY": {**load_settings()["CELERY"], "broker_url": "memory://"}})
    try:
        with old.app_context():
            upgrade(revision=revision)
            for statement in rows:
                db.session.execute(sa.text(statement))
            db.session.commit()
        yield old
        with old.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        app.extensions["celery"].set_default()
        app.extensions["celery"].set_current()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
            admin.dispose()
