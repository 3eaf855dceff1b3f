"""The SQLAlchemy handle, the declarative base and the engine settings shared by all domains."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from functools import wraps

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from crisis_app.core.errors import ServiceError

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


# --- The unit of work -------------------------------------------------------------------------------------------
# One user action = one transaction (zulip's ``do_*`` actions and ``transaction.atomic`` are the model). The entry
# point (a view or API endpoint: ``unit_of_work_view``; a Celery task: core.celery's task class; a CLI command:
# ``@atomic()``) opens the outermost ``atomic``; services and helpers open nested ones, which join it: they change
# rows, flush, and never commit or roll back. The outermost one commits, then runs the on-commit callbacks (the
# outbox fan-out, Celery work). An exception that leaves a nested block dooms the whole unit, even if a caller
# catches it later: a half-done action is never committed (Django's ``needs_rollback``). Only the delivery engine
# keeps its own short commits (core/notifications/engine.py).

_DEPTH = "uow_depth"
_DOOMED = "uow_doomed"


class ConflictError(ServiceError):
    """The database refused the unit of work (a unique or foreign key rule) and the caller named no message."""

    def __init__(self, detail: str = ""):
        super().__init__("conflict", "Cette modification entre en conflit avec des données existantes ; "
                         "rechargez la page et réessayez.", status=409)
        self.detail = detail


def _conflict(conflict, exc: Exception) -> Exception:
    if conflict is None:
        return ConflictError(str(getattr(exc, "orig", exc)))
    return conflict() if callable(conflict) and not isinstance(conflict, BaseException) else conflict


@contextmanager
def atomic(*, conflict=None, durable: bool = False, savepoint: bool = False) -> Iterator[None]:
    """One unit of work, or a part of the one already open.

    ``conflict``: the exception (or a callable making it, e.g. a ``ServiceError`` with status 409) raised instead of
    the database's ``IntegrityError``, when the block's flush or the final commit breaks a constraint.
    ``durable``: this block must be the outermost one (an entry point; nesting it is a programming error).
    ``savepoint``: a failure inside rolls back this block only (a SAVEPOINT) and does not doom the unit: for a loop
    that goes on past a refused item (an import's rows).
    """
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    if durable and depth:
        raise RuntimeError("an entry point's unit of work was opened inside another one")
    if depth and savepoint:
        yield from _savepoint(session, conflict)
        return
    session.info[_DEPTH] = depth + 1
    try:
        yield
        session.flush()
    except sa.exc.IntegrityError as exc:
        _leave(session, depth)
        raise _conflict(conflict, exc) from exc
    except BaseException:
        _leave(session, depth)
        raise
    if depth:
        session.info[_DEPTH] = depth
        return
    _finish(session, conflict)


def _savepoint(session, conflict) -> Iterator[None]:
    # SessionTransaction's own context manager rolls the SAVEPOINT back on any exception, including after a failed
    # flush (which leaves it deactivated but not closed), and releases it otherwise.
    try:
        with session.begin_nested():
            yield
    except sa.exc.IntegrityError as exc:
        raise _conflict(conflict, exc) from exc


def _leave(session, depth: int) -> None:
    """A block ends in failure: a nested one dooms the unit; the outermost one rolls it back."""
    if depth:
        session.info[_DEPTH] = depth
        session.info[_DOOMED] = True
        return
    session.info.pop(_DEPTH, None)
    session.info.pop(_DOOMED, None)
    session.rollback()


def _finish(session, conflict) -> None:
    """The outermost block ends: commit (then the on-commit callbacks), or roll back a doomed unit."""
    doomed = session.info.pop(_DOOMED, False)
    session.info.pop(_DEPTH, None)
    if doomed:
        session.rollback()
        return
    try:
        session.commit()
    except sa.exc.IntegrityError as exc:
        session.rollback()
        raise _conflict(conflict, exc) from exc
    except BaseException:
        session.rollback()
        raise


def abandon() -> None:
    """Drop what the current unit has written so far (its on-commit callbacks too) and go on in the same unit: a
    view that caught a refusal and now renders the form again. Only an entry point calls it."""
    session = db.session()
    session.info.pop(_DOOMED, None)
    session.rollback()


def unit_of_work_view(view: Callable) -> Callable:
    """Run a view or API endpoint as one unit of work: committed when it returns, rolled back when it raises."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        with atomic(durable=True):
            return view(*args, **kwargs)

    wrapper.unit_of_work = True
    return wrapper


def utcnow() -> datetime:
    """Aware UTC now; every timestamp in the database is UTC."""
    return datetime.now(UTC)


def str_enum(cls: type[StrEnum], length: int = 24) -> sa.Enum:
    """A Python StrEnum stored as its values in a VARCHAR (no database-specific ENUM type to migrate)."""
    return sa.Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


def random_key(low: int, high: int) -> Callable:
    """A primary key's default: a random integer in [low, high) not yet taken in its table.

    For rows whose order of creation must not show (an anonymous declaration between two named ones): a sequence
    would let anyone who sees two neighbours' numbers place the row between them. The range stays within a 32-bit
    integer; the check below makes a clash need two inserts of the same draw in one flush (the primary key then
    refuses the second, and the caller's unit of work turns it into its conflict).
    """
    draw = secrets.SystemRandom().randrange

    def pick(context) -> int:
        column = context.current_column
        for _ in range(16):
            key = draw(low, high)
            taken = context.connection.execute(sa.select(column).where(column == key).limit(1)).first()
            if taken is None:
                return key
        raise RuntimeError(f"no free key in {column.table.name}")  # never: 16 draws in a 1 %-full range

    return pick


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


def release_rolled_back_savepoints(engine: sa.Engine) -> None:
    """After ``ROLLBACK TO SAVEPOINT``, also ``RELEASE`` it.

    PostgreSQL and SQLite keep a savepoint on the stack after rolling back to it, so the next savepoint nests inside
    it, and every later released savepoint's transaction id stays locked in that nest until the top transaction ends:
    an import that refuses thousands of rows (each in its own savepoint) would fill PostgreSQL's lock table ("out of
    shared memory"). SQLAlchemy never uses a savepoint again once rolled back to, so releasing it is safe.
    """
    dialect = engine.dialect
    if getattr(dialect, "vigie_releases_savepoints", False):
        return
    rollback_to = dialect.do_rollback_to_savepoint

    def rollback_to_and_release(connection, name):
        rollback_to(connection, name)
        dialect.do_release_savepoint(connection, name)

    dialect.do_rollback_to_savepoint = rollback_to_and_release
    dialect.vigie_releases_savepoints = True


def detached_copy(obj):
    """A transient copy of a row's columns: safe to keep across the caller's commits and rollbacks (a batch's
    cache), and never written back. Relationships are not copied."""
    mapper = sa.inspect(type(obj))
    return mapper.class_(**{attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs})
