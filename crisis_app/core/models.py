"""Users, API tokens, the audit trail and the worker heartbeat."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from crisis_app.core.db import TimestampMixin, db, utcnow
from crisis_app.core.roles import Role, role_may


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=32,
                                               values_callable=lambda e: [m.value for m in e]))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    # a partner organisation's account (the ARS observer): reads in /mes-messages what was sent to that organisation
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
    # carried by the session cookie and the remember token (get_id): raising it ends every session of the account
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """What Flask-Login stores in the session and signs into the remember cookie: ``"<id>:<version>"``, so
        a cookie made before a logout or a password change names a version that no longer loads
        (core.auth.services.user_for_session)."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Every session cookie and remember token issued so far stops working."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def check_no_password(password: str) -> bool:
        """The same work as ``check_password`` for an address with no account (always False): a login takes
        as long whether the address exists or not."""
        check_password_hash(_dummy_hash(), password)
        return False

    def may(self, permission: str) -> bool:
        return self.active and role_may(self.role, permission)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def _dummy_hash() -> str:
    """A hash of a random password with the configured method, made once per process and method."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    cache = current_app.extensions.setdefault("vigie_dummy_password_hash", {})
    if method not in cache:
        import secrets

        cache[method] = generate_password_hash(secrets.token_urlsafe(24), method=method)
    return cache[method]


class ApiToken(TimestampMixin, db.Model):
    """A bearer token; only its SHA-256 is kept, the clear value is shown once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class AuditEvent(db.Model):
    """Who changed what, when; written in the transaction of the change itself."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    summary: Mapped[str] = mapped_column(sa.String(500))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class WorkerHeartbeat(db.Model):
    """The last time each Celery worker proved it runs tasks (read by /healthz)."""

    hostname: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
