"""Who reads which session: quality referents all of them; anyone else only the sessions they are invited to."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from crisis_app.core.access import require
from crisis_app.core.db import db
from crisis_app.core.models import User
from crisis_app.directory.professionals.services import professional_for_user
from quality.sessions.models import QualitySession, SessionParticipant


def may_manage(user: User) -> bool:
    return user.may("quality.manage")


def _mine(user: User) -> sa.ColumnElement[bool]:
    person = professional_for_user(user)
    clauses = [SessionParticipant.user_id == user.id]
    if person is not None:
        clauses.append(SessionParticipant.professional_id == person.id)
    return QualitySession.id.in_(sa.select(SessionParticipant.session_id).where(sa.or_(*clauses)))


def sessions_for_user(user: User, *, limit: int = 100, offset: int = 0) -> tuple[list[QualitySession], int]:
    stmt = sa.select(QualitySession)
    if not may_manage(user):
        stmt = stmt.where(_mine(user))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(QualitySession.starts_at.desc()).limit(limit).offset(offset)).all()
    return list(rows), total


def may_read(user: User, session_id: int) -> bool:
    """Whether the user may read this session (and so its minutes): a referent, or one invited to it."""
    if may_manage(user):
        return True
    return user.may("quality.sessions.read") and db.session.scalar(
        sa.select(QualitySession.id).where(QualitySession.id == session_id, _mine(user))) is not None


def get_session_for_user(user: User, session_id: int) -> QualitySession:
    """The session if the user may read it; 404 otherwise (an invitation list is not disclosed)."""
    require("quality.sessions.read")
    session = db.session.get(QualitySession, session_id) if 0 < session_id < 2**31 else None
    if session is None:
        abort(404)
    if not may_read(user, session_id):
        abort(404)
    return session

