"""The SQLAlchemy handle, the declarative base and the engine settings shared by all domains."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """An aware UTC datetime on every engine (SQLite stores no zone and hands back naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    registry = registry(metadata=sa.MetaData(naming_convention=NAMING),
                        type_annotation_map={datetime: UTCDateTime()})


class VigieSession(FlaskSession):
    """A session that runs callbacks once its transaction has really committed (never after a rollback).

    ``after_commit`` events may not emit SQL; these callbacks run after ``commit()`` has returned, so work enqueued
    from them (even a Celery task run eagerly, as in tests) sees the committed rows and may use the session.
    """

    def on_commit(self, callback) -> None:
        """Run ``callback()`` after the current transaction commits; dropped if it rolls back."""
        self.info.setdefault("on_commit", []).append(callback)

    @property
    def transaction_state(self) -> dict:
        """A dict that lives as long as the current transaction (emptied on commit, rollback and close)."""
        return self.info.setdefault("transaction_state", {})

    def _end_transaction(self) -> list:
        self.info.pop("transaction_state", None)
        return self.info.pop("on_commit", [])

    def commit(self) -> None:
        super().commit()
        for callback in self._end_transaction():
            callback()

    def rollback(self) -> None:
        self._end_transaction()
        super().rollback()

    def close(self) -> None:
        self._end_transaction()
        super().close()


SESSION_OPTIONS = {"class_": VigieSession}
db = SQLAlchemy(model_class=Base, session_options=dict(SESSION_OPTIONS))


def utcnow() -> datetime:
    """Aware UTC now; every timestamp in the database is UTC."""
    return datetime.now(UTC)


def str_enum(cls: type[StrEnum], length: int = 24) -> sa.Enum:
    """A Python StrEnum stored as its values in a VARCHAR (no database-specific ENUM type to migrate)."""
    return sa.Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def configure_sqlite(engine: sa.Engine) -> None:
    """Make SQLite behave for a web server, a worker and a beat sharing one file.

    pysqlite's own transaction handling breaks SAVEPOINT (used by the tests' rolled-back
    transactions) so we turn it off and emit BEGIN ourselves, as SQLAlchemy's docs recommend.
    WAL lets readers run beside a writer; busy_timeout makes a writer wait instead of failing.
    BEGIN IMMEDIATE takes the write lock up front: a transaction that read first and wrote later
    would otherwise fail at once ("database is locked") when another process wrote in between.
    """

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def detached_copy(obj):
    """A transient copy of a row's columns: safe to keep across the caller's commits and rollbacks (a batch's
    cache), and never written back. Relationships are not copied."""
    mapper = sa.inspect(type(obj))
    return mapper.class_(**{attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs})
