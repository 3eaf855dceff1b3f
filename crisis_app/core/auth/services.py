"""Every change to users and tokens, each with its audit row in the same transaction (the caller's unit of work,
or its own when called outside one: a test, a script)."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from blinker import Namespace

from crisis_app.core import audit
from crisis_app.core.auth import ratelimit
from crisis_app.core.auth.devices import Device
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import ApiToken, User
from crisis_app.core.roles import Role
from crisis_app.core.routing import DB_INT_MAX

MIN_PASSWORD_LENGTH = 10
# sent inside the unit of work that creates an account: a domain may attach what is its own (the directory links
# the entry that has the same e-mail); wired in that domain's init_app
account_created = Namespace().signal("vigie.account-created")
TOKEN_PREFIX = "vg_"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError("password_too_short",
                           f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.",
                           field="password")


def _email_taken() -> ServiceError:
    return ServiceError("email_taken", "Un compte existe déjà avec cette adresse e-mail.", field="email", status=409)


@atomic()
def create_user(*, actor: User | None, email: str, full_name: str, role: Role | str,
                password: str | None = None) -> User:
    """Create an account; refuses a duplicate e-mail, an unknown role or a short password.

    Without ``password`` (the coordinator's way: nobody invents a password for someone else) the account gets an
    unusable random one and its owner an invitation to choose theirs (core.auth.passwords). Listeners of
    ``account_created`` (the directory links the entry with the same e-mail) run in the same unit of work."""
    email = normalize_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ServiceError("invalid_email", "Adresse e-mail invalide.", field="email")
    try:
        role = Role(role)
    except ValueError:
        raise ServiceError("invalid_role", f"Rôle inconnu : {role}.", field="role") from None
    if password is not None:
        check_password_strength(password)
    if get_user_by_email(email) is not None:
        raise _email_taken()
    user = User(email=email, full_name=full_name.strip() or email, role=role)
    user.set_password(password if password is not None else secrets.token_urlsafe(32))
    with atomic(conflict=_email_taken):  # two coordinators creating the same account at once
        db.session.add(user)
        db.session.flush()
        audit.record(actor=actor, action="user.create", object_type="user", object_id=user.id,
                     summary=f"Compte créé : {email} ({role.label})",
                     changes={"email": [None, email], "role": [None, role.value]})
    if password is None:
        from crisis_app.core.auth import passwords

        passwords.send_invitation(actor=actor, user=user)
    account_created.send(user, actor=actor)
    return user


@atomic()
def update_user(*, actor: User, user: User, role: Role | str | None = None,
                active: bool | None = None, full_name: str | None = None) -> User:
    """Change a user's role, name or activity; the coordinator may not lock themself out."""
    before = {"role": user.role.value, "active": user.active, "full_name": user.full_name}
    if role is not None:
        try:
            role = Role(role)
        except ValueError:
            raise ServiceError("invalid_role", f"Rôle inconnu : {role}.", field="role") from None
    if user.id == actor.id and ((role is not None and role != actor.role) or active is False):
        raise ServiceError("self_lockout", "Vous ne pouvez pas retirer votre propre rôle ni désactiver "
                           "votre propre compte.", status=409)
    if role is not None:
        user.role = role
    if active is not None:
        user.active = active
    if full_name is not None and full_name.strip():
        user.full_name = full_name.strip()
    after = {"role": user.role.value, "active": user.active, "full_name": user.full_name}
    changes = audit.changes_between(before, after)
    if changes:
        audit.record(actor=actor, action="user.update", object_type="user", object_id=user.id,
                     summary=f"Compte modifié : {user.email}", changes=changes)
    return user


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    blocked: bool = False
    retry_after: int = 0  # seconds to wait when blocked


def _throttle_keys(email: str, address: str, user: User | None, device: Device | None) -> list[ratelimit.Key]:
    """A known device of the account answers for its own failures only; anyone else for the account and the
    address."""
    if device is not None and user is not None and device.knows(user.id):
        return [ratelimit.Key("device", f"{device.device_id}:{user.id}")]
    return [ratelimit.Key("account", email), ratelimit.Key("address", address)]


@atomic()
def authenticate(*, email: str, password: str, address: str, device: Device | None = None) -> LoginResult:
    """Check a login. Failures slow the next tries down (core.auth.ratelimit), never lock; the password hash is
    computed once whether the address has an account or not, so the answer's time says nothing about it."""
    email = normalize_email(email)
    user = get_user_by_email(email)
    keys = _throttle_keys(email, address, user, device)
    wait = ratelimit.wait_left(keys)
    if wait > 0:
        return LoginResult(user=None, blocked=True, retry_after=math.ceil(wait))
    accepted = user.check_password(password) if user is not None else User.check_no_password(password)
    if not accepted or not user.active:
        ratelimit.record_failure(keys)
        audit.record(actor=None, action="auth.login_failed", object_type="user",
                     object_id=user.id if user else None,
                     summary=f"Échec de connexion pour {email[:200]} depuis {address}")
        return LoginResult(user=None)
    ratelimit.reset([k for k in keys if k.kind != "address"])
    user.last_login_at = utcnow()
    audit.record(actor=user, action="auth.login", object_type="user", object_id=user.id,
                 summary=f"Connexion depuis {address}")
    return LoginResult(user=user)


@atomic()
def record_logout(*, user: User) -> None:
    """Logging out ends every session of the account (a copied cookie, the remember token, other devices)."""
    user.end_sessions()
    audit.record(actor=user, action="auth.logout", object_type="user", object_id=user.id,
                 summary="Déconnexion (toutes les sessions du compte sont fermées)")


def _db_int(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= DB_INT_MAX


def user_for_session(session_id: str) -> User | None:
    """The user a session cookie or remember token names (``"<id>:<version>"``, User.get_id), or None when the
    version is not the account's current one (logged out, password changed since) or the value is malformed."""
    user_id, sep, version = str(session_id).partition(":")
    if not sep or not _db_int(user_id) or not _db_int(version):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@atomic()
def issue_token(*, actor: User | None, user: User) -> str:
    """Create a bearer token for ``user`` and return its clear value (shown once, never stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=_hash_token(token), prefix=token[:10])
    db.session.add(row)
    db.session.flush()
    audit.record(actor=actor, action="token.create", object_type="user", object_id=user.id,
                 summary=f"Jeton d'API {row.prefix}… créé pour {user.email}")
    return token


def revoke_tokens(*, actor: User | None, user: User, why: str) -> int:
    """Revoke every API token of ``user`` still in force (a password changed or reset: whoever learnt the old one
    may have made tokens with it); returns how many."""
    rows = list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id,
                                                             ApiToken.revoked_at.is_(None))))
    now = utcnow()
    for row in rows:
        row.revoked_at = now
        audit.record(actor=actor, action="token.revoke", object_type="user", object_id=user.id,
                     summary=f"Jeton d'API {row.prefix}… révoqué ({why})")
    return len(rows)


def user_for_token(token: str) -> User | None:
    """The active user owning an unrevoked token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash_token(token),
                                                      ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active:
        return None
    return row.user


@atomic()
def change_password(*, user: User, current: str, new: str) -> int:
    """Replace the user's password once the current one is proven; every other session ends and the account's API
    tokens are revoked (their number is returned)."""
    if not user.check_password(current):
        raise ServiceError("wrong_password", "Le mot de passe actuel est incorrect.", field="current")
    check_password_strength(new)
    user.set_password(new)
    user.end_sessions()  # every other device signs in again; the caller renews this one's session
    revoked = revoke_tokens(actor=user, user=user, why="mot de passe changé")
    tokens = ", ses jetons d'API révoqués" if revoked else ""
    audit.record(actor=user, action="user.password", object_type="user", object_id=user.id,
                 summary=f"Mot de passe changé (les autres sessions du compte sont fermées{tokens})")
    return revoked


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.full_name)))


def count_active_by_role() -> dict[Role, int]:
    rows = db.session.execute(sa.select(User.role, sa.func.count()).where(User.active.is_(True))
                              .group_by(User.role))
    return {Role(role): count for role, count in rows}
