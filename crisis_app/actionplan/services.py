"""The action plan's services: record an action for a source, move it planifiée → en cours → réalisée →
efficacité vérifiée | non efficace, keep its evidence, list a source's actions.

They join the caller's unit of work (no commit); an invalid move answers 409 and dooms nothing the caller did
not write. The caller says what the action follows (``Source``) and screens its texts as its mission requires
(quality passes every free text through its patient-data screen before calling).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from crisis_app.actionplan import reminders
from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.actionplan.vocab import ACTION_TRANSITIONS, NEEDS_EVIDENCE, ActionStatus, ActionType, SourceKind
from crisis_app.core import audit
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.directory.professionals.models import Professional

OBJECT = "quality_action"
TEXT_MAX = 4000
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES = {"application/pdf", "image/png", "image/jpeg", "text/plain"}


@dataclass(frozen=True)
class Source:
    """What an action follows: its kind, its id, how it reads on a list, and the EIAS it belongs to (if any)."""

    kind: SourceKind
    id: int
    title: str | None = None
    event_id: int | None = None


@dataclass(frozen=True)
class Owner:
    """Who carries the action: a person of the directory, an account, or a name that matches neither."""

    professional_id: int | None = None
    user_id: int | None = None
    note: str | None = None


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


def _folded(text: str) -> str:
    text = " ".join(text.split()).casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def owner_from_name(name: str) -> Owner:
    """The one active directory person (« Prénom Nom » or « Nom Prénom ») or account (full name or e-mail) the
    name designates; a name that matches none, or several, stays a note."""
    wanted = _folded(name)
    people = [p.id for p in db.session.scalars(sa.select(Professional).where(Professional.active.is_(True)))
              if wanted in {_folded(f"{p.first_name} {p.last_name}"), _folded(f"{p.last_name} {p.first_name}")}]
    if len(people) == 1:
        return Owner(professional_id=people[0])
    if not people:
        users = [u.id for u in db.session.scalars(sa.select(User).where(User.active.is_(True)))
                 if wanted in {_folded(u.full_name), _folded(u.email)}]
        if len(users) == 1:
            return Owner(user_id=users[0])
    return Owner(note=" ".join(name.split())[:200])


def check_owner(owner: Owner) -> Owner:
    """The owner as stored: a person of the directory or an account must exist and be active (422 otherwise)."""
    if owner.professional_id is not None:
        person = db.session.get(Professional, owner.professional_id) if _an_id(owner.professional_id) else None
        if person is None or not person.active:
            raise _refuse("Responsable introuvable dans l'annuaire.", "owner_professional_id")
        return Owner(professional_id=person.id)
    if owner.user_id is not None or not owner.note:
        user = db.session.get(User, owner.user_id) if _an_id(owner.user_id) else None
        if user is None or not user.active:
            raise _refuse("Choisissez le responsable de l'action (annuaire ou compte).", "owner_user_id")
        return Owner(user_id=user.id)
    return Owner(note=owner.note[:200])


def _an_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _check(title: Any, description: Any, action_type: Any, due_on: Any, *, due_required: bool) -> None:
    if not isinstance(title, str) or not title.strip() or len(title) > 300:
        raise _refuse("Donnez un intitulé (300 caractères au plus).", "title")
    if description is not None and len(description) > TEXT_MAX:
        raise _refuse(f"Au plus {TEXT_MAX} caractères.", "description")
    if action_type not in {t.value for t in ActionType}:
        raise _refuse("Choisissez le type : immédiate, corrective, préventive ou amélioration.", "action_type")
    if (due_required or due_on is not None) and not isinstance(due_on, date):
        raise _refuse("Indiquez l'échéance.", "due_on")


def create(*, actor: User | None, title: str, source: Source, owner: Owner, due_on: date | None,
           action_type: str = ActionType.CORRECTIVE, description: str | None = None,
           due_required: bool = True) -> CorrectiveAction:
    """Record an action (title, type, owner, due date, what it follows), planifiée, with its audit row."""
    _check(title, description, action_type, due_on, due_required=due_required)
    owner = check_owner(owner)
    action = CorrectiveAction(title=title.strip(), description=description, action_type=str(action_type),
                              source_type=source.kind.value, source_id=source.id, source_title=source.title,
                              event_id=source.event_id, owner_professional_id=owner.professional_id,
                              owner_user_id=owner.user_id, owner_note=owner.note, due_on=due_on,
                              status=ActionStatus.PLANNED)
    db.session.add(action)
    db.session.flush()
    due = f"pour le {due_on:%d/%m/%Y}" if due_on else "sans échéance"
    audit.record(actor=actor, action="quality.action.create", object_type=OBJECT, object_id=action.id,
                 summary=f"Action n° {action.id} « {action.title[:120]} » ({action.type_label}) {due} — suit "
                         f"{action.source_label}")
    return action


def update(*, actor: User | None, action: CorrectiveAction, title: str, owner: Owner, due_on: date | None,
           description: str | None = None) -> CorrectiveAction:
    """Rewrite what an action says (its title, owner, due date) — not its status, which moves by ``transition``."""
    _check(title, description, action.action_type, due_on, due_required=False)
    owner = check_owner(owner)
    values = {"title": title.strip(), "owner_professional_id": owner.professional_id,
              "owner_user_id": owner.user_id, "owner_note": owner.note, "due_on": due_on}
    if description is not None:
        values["description"] = description
    changes = {k: [getattr(action, k), v] for k, v in values.items() if getattr(action, k) != v}
    if not changes:
        return action
    for key, value in values.items():
        setattr(action, key, value)
    action.updated_at = utcnow()
    audit.record(actor=actor, action="quality.action.update", object_type=OBJECT, object_id=action.id,
                 summary=f"Action n° {action.id} « {action.title[:120]} » modifiée",
                 changes={k: [str(a) if a is not None else None, str(b) if b is not None else None]
                          for k, (a, b) in changes.items()})
    return action


def remove(*, actor: User | None, action: CorrectiveAction) -> None:
    """Delete an action its source no longer decides (a RETEX draft rewritten), with its reminder steps."""
    audit.record(actor=actor, action="quality.action.delete", object_type=OBJECT, object_id=action.id,
                 summary=f"Action n° {action.id} « {action.title[:120]} » retirée de {action.source_label}")
    reminders.forget(reminders.ACTION, action.id)
    db.session.delete(action)
    db.session.flush()


def next_statuses(action: CorrectiveAction) -> list[ActionStatus]:
    allowed = ACTION_TRANSITIONS[action.status]
    return [s for s in ActionStatus if s in allowed]


def transition(*, actor: User, action: CorrectiveAction, to: Any, evidence_note: str | None = None,
               on: date | None = None) -> CorrectiveAction:
    """Move the action one step; réalisée and the verification need evidence (a note, or a file already kept).
    One guarded UPDATE: of two moves from the same status, the second answers 409."""
    try:
        target = ActionStatus(to)
    except ValueError:
        raise _refuse("Statut inconnu.", "to") from None
    source = action.status
    if target not in ACTION_TRANSITIONS[source]:
        allowed = ", ".join(s.label for s in next_statuses(action)) or "aucun"
        raise ServiceError("invalid_transition", f"L'action n° {action.id} est « {source.label} » et ne peut pas "
                           f"passer à « {target.label} ». Possible : {allowed}.", field="to", status=409)
    note = (evidence_note or "").strip() or None
    if target in NEEDS_EVIDENCE and not (note or action.evidence_note or action.evidence_filename):
        raise _refuse("Joignez une preuve : une note ou un fichier.", "evidence_note")
    today = on or utcnow().date()
    values: dict[str, Any] = {"status": target, "updated_at": utcnow()}
    if note:
        values["evidence_note"] = note[:TEXT_MAX]
    if target is ActionStatus.DONE:
        values["done_on"] = today
    if target in (ActionStatus.VERIFIED, ActionStatus.INEFFECTIVE):
        values["verified_on"] = today
    result = db.session.execute(sa.update(CorrectiveAction).where(
        CorrectiveAction.id == action.id, CorrectiveAction.status == source).values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ServiceError("conflict", "L'action vient d'être modifiée : rechargez la page.", status=409)
    db.session.expire(action)
    audit.record(actor=actor, action="quality.action.transition", object_type=OBJECT, object_id=action.id,
                 summary=f"Action n° {action.id} : {source.label} → {target.label}",
                 changes={"status": [source.value, target.value]})
    return action


def attach_evidence(*, actor: User, action: CorrectiveAction, filename: str, media_type: str,
                    content: bytes) -> CorrectiveAction:
    """Keep a file as the action's evidence (PDF, image or text, 5 Mo at most)."""
    if media_type not in EVIDENCE_TYPES:
        raise _refuse("Formats acceptés : PDF, PNG, JPEG ou texte.", "evidence_file")
    if not content or len(content) > EVIDENCE_MAX_BYTES:
        raise _refuse("Fichier vide ou de plus de 5 Mo.", "evidence_file")
    name = (" ".join((filename or "").split()) or "preuve")[:200]
    action.evidence_filename, action.evidence_media_type, action.evidence_file = name, media_type, content
    action.updated_at = utcnow()
    audit.record(actor=actor, action="quality.action.evidence", object_type=OBJECT, object_id=action.id,
                 summary=f"Action n° {action.id} : preuve jointe ({name}, {len(content)} octets)")
    return action


def actions_for(source_kind: SourceKind | str, source_id: int) -> list[CorrectiveAction]:
    """The actions that follow one source, in the order they were decided."""
    return list(db.session.scalars(sa.select(CorrectiveAction).where(
        CorrectiveAction.source_type == str(source_kind), CorrectiveAction.source_id == source_id)
        .order_by(CorrectiveAction.id)))


def actions_of_event(event_id: int) -> list[CorrectiveAction]:
    """Every action an EIAS leads to (its own, its analyses', its sessions'), by due date."""
    return list(db.session.scalars(sa.select(CorrectiveAction).where(CorrectiveAction.event_id == event_id)
                                   .order_by(CorrectiveAction.due_on, CorrectiveAction.id)))


def open_actions_for(source_kind: SourceKind | str, source_id: int) -> list[CorrectiveAction]:
    """The actions of a source whose effect is not verified yet; for an EIAS, every action it leads to."""
    rows = (actions_of_event(source_id) if str(source_kind) == SourceKind.ADVERSE_EVENT
            else actions_for(source_kind, source_id))
    return [a for a in rows if a.status is not ActionStatus.VERIFIED]


def refuse_open_actions(source_kind: SourceKind | str, source_id: int, *, what: str) -> None:
    """The closure rule: ``what`` closes only when each of its actions' effect is verified (409 otherwise)."""
    pending = open_actions_for(source_kind, source_id)
    if pending:
        listed = ", ".join(f"n° {a.id} « {a.title[:60]} » ({a.status.label})" for a in pending[:5])
        raise ServiceError("actions_not_verified", f"{what} ne peut pas être clôturé : l'efficacité de "
                           f"{len(pending)} action(s) n'est pas vérifiée — {listed}.", field="to", status=409)


def year_figures(year: int, today: date) -> dict[str, int]:
    """The plan d'actions of one year, whatever the source: actions due that year (created that year when they
    have no due date), how many are carried out, verified, on time, late, and the rate carried out (%).
    One SQL aggregate (CorrectiveAction.is_late's rule, written as SQL), no row loaded."""
    a = CorrectiveAction
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    created_from, created_to = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    done = a.status.in_([ActionStatus.DONE, ActionStatus.VERIFIED])
    late = sa.and_(a.due_on.is_not(None), sa.or_(sa.and_(a.done_on.is_not(None), a.done_on > a.due_on),
                                                 sa.and_(a.done_on.is_(None), a.due_on < today)))
    total, n_done, verified, on_time, n_late = db.session.execute(sa.select(
        sa.func.count(), sa.func.count().filter(done), sa.func.count().filter(a.status == ActionStatus.VERIFIED),
        sa.func.count().filter(done, sa.not_(late)), sa.func.count().filter(late)).where(sa.or_(
            sa.and_(a.due_on >= start, a.due_on < end),
            sa.and_(a.due_on.is_(None), a.created_at >= created_from, a.created_at < created_to)))).one()
    return {"total": total, "done": n_done, "verified": verified, "on_time": on_time, "late": n_late,
            "done_rate": round(100 * n_done / total) if total else 0}
