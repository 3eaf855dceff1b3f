"""Observers' comments on a draft: a thread per remark on one section, answered and resolved by the référent or
the coordinator, kept with the version (a published version keeps its threads, read-only)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.plan.models import SECTIONS, PlanComment, PlanStatus, PlanVersion
from crisis_app.plan.outline import ACTIONS

MAX_TEXT = 4000


@dataclass
class Thread:
    """A remark and its answers, oldest first."""

    first: PlanComment
    answers: list[PlanComment] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.first.resolved_at is not None

    def as_dict(self) -> dict:
        return {**comment_dict(self.first), "resolved": self.resolved,
                "answers": [comment_dict(a) for a in self.answers]}


def comment_dict(comment: PlanComment) -> dict:
    return {"id": comment.id, "section": comment.section, "author": comment.author_label, "text": comment.text,
            "created_at": comment.created_at, "resolved_at": comment.resolved_at,
            "resolved_by": comment.resolved_by_label}


def threads(plan: PlanVersion) -> list[Thread]:
    """The version's threads, by section then oldest first."""
    rows = db.session.scalars(sa.select(PlanComment).where(PlanComment.plan_id == plan.id)
                              .order_by(PlanComment.id)).all()
    by_id = {c.id: Thread(c) for c in rows if c.thread_id is None}
    for comment in rows:
        if comment.thread_id is not None and comment.thread_id in by_id:
            by_id[comment.thread_id].answers.append(comment)
    return sorted(by_id.values(), key=lambda t: (SECTIONS.index(t.first.section), t.first.id))


def by_section(plan: PlanVersion) -> dict[str, list[Thread]]:
    found: dict[str, list[Thread]] = {s: [] for s in SECTIONS}
    for thread in threads(plan):
        found[thread.first.section].append(thread)
    return found


def author_label(user: User) -> str:
    """The name shown beside a comment: the person, and the organisation an observer account speaks for."""
    from crisis_app.directory.organisations.models import Organisation

    name = user.full_name or user.email
    organisation = db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
    if organisation is None or organisation.name in name:  # "Agathe Lambert (ARS Occitanie)" says it already
        return name[:254]
    return f"{name} ({organisation.name})"[:254]


def _clean_text(text: str | None) -> str:
    text = (text or "").strip().replace("\r\n", "\n")
    if not text:
        raise ServiceError("validation_error", "Écrivez le commentaire.", field="text")
    if len(text) > MAX_TEXT or any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise ServiceError("validation_error", f"Commentaire : {MAX_TEXT} caractères au plus, sans caractère de "
                                               "contrôle.", field="text")
    return text


def _thread(plan: PlanVersion, thread_id: int) -> PlanComment:
    first = db.session.get(PlanComment, thread_id) if 0 < thread_id < 2**31 else None
    if first is None or first.plan_id != plan.id or first.thread_id is not None:
        raise ServiceError("not_found", "Ce fil de commentaires n'existe pas sur cette version.", status=404,
                           field="thread_id")
    return first


@atomic()
def add_comment(*, actor: User, plan: PlanVersion, text: str, section: str | None = None,
                thread_id: int | None = None) -> PlanComment:
    """A new remark on a section of a draft, or an answer in an open thread."""
    if plan.status is PlanStatus.PUBLISHED:
        raise ServiceError("published", f"Le plan {plan.year} est publié : ses commentaires sont conservés mais "
                                        "on ne commente plus qu'un brouillon.", status=409)
    text = _clean_text(text)
    if thread_id is not None:
        first = _thread(plan, thread_id)
        if first.resolved_at is not None:
            raise ServiceError("resolved", "Ce fil est résolu : ouvrez un nouveau commentaire.", status=409)
        section = first.section
    elif section not in SECTIONS:
        raise ServiceError("validation_error", "Choisissez la section commentée.", field="section")
    label = author_label(actor)
    comment = PlanComment(plan_id=plan.id, section=section, thread_id=thread_id, author_id=actor.id,
                          author_label=label, text=text, created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    what = "Réponse" if thread_id else "Commentaire"
    audit.record(actor=actor, action="plan.comment", object_type="plan", object_id=plan.id,
                 summary=f"{what} de {label} sur « {ACTIONS[section]} » (plan {plan.year})"[:500],
                 changes={"comment": [None, comment.id]})
    return comment


@atomic()
def resolve(*, actor: User, plan: PlanVersion, thread_id: int) -> PlanComment:
    """The référent or the coordinator marks a thread resolved."""
    first = _thread(plan, thread_id)
    if first.resolved_at is not None:
        raise ServiceError("resolved", "Ce fil est déjà résolu.", status=409)
    by = actor.full_name or actor.email
    first.resolved_at, first.resolved_by_label = utcnow(), by[:254]
    audit.record(actor=actor, action="plan.comment.resolve", object_type="plan", object_id=plan.id,
                 summary=f"Fil de commentaires sur « {ACTIONS[first.section]} » résolu par {by}"[:500],
                 changes={"comment": [first.id, first.id]})
    return first


def open_count(plan: PlanVersion) -> int:
    return sum(1 for t in threads(plan) if not t.resolved)


def waiting_on_drafts() -> list[tuple[PlanVersion, int, str]]:
    """Drafts with unresolved remarks: ``(version, open threads, who wrote the latest remark or answer)``, for the
    people who answer and resolve them (one query for the counts, one for the latest authors)."""
    first = sa.orm.aliased(PlanComment)
    rows = db.session.execute(
        sa.select(PlanVersion, sa.func.count(first.id))
        .join(first, first.plan_id == PlanVersion.id)
        .where(PlanVersion.status != PlanStatus.PUBLISHED, first.thread_id.is_(None), first.resolved_at.is_(None))
        .group_by(PlanVersion.id).order_by(PlanVersion.year.desc())).all()
    found = []
    for plan, count in rows:
        latest = db.session.scalar(sa.select(PlanComment.author_label).where(PlanComment.plan_id == plan.id)
                                   .order_by(PlanComment.id.desc()).limit(1))
        found.append((plan, count, latest or ""))
    return found
