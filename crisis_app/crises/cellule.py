"""The cellule de crise: its members (the plan's, adjustable) are alerted with the place, the visio link and the
first briefing, and answer « J'arrive », « En visio » or « Je ne peux pas »; the roll call (every call of the crisis)
shows who comes, who declined and who is silent, and a suppléant or the next backup is called in one tap."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from crisis_app.core import audit, gsm
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.vocabulary import CELL_DECLINED, QuestionKind
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
    if len(ids) == 1:  # one person called (a suppléant): an audience of its own, the cellule's stays whole
        name += f" — appel n° {len(activations(crisis)) + 1}"
    existing = db.session.scalar(sa.select(Audience).where(Audience.name == name))
    return audiences.save_audience(actor=actor, audience=existing, data={
        "name": name, "kind": "list", "professional_ids": ids, "for_exercises": crisis.is_exercise,
        "description": f"Membres appelés pour « {crisis.title} »"})


def _texts(crisis: Crisis) -> dict[str, str]:
    """The activation message: where, by which visio link and when the cellule meets (the plan's pilotage), and the
    three answers. The SMS fits GSM-7 (core.gsm): one "—" or "ê" would triple its cost."""
    cpts = current_app.config.get("CPTS_NAME", "CPTS")
    meeting = plan_link.cellule_meeting()
    label = "EXERCICE - " if crisis.is_exercise else ""
    where = [f"Lieu : {meeting['place'][:120]}." if meeting["place"] else "",
             f"Visio : {meeting['visio'][:150]}" if meeting["visio"] else "",
             f"Premier point : {meeting['first_briefing'][:80]}." if meeting["first_briefing"] else ""]
    sms = (f"{label}{cpts} : cellule de crise activée ({crisis.title[:80]}, {crisis.gradation_label.lower()}). "
           + " ".join(w for w in where if w)
           + " Répondez : J'arrive, En visio ou Je ne peux pas.")
    lines = [f"- Lieu : {meeting['place']}" if meeting["place"] else "",
             f"- Visioconférence : {meeting['visio']}" if meeting["visio"] else "",
             f"- Premier point de situation : {meeting['first_briefing']}" if meeting["first_briefing"] else ""]
    details = "\n".join(line for line in lines if line)
    email_label = "EXERCICE — " if crisis.is_exercise else ""
    return {"title": f"{email_label}Activation de la cellule de crise — {crisis.title}",
            "sms_text": gsm.replace(" ".join(sms.split()))[:480],
            "email_text": f"Bonjour,\n\n{email_label}La cellule de crise de {cpts} est activée pour « {crisis.title} » "
                          f"({crisis.typology_label}, {crisis.gradation_label.lower()}).\n\n"
                          + (f"{details}\n\n" if details else "")
                          + "Répondez « J'arrive », « En visio » ou « Je ne peux pas » (avec un mot si besoin) : "
                            "le référent appelle un suppléant pour chaque absence.\n\nLe référent crise sanitaire"}


@atomic()
def activate(*, actor: User, crisis: Crisis, professional_ids: list[int],
             replacing: tuple[int, str, str] | None = None) -> CellActivation:
    """Alert the chosen members (the cellule's question), then record who was called and by which alert;
    ``replacing`` (member id, name, role) when a suppléant is called in place of a member.

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
    if replacing is not None:
        roles.update({pid: f"{replacing[2]} (à la place de {replacing[1]})"[:120] for pid in ids})
    audience = _audience(actor, crisis, ids)
    alert = alert_link.send(actor=actor, audience_id=audience.id, crisis_id=crisis.id, is_exercise=crisis.is_exercise,
                            question=QuestionKind.CELL.value, **_texts(crisis))
    activation = CellActivation(crisis_id=crisis.id, at=utcnow(), alert_id=alert.id, actor_id=actor.id,
                                members=[CellMember(professional_id=p.id, name=p.display_name,
                                                    role=roles.get(p.id, "Renfort")) for p in people])
    db.session.add(activation)
    db.session.flush()
    names = ", ".join(sorted(p.display_name for p in people))
    text = (f"Suppléant appelé pour la cellule : {names}, à la place de {replacing[1]} ({replacing[2]})"
            if replacing else
            f"Cellule de crise activée : {pluriel(len(people), 'membre appelé', 'membres appelés')} ({names})")
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.ACTION, text=text)
    audit.record(actor=actor, action="crisis.cell_activate", object_type="crisis", object_id=crisis.id,
                 summary=f"Cellule de crise activée pour « {crisis.title} » : "
                         f"{pluriel(len(people), 'membre', 'membres')}",
                 changes={"members": [None, ids], "alert": [None, alert.id]})
    return activation


def activations(crisis: Crisis) -> list[CellActivation]:
    return list(db.session.scalars(sa.select(CellActivation).where(CellActivation.crisis_id == crisis.id)
                                   .order_by(CellActivation.at, CellActivation.id)))


def roll_call(activation: CellActivation | Crisis) -> list[dict]:
    """Each member called (every call of the crisis: a suppléant called later joins the list), with their answer:
    coming, by visio, declined (with their word) or silent; a phone to call and, for who declined or stays
    silent, the suppléant to alert."""
    crisis_activations = activations(activation) if isinstance(activation, Crisis) else [activation]
    planned = plan_link.cellule_members()
    backups = {m["professional_id"]: m.get("backup_id") for m in planned}
    rows: dict[int | str, dict] = {}
    for act in crisis_activations:
        answers = {r.professional_id: r for r in alert_link.recipients(act.alert_id)} if act.alert_id else {}
        caller = db.session.scalar(sa.select(Professional.id).where(Professional.user_id == act.actor_id)) \
            if act.actor_id else None
        for member in act.members:
            r = answers.get(member.professional_id)
            code = r.answer_code if r and r.answered_at else None
            state = ("caller" if r is None and member.professional_id == caller
                     else "unreachable" if r is None
                     else "declined" if code == CELL_DECLINED
                     else "joined" if code is not None
                     else "silent")
            rows[member.professional_id or f"m{member.id}"] = {
                "professional_id": member.professional_id, "name": member.name, "role": member.role,
                "alerted": r is not None, "caller": state == "caller", "state": state,
                "answer": act_answer_label(r), "joined_at": r.answered_at if r and state == "joined" else None,
                "answered_at": r.answered_at if r else None, "comment": r.answer_comment if r else None,
                "phone": r.mobile_phone if r else None, "called_at": act.at,
                "backup_id": backups.get(member.professional_id)}
    people = {p.id: p for p in db.session.scalars(sa.select(Professional).where(
        Professional.id.in_([r["professional_id"] for r in rows.values() if r["professional_id"]])))}
    for row in rows.values():
        person = people.get(row["professional_id"])
        row["phone"] = row["phone"] or (person.mobile_phone if person else None)
        row["backup_name"], row["own_backup"] = None, False
        if isinstance(activation, Crisis) and row["state"] in ("declined", "silent", "unreachable"):
            backup = next_backup(activation, row["professional_id"])
            if backup is not None:
                row["backup_name"] = backup.display_name
                row["own_backup"] = backup.id == row["backup_id"]
    return list(rows.values())


def act_answer_label(recipient) -> str | None:
    if recipient is None or not recipient.answer_code:
        return None
    return recipient.alert.option_label(recipient.answer_code)


def absent(crisis: Crisis) -> list[dict]:
    """Members who declined or have not answered yet (the référent's home lists them)."""
    return [r for r in roll_call(crisis) if r["state"] in ("declined", "silent")]


def next_backup(crisis: Crisis, professional_id: int) -> Professional | None:
    """Whom to call in place of a member: their suppléant in the plan, else the next planned member or suppléant
    not called yet during this crisis."""
    called = {m.professional_id for act in activations(crisis) for m in act.members}
    planned = plan_link.cellule_members()
    order = [m.get("backup_id") for m in planned if m["professional_id"] == professional_id]
    order += [pid for m in planned for pid in (m["professional_id"], m.get("backup_id"))]
    for pid in order:
        if pid and pid not in called:
            person = db.session.get(Professional, pid)
            if person is not None and person.active:
                return person
    return None


@atomic()
def call_backup(*, actor: User, crisis: Crisis, professional_id: int) -> CellActivation:
    """Alert the suppléant (or the next backup) of a member who declined or stays silent: one more call of the
    cellule, for that one person, with the same message."""
    ensure_open(crisis)
    row = next((r for r in roll_call(crisis) if r["professional_id"] == professional_id), None)
    if row is None:
        raise ServiceError("validation_error", "Ce membre n'a pas été appelé pour cette crise.",
                           field="professional_id")
    if row["state"] not in ("declined", "silent", "unreachable"):
        raise ServiceError("member_present", f"{row['name']} a répondu présent : pas de suppléant à appeler.",
                           status=409)
    backup = next_backup(crisis, professional_id)
    if backup is None:
        raise ServiceError("no_backup", "Aucun suppléant ni membre de réserve à appeler : tous ont été appelés.",
                           status=409)
    activation = activate(actor=actor, crisis=crisis, professional_ids=[backup.id],
                          replacing=(professional_id, row["name"], row["role"]))
    return activation
