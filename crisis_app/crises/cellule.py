"""The cellule de crise: its members (the plan's, adjustable) are alerted with an acknowledgement question;
who joined and when comes from their answers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.crises import alert_link, journal, plan_link
from crisis_app.crises.models import CellActivation, CellMember, Crisis, EntryKind
from crisis_app.crises.services import ensure_open
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import Audience
from crisis_app.directory.professionals.models import Professional


def candidates(crisis: Crisis) -> list[dict]:
    """The plan's cellule (backups included) to tick or untick before the call."""
    planned = plan_link.cellule_members()
    ids = {m["professional_id"] for m in planned} | {m["backup_id"] for m in planned if m.get("backup_id")}
    people = {p.id: p for p in db.session.scalars(sa.select(Professional).where(Professional.id.in_(ids)))}
    rows = []
    for member in planned:
        for pid, backup in ((member["professional_id"], False), (member.get("backup_id"), True)):
            person = people.get(pid)
            if person is not None and pid not in {r["professional_id"] for r in rows}:
                rows.append({"professional_id": pid, "name": person.display_name,
                             "role": member["role"] + (" (suppléance)" if backup else ""),
                             "checked": not backup,
                             "reachable": any(person.reachable_on(c) for c in alert_link.person_channels())})
    return rows


def latest(crisis: Crisis) -> CellActivation | None:
    return db.session.scalar(sa.select(CellActivation).where(CellActivation.crisis_id == crisis.id)
                             .order_by(CellActivation.at.desc(), CellActivation.id.desc()).limit(1))


def _audience(actor: User, crisis: Crisis, ids: list[int]) -> Audience:
    name = f"Cellule de crise — crise n° {crisis.id}"
    existing = db.session.scalar(sa.select(Audience).where(Audience.name == name))
    return audiences.save_audience(actor=actor, audience=existing, data={
        "name": name, "kind": "list", "professional_ids": ids, "for_exercises": crisis.is_exercise,
        "description": f"Membres appelés pour « {crisis.title} »"})


def _texts(crisis: Crisis) -> dict[str, str]:
    cpts = current_app.config.get("CPTS_NAME", "CPTS")
    label = "EXERCICE — " if crisis.is_exercise else ""
    return {"title": f"{label}Activation de la cellule de crise — {crisis.title}",
            "sms_text": f"{label}{cpts} : la cellule de crise est activée ({crisis.title}, "
                        f"{crisis.gradation_label.lower()}). Confirmez votre participation.",
            "email_text": f"Bonjour,\n\n{label}La cellule de crise de {cpts} est activée pour « {crisis.title} » "
                          f"({crisis.typology_label}, {crisis.gradation_label.lower()}).\n\nMerci de confirmer "
                          f"votre participation.\n\nLe référent crise sanitaire"}


@atomic()
def activate(*, actor: User, crisis: Crisis, professional_ids: list[int]) -> CellActivation:
    """Alert the chosen members (acknowledgement asked), then record who was called and by which alert.

    One unit of work: the members' audience, the alert with its outbox deliveries, the activation, its journal
    lines and audit rows are written together or not at all; the alert leaves only once the whole unit commits.
    """
    ensure_open(crisis)
    ids = sorted({int(i) for i in professional_ids})
    people = list(db.session.scalars(sa.select(Professional).where(Professional.id.in_(ids))))
    if not ids or len(people) != len(ids):
        raise ServiceError("validation_error", "Choisissez les membres de la cellule parmi l'annuaire.",
                           field="professional_ids")
    if not any(p.reachable_on(c) for p in people for c in alert_link.person_channels()):
        raise ServiceError("nobody_reachable", "Aucun des membres choisis n'est joignable (coordonnées ou "
                           "consentement manquants).", field="professional_ids")
    roles = {m["professional_id"]: m["role"] for m in plan_link.cellule_members()}
    audience = _audience(actor, crisis, ids)
    alert = alert_link.send(actor=actor, audience_id=audience.id, crisis_id=crisis.id, is_exercise=crisis.is_exercise,
                            question="ack", **_texts(crisis))
    activation = CellActivation(crisis_id=crisis.id, at=utcnow(), alert_id=alert.id, actor_id=actor.id,
                                members=[CellMember(professional_id=p.id, name=p.display_name,
                                                    role=roles.get(p.id, "Renfort")) for p in people])
    db.session.add(activation)
    db.session.flush()
    names = ", ".join(sorted(p.display_name for p in people))
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.ACTION,
                   text=f"Cellule de crise activée : {len(people)} membre(s) appelé(s) ({names})")
    audit.record(actor=actor, action="crisis.cell_activate", object_type="crisis", object_id=crisis.id,
                 summary=f"Cellule de crise activée pour « {crisis.title} » : {len(people)} membre(s)",
                 changes={"members": [None, ids], "alert": [None, alert.id]})
    return activation


def roll_call(activation: CellActivation) -> list[dict]:
    """Each member called, with whether and when they joined (their acknowledgement)."""
    answers = {r.professional_id: r for r in alert_link.recipients(activation.alert_id)} if activation.alert_id else {}
    caller = db.session.scalar(sa.select(Professional.id).where(Professional.user_id == activation.actor_id)) \
        if activation.actor_id else None
    rows = []
    for member in activation.members:
        r = answers.get(member.professional_id)
        rows.append({"name": member.name, "role": member.role, "alerted": r is not None,
                     "caller": r is None and member.professional_id == caller,  # a sender is not alerted
                     "joined_at": r.answered_at if r else None, "comment": r.answer_comment if r else None})
    return rows
