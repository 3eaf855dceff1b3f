"""Retour d'expérience: figures Vigie holds, what people write, validation by the référent, sending to the ARS.

The figures are computed again on every read while the evaluation is a draft, and frozen at validation: the
document the ARS receives says what Vigie knew when the référent signed it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from crisis_app.actionplan import services as action_plan
from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.actionplan.services import Owner, Source
from crisis_app.actionplan.vocab import ActionStatus, ActionType, SourceKind
from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.labels import label_of
from crisis_app.core.models import User
from crisis_app.core.timez import paris_datetime
from crisis_app.core.vocabulary import Gradation
from crisis_app.crises import alert_link, board, cellule, journal, needs, plan_link, services
from crisis_app.crises.models import (
    Crisis,
    EntryKind,
    Evaluation,
    EvaluationStatus,
)
from crisis_app.stock.units import quantity_text

MAX_TEXT = 20_000
TOPIC = "crises.retex"
MAX_ACTIONS = 50


def compute_figures(crisis: Crisis) -> dict[str, Any]:
    """Duration, gradation timeline, alerts and their rates, mobilisation, equipment, needs, journal by kind."""
    end = crisis.closed_at or utcnow()
    alerts = alert_link.figures(crisis.id)
    lines, equipment = board.handed_out(crisis)
    need_counts = needs.counts(crisis)
    by_kind = journal.counts_by_kind(crisis)
    timeline = [{"at": c.at, "from": label_of(Gradation, c.from_gradation, "—"),
                 "to": label_of(Gradation, c.to_gradation, "Clôture"), "reason": c.reason, "by": c.author_label}
                for c in services.level_changes(crisis)]
    decisions = [{"at": e.at, "text": e.text, "by": e.author_label} for e in journal.entries(crisis)
                 if e.kind is EntryKind.DECISION]
    roster = [{"name": r["name"], "role": r["role"], "state": r["state"], "answer": r["answer"],
               "answered_at": r["answered_at"], "comment": r["comment"]} for r in cellule.roll_call(crisis)]
    return _plain({
        "opened_at": crisis.opened_at, "closed_at": crisis.closed_at,
        "duration_hours": round((end - crisis.opened_at).total_seconds() / 3600, 1),
        "duration_seconds": round((end - crisis.opened_at).total_seconds()),
        "decisions": decisions, "cellule": roster, "by_profession": alert_link.figures_by_profession(crisis.id),
        "equipment_lines": [{**line, "text": quantity_text(line["quantity"], line["unit"])}
                            for line in board.equipment_lines(lines)],
        "timeline": timeline, "alerts": alerts["alerts"], "alerts_sent": len(alerts["alerts"]),
        "channels": alerts["channels"], "mobilised": alerts["mobilised"],
        "equipment": equipment, "needs_total": need_counts["total"], "needs_met": need_counts["met"],
        "journal": {EntryKind(k).label: n for k, n in sorted(by_kind.items())},
    })


def _plain(value: Any) -> Any:
    """JSON-ready (times as ISO 8601 UTC), to be stored in the evaluation and frozen at validation."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, datetime | date) else value


def evaluation_of(crisis: Crisis) -> Evaluation:
    """The crisis's evaluation; an unsaved draft with fresh figures when none was written yet."""
    evaluation = db.session.scalar(sa.select(Evaluation).where(Evaluation.crisis_id == crisis.id))
    if evaluation is None:
        evaluation = Evaluation(crisis=crisis, crisis_id=crisis.id, worked="", not_worked="",
                                status=EvaluationStatus.DRAFT)
    if evaluation.status is EvaluationStatus.DRAFT:
        evaluation.figures = compute_figures(crisis)
    return evaluation


# The statuses a RETEX action had before the action plan, still accepted from older clients.
FORMER_STATUSES = {"todo": ActionStatus.PLANNED, "in_progress": ActionStatus.IN_PROGRESS, "done": ActionStatus.DONE}


def _status(value: Any) -> ActionStatus | None:
    if value in FORMER_STATUSES:
        return FORMER_STATUSES[value]
    try:
        return ActionStatus(value)
    except ValueError:
        return None


def _due(value: Any, problems: list[str]) -> date | None:
    if value is None or isinstance(value, date) or not value:
        return value or None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append("échéance invalide (AAAA-MM-JJ)")
        return None


def _owner(action: dict, problems: list[str]) -> Owner | None:
    """A person of the directory or an account by id, or a name: the one person it designates, else a note."""
    owner = (action.get("owner") or "").strip()
    pro_id, user_id = action.get("owner_professional_id"), action.get("owner_user_id")
    if pro_id is None and user_id is None:
        if not owner or len(owner) > 200:
            problems.append("le responsable est obligatoire")
            return None
        return action_plan.owner_from_name(owner)
    try:
        return action_plan.check_owner(Owner(professional_id=pro_id, user_id=user_id if pro_id is None else None))
    except ServiceError:
        problems.append("responsable introuvable dans l'annuaire ou les comptes")
        return None


def _clean_actions(actions: list[dict], existing: dict[int, CorrectiveAction], errors: dict) -> list[dict]:
    """Each action checked (title, owner, due date; a status only as it stands: the follow-up moves it)."""
    if len(actions) > MAX_ACTIONS:
        errors["actions"] = [f"{MAX_ACTIONS} actions au plus."]
        return []
    rows = []
    for i, action in enumerate(actions):
        problems: list[str] = []
        title = (action.get("title") or "").strip()
        if not title or len(title) > 300:
            problems.append("l'action est obligatoire (300 caractères au plus)")
        owner = _owner(action, problems)
        due = _due(action.get("due_on"), problems)
        current = existing.get(action["id"]) if action.get("id") is not None else None
        if action.get("id") is not None and current is None:
            problems.append("action inconnue de ce retour d'expérience")
        status = _status(action["status"]) if action.get("status") else None
        if action.get("status") and status is None:
            problems.append("statut inconnu")
        elif status is not None and status is not (current.status if current else ActionStatus.PLANNED):
            problems.append("le statut se suit une fois l'action enregistrée (suivi des actions)")
        if problems:
            errors[f"actions.{i}"] = [f"Action {i + 1} : " + ", ".join(problems) + "."]
        else:
            rows.append({"action": current, "title": title, "owner": owner, "due_on": due})
    return rows


def _write_actions(actor: User, crisis: Crisis, rows: list[dict], existing: dict[int, CorrectiveAction]) -> None:
    """The RETEX's actions in the action plan: those kept are rewritten, new ones recorded, the others removed."""
    kept = {row["action"].id for row in rows if row["action"] is not None}
    for action in existing.values():
        if action.id not in kept:
            action_plan.remove(actor=actor, action=action)
    source = Source(SourceKind.RETEX, crisis.id, f"RETEX — {crisis.title}"[:300])
    for row in rows:
        if row["action"] is not None:
            action_plan.update(actor=actor, action=row["action"], title=row["title"], owner=row["owner"],
                               due_on=row["due_on"])
        else:
            action_plan.create(actor=actor, title=row["title"], source=source, owner=row["owner"],
                               due_on=row["due_on"], action_type=ActionType.IMPROVEMENT, due_required=False)


@atomic()
def save(*, actor: User, crisis: Crisis, worked: str, not_worked: str, actions: list[dict]) -> Evaluation:
    """Write the draft: what worked, what did not, the actions decided (owner, due date) — kept in the action plan,
    where they are reminded, followed with their evidence and verified."""
    errors: dict[str, list[str]] = {}
    worked, not_worked = (worked or "").strip(), (not_worked or "").strip()
    for name, text in (("worked", worked), ("not_worked", not_worked)):
        if len(text) > MAX_TEXT:
            errors[name] = [f"{MAX_TEXT} caractères au plus."]
    evaluation = evaluation_of(crisis)
    existing = {a.id: a for a in evaluation.actions}
    rows = _clean_actions(actions or [], existing, errors)
    if errors:
        raise ServiceError("validation_error", "Retour d'expérience invalide : corrigez les champs signalés.",
                           fields=errors)
    if evaluation.status is not EvaluationStatus.DRAFT:
        raise ServiceError("not_draft", "Ce retour d'expérience est validé : il ne se modifie plus (seul le suivi "
                           "des actions reste ouvert).", status=409)
    evaluation.worked, evaluation.not_worked = worked, not_worked
    evaluation.updated_at = utcnow()
    db.session.add(evaluation)
    db.session.flush()
    _write_actions(actor, crisis, rows, existing)
    audit.record(actor=actor, action="crisis.evaluation_save", object_type="crisis", object_id=crisis.id,
                 summary=f"Retour d'expérience de « {crisis.title} » enregistré "
                         f"({pluriel(len(rows), 'action', 'actions')})")
    return evaluation


def action_of(crisis: Crisis, action_id: int) -> CorrectiveAction | None:
    """One action of the crisis's RETEX, or None."""
    action = db.session.get(CorrectiveAction, action_id)
    if action is None or action.source_type != SourceKind.RETEX or action.source_id != crisis.id:
        return None
    return action


@atomic()
def follow_action(*, actor: User, action: CorrectiveAction, status: str,
                  evidence_note: str | None = None) -> CorrectiveAction:
    """Follow a decided action (also after validation and sending): en cours, réalisée with its evidence, then its
    effect verified or not — the action plan's moves."""
    if not status:
        raise ServiceError("validation_error", "Choisissez le nouveau statut de l'action.", field="status")
    target = _status(status)
    if target is None:
        raise ServiceError("validation_error", "Statut inconnu.", field="status")
    note = (evidence_note or "").strip()[:action_plan.TEXT_MAX] or None
    return action_plan.transition(actor=actor, action=action, to=target, evidence_note=note)


@atomic()
def validate(*, actor: User, crisis: Crisis) -> Evaluation:
    """The référent validates: the figures are frozen; the crisis must be closed."""
    if crisis.active:
        raise ServiceError("crisis_open", "Le retour d'expérience se valide une fois la crise close.", status=409)
    evaluation = evaluation_of(crisis)
    if evaluation.id is None:
        raise ServiceError("no_draft", "Rédigez et enregistrez le retour d'expérience avant de le valider.",
                           status=409)
    if evaluation.status is not EvaluationStatus.DRAFT:
        raise ServiceError("already_validated", "Ce retour d'expérience est déjà validé.", status=409)
    evaluation.status, evaluation.validated_at, evaluation.validated_by_id = (EvaluationStatus.VALIDATED, utcnow(),
                                                                              actor.id)
    audit.record(actor=actor, action="crisis.evaluation_validate", object_type="crisis", object_id=crisis.id,
                 summary=f"Retour d'expérience de « {crisis.title} » validé")
    return evaluation


def recipient_choices(crisis: Crisis) -> list[dict]:
    """Every partner contact with an e-mail the RETEX may go to, those of the plan in force first and ticked (the
    latest published version; without one, the organisations the directory marks for evaluations), then the other
    active partners, unticked, to add the crisis's own partners (a hospital, a neighbouring CPTS)."""
    from crisis_app.directory.organisations import services as organisations
    from crisis_app.directory.organisations.models import Organisation, OrganisationContact

    planned = plan_link.retex_organisation_ids()
    if planned is None:
        planned = sorted({c.organisation_id for c in organisations.evaluation_recipients()})
    contacts = db.session.scalars(
        sa.select(OrganisationContact).join(Organisation)
        .where(Organisation.active.is_(True), OrganisationContact.email.isnot(None), OrganisationContact.email != "")
        .order_by(Organisation.name, OrganisationContact.name)).all()
    rows = [{"contact_id": c.id, "name": c.name, "organisation": c.organisation.name, "email": c.email,
             "planned": c.organisation_id in set(planned)} for c in contacts]
    return sorted(rows, key=lambda r: not r["planned"])  # stable: by organisation within each group


def recipients(crisis: Crisis, contact_ids: list[int] | None = None, extra_emails: list[str] | None = None) -> list:
    """The outbox recipients: the contacts chosen (by default, the plan in force's) and any extra address.
    Unknown contacts or invalid addresses are refused (422) and nothing is sent."""
    from crisis_app.core.notifications.outbox import Recipient
    from crisis_app.directory.validation import normalize_email

    choices = recipient_choices(crisis)
    by_id = {r["contact_id"]: r for r in choices}
    errors: dict[str, list[str]] = {}
    if contact_ids is None:
        chosen = [r for r in choices if r["planned"]]
    else:
        if unknown := [i for i in contact_ids if i not in by_id]:
            errors["contact_ids"] = [f"Destinataire inconnu ou sans adresse e-mail ({len(unknown)})."]
        chosen = [by_id[i] for i in dict.fromkeys(contact_ids) if i in by_id]
    people = [Recipient(name=f"{r['name']} ({r['organisation']})", email=r["email"],
                        ref_type="organisation_contact", ref_id=r["contact_id"]) for r in chosen]
    seen = {r["email"].lower() for r in chosen}
    extras = [e.strip() for e in (extra_emails or []) if e.strip()]
    if len(extras) > 20:
        errors["extra_emails"] = ["20 adresses supplémentaires au plus."]
    bad = []
    for raw in extras[:20]:
        try:
            email = normalize_email(raw)
        except ValueError:
            bad.append(raw[:80])
            continue
        if email not in seen:
            seen.add(email)
            people.append(Recipient(name=email, email=email))
    if bad:
        errors["extra_emails"] = [f"Adresse e-mail invalide : {', '.join(bad)}."]
    if errors:
        raise ServiceError("validation_error", "Destinataires invalides : rien n'est envoyé.", fields=errors)
    return people


def document(evaluation: Evaluation) -> bytes:
    """The evaluation as a PDF."""
    from crisis_app.crises.chain import head_line, head_of
    from crisis_app.crises.pdf import render_pdf

    return render_pdf("crises/pdf_retex.html", evaluation=evaluation, crisis=evaluation.crisis,
                      cpts=current_app.config.get("CPTS_NAME", "CPTS"), generated_at=utcnow(),
                      journal_head=head_line(evaluation.crisis), journal_hash=head_of(evaluation.crisis_id)[1])


@atomic()
def send(*, actor: User, crisis: Crisis, contact_ids: list[int] | None = None,
         extra_emails: list[str] | None = None) -> Evaluation:
    """Send the validated evaluation by e-mail, PDF attached, through the outbox, to the recipients chosen on the
    confirmation step (by default, the contacts of the organisations the plan in force names)."""
    evaluation = evaluation_of(crisis)
    if evaluation.status is EvaluationStatus.SENT:
        raise ServiceError("already_sent", f"Ce retour d'expérience a déjà été envoyé le "
                           f"{paris_datetime(evaluation.sent_at)}.", status=409)
    if evaluation.status is not EvaluationStatus.VALIDATED:
        raise ServiceError("not_validated", "Le retour d'expérience doit être validé avant l'envoi.", status=409)
    from crisis_app.core.notifications import outbox
    from crisis_app.crises import documents as crisis_documents
    from crisis_app.crises.chain import head_line, head_of

    people = recipients(crisis, contact_ids, extra_emails)
    if not people:
        raise ServiceError("no_recipients", "Aucun destinataire : cochez au moins un organisme (ARS, CPAM, MSA, "
                           "CPTS voisines) ou ajoutez une adresse e-mail.", status=409)
    cpts = current_app.config.get("CPTS_NAME", "CPTS")
    label = "Exercice" if crisis.is_exercise else "Crise"
    message = outbox.send_message(
        topic=TOPIC, subject=f"{cpts} — retour d'expérience : {crisis.title}",
        email_text=(f"Bonjour,\n\nVeuillez trouver ci-joint le retour d'expérience de la CPTS {cpts} sur "
                    f"« {crisis.title} » ({label.lower()} du {paris_datetime(crisis.opened_at)} au "
                    f"{paris_datetime(crisis.closed_at)}), validé par le référent crise sanitaire.\n\n"
                    f"Cordialement,\n{cpts}\n\n"
                    f"{head_line(crisis)} (empreinte du journal de bord à la date de cet envoi : gardez ce "
                    f"message, il permet de vérifier plus tard que le journal n'a pas été modifié).\n"
                    f"Empreinte complète : {head_of(crisis.id)[1] or '-'}"),
        recipients=people, channels=("email",), about=("crisis", crisis.id), author=actor,
        label=f"RETEX {crisis.title}",
        attachments=[outbox.Attachment.of_document(  # made by the worker: the message leaves once it is
            crisis_documents.request_retex(crisis, actor=actor), filename=f"retex-crise-{crisis.id}.pdf",
            media_type="application/pdf")])
    evaluation.status, evaluation.sent_at, evaluation.message_id = EvaluationStatus.SENT, utcnow(), message.id
    audit.record(actor=actor, action="crisis.evaluation_send", object_type="crisis", object_id=crisis.id,
                 summary=f"Retour d'expérience de « {crisis.title} » envoyé à "
                         f"{pluriel(message.recipient_count, 'destinataire', 'destinataires')}",
                 changes={"message": [None, message.id], "recipients": [None, [p.email for p in people]]})
    return evaluation


@atomic()
def resend(*, actor: User, crisis: Crisis, delivery_id: int):
    """Send the evaluation again to one recipient (a bounce, a lost e-mail): one more delivery of the same message,
    PDF included; its state shows beside the first one."""
    from crisis_app.core import tracked_sends

    evaluation = evaluation_of(crisis)
    delivery, added = tracked_sends.resend(evaluation.message_id, delivery_id, what="ce retour d'expérience")
    audit.record(actor=actor, action="crisis.evaluation_resend", object_type="crisis", object_id=crisis.id,
                 summary=f"Retour d'expérience de « {crisis.title} » renvoyé à {delivery.recipient.name}"[:500],
                 changes={"delivery": [delivery.id, added[0].id if added else None]})
    return added


def deliveries(evaluation: Evaluation) -> list:
    """Each delivery of the sent evaluation, with its state (read from the outbox)."""
    from crisis_app.core import tracked_sends

    return tracked_sends.deliveries_of(evaluation.message_id)


def pending_evaluations(limit: int = 10) -> list[tuple[Crisis, Evaluation]]:
    """Closed crises whose RETEX is not sent yet (not written, draft or validated), most recently closed first."""
    rows = db.session.execute(
        sa.select(Crisis, Evaluation).outerjoin(Evaluation, Evaluation.crisis_id == Crisis.id)
        .where(Crisis.closed_at.isnot(None),
               sa.or_(Evaluation.id.is_(None), Evaluation.status != EvaluationStatus.SENT))
        .order_by(Crisis.closed_at.desc()).limit(limit)).all()
    return [(crisis, evaluation or Evaluation(crisis_id=crisis.id, status=EvaluationStatus.DRAFT))
            for crisis, evaluation in rows]


def sent_evaluations(limit: int = 5) -> list[tuple[Crisis, Evaluation]]:
    """The evaluations sent, most recent first."""
    rows = db.session.execute(
        sa.select(Crisis, Evaluation).join(Evaluation, Evaluation.crisis_id == Crisis.id)
        .where(Evaluation.status == EvaluationStatus.SENT).order_by(Evaluation.sent_at.desc()).limit(limit)).all()
    return [(crisis, evaluation) for crisis, evaluation in rows]
