"""Points de situation for the partners (ARS, hospitals, town halls, neighbouring CPTS) during a crisis.

Composed from what happened since the previous one (gradation and why, the journal's decisions, needs and who
covers them, alert figures, equipment handed out), edited by the référent, sent by e-mail with its PDF through the
outbox to the partner organisations chosen, followed per recipient, and written in the journal de bord.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from crisis_app.core import audit, tracked_sends
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.labels import label_of
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from crisis_app.core.timez import paris_datetime
from crisis_app.core.vocabulary import Gradation
from crisis_app.crises import alert_link, board, journal, needs, services
from crisis_app.crises.models import Crisis, EntryKind, LevelChange, SituationReport
from crisis_app.stock.units import quantity_text

TOPIC = "crises.situation"
MAX_TEXT = 20_000


def reports(crisis: Crisis) -> list[SituationReport]:
    return list(db.session.scalars(sa.select(SituationReport).where(SituationReport.crisis_id == crisis.id)
                                   .order_by(SituationReport.number)))


def report_of(crisis: Crisis, number: int) -> SituationReport | None:
    return db.session.scalar(sa.select(SituationReport).where(SituationReport.crisis_id == crisis.id,
                                                              SituationReport.number == number))


def since_of(crisis: Crisis) -> datetime:
    """Where the next point starts: the previous one's time, else the crisis's opening."""
    last = db.session.scalar(sa.select(sa.func.max(SituationReport.created_at))
                             .where(SituationReport.crisis_id == crisis.id))
    return last or crisis.opened_at


def proposed_after(crisis: Crisis) -> LevelChange | None:
    """The gradation change no point de situation has followed yet (the crisis page proposes one), or None."""
    if not crisis.active:
        return None
    since = since_of(crisis)
    changes = [c for c in services.level_changes(crisis) if c.at > since and c.from_gradation is not None]
    return changes[-1] if changes else None


def compose(crisis: Crisis, since: datetime | None = None) -> dict:
    """What happened since ``since`` (the previous point by default), as figures to keep and show."""
    since = since or since_of(crisis)
    changes = [{"at": c.at.isoformat(), "from": label_of(Gradation, c.from_gradation, "—"),
                "to": label_of(Gradation, c.to_gradation, "Clôture"), "reason": c.reason}
               for c in services.level_changes(crisis) if c.at >= since and c.from_gradation is not None]
    decisions = [{"at": e.at.isoformat(), "text": e.text} for e in journal.entries(crisis)
                 if e.kind is EntryKind.DECISION and e.at >= since]
    need_rows = [{"title": n.title, "status": n.status.label, "owner": n.owner or ""} for n in needs.needs_of(crisis)]
    alerts = [a for a in alert_link.figures(crisis.id)["alerts"] if a["sent_at"] >= since]
    lines, _ = board.handed_out(crisis)
    equipment = [{"item": e["item"], "text": quantity_text(e["quantity"], e["unit"])}
                 for e in board.equipment_lines([line for line in lines if line["at"] >= since])]
    return {"since": since.isoformat(), "gradation": crisis.gradation_label, "changes": changes,
            "decisions": decisions, "needs": need_rows,
            "alerts": [{"title": a["title"], "recipients": a["recipients"], "answered": a["answered"]}
                       for a in alerts],
            "mobilised": alert_link.figures(crisis.id)["mobilised"], "equipment": equipment}


def _lines(title: str, rows: list[str], empty: str) -> list[str]:
    return [title, *(f"- {r}" for r in rows)] if rows else [title, f"- {empty}"]


def draft_text(crisis: Crisis, figures: dict) -> str:
    """The composed point as plain French text the référent edits before sending."""
    since = paris_datetime(datetime.fromisoformat(figures["since"]))
    why = [f"{c['from']} → {c['to']} ({paris_datetime(datetime.fromisoformat(c['at']))}) : {c['reason']}"
           for c in figures["changes"]]
    parts = [f"Point de situation — {crisis.title}", f"Depuis le {since}.", "",
             f"Niveau actuel : {figures['gradation']}.", "",
             *_lines("Changements de niveau :", why, "aucun depuis le point précédent"), "",
             *_lines("Décisions :", [d["text"] for d in figures["decisions"]], "aucune nouvelle décision"), "",
             *_lines("Besoins et qui les couvre :",
                     [f"{n['title']} — {n['status'].lower()}" + (f" ({n['owner']})" if n["owner"] else "")
                      for n in figures["needs"]], "aucun besoin recensé"), "",
             *_lines("Alertes aux professionnels :",
                     [f"{a['title']} : {pluriel(a['recipients'], 'destinataire', 'destinataires')}, "
                      f"{pluriel(a['answered'], 'réponse', 'réponses')}" for a in figures["alerts"]],
                     "aucune nouvelle alerte"),
             f"Professionnels mobilisés depuis le début : {figures['mobilised']}.", "",
             *_lines("Matériel distribué :", [f"{e['item']} : {e['text']}" for e in figures["equipment"]],
                     "aucune distribution")]
    return "\n".join(parts)


def _clean_text(text: str | None) -> str:
    text = (text or "").strip().replace("\r\n", "\n")
    if not text:
        raise ServiceError("validation_error", "Le point de situation est vide.", field="text")
    if len(text) > MAX_TEXT or any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise ServiceError("validation_error", f"Texte : {MAX_TEXT} caractères au plus, sans caractère de "
                                               "contrôle.", field="text")
    return text


@atomic()
def create(*, actor: User, crisis: Crisis, text: str | None = None) -> SituationReport:
    """A new point (a draft to edit and send), composed from the run since the previous one."""
    services.ensure_open(crisis)
    since = since_of(crisis)
    figures = compose(crisis, since)
    text = _clean_text(text if text is not None else draft_text(crisis, figures))
    number = (db.session.scalar(sa.select(sa.func.max(SituationReport.number))
                                .where(SituationReport.crisis_id == crisis.id)) or 0) + 1
    report = SituationReport(crisis_id=crisis.id, number=number, since=since, gradation=crisis.gradation,
                             text=text, figures=figures, author_id=actor.id, created_at=utcnow(),
                             author_label=(actor.full_name or actor.email)[:254], organisation_ids=[])
    # two référents at once: the unique (crisis, number) decides, the second one gets a 409
    with atomic(conflict=ServiceError("conflict", "Un autre point de situation vient d'être créé : rechargez la "
                                                  "page.", status=409)):
        db.session.add(report)
        db.session.flush()
    audit.record(actor=actor, action="crisis.situation_create", object_type="crisis", object_id=crisis.id,
                 summary=f"Point de situation n° {number} de « {crisis.title} » rédigé"[:500])
    return report


def _refuse_if_sent(report: SituationReport) -> None:
    if report.sent:
        raise ServiceError("already_sent", f"Le point de situation n° {report.number} a été envoyé le "
                                           f"{paris_datetime(report.sent_at)} : il ne change plus.", status=409)


@atomic()
def update_text(*, actor: User, report: SituationReport, text: str) -> SituationReport:
    _refuse_if_sent(report)
    report.text, report.updated_at = _clean_text(text), utcnow()
    audit.record(actor=actor, action="crisis.situation_edit", object_type="crisis", object_id=report.crisis_id,
                 summary=f"Point de situation n° {report.number} modifié")
    return report


def partner_choices() -> list[dict]:
    """The active partner organisations with at least one contact e-mail: ``{"id", "name", "kind", "emails"}``."""
    from crisis_app.directory.organisations import services as organisations

    rows = []
    for org in organisations.list_organisations():
        emails = [c.email for c in org.contacts if c.email]
        if org.active and emails:
            rows.append({"id": org.id, "name": org.name, "kind": org.kind.label, "emails": emails})
    return rows


def recipients(organisation_ids: list[int]) -> tuple[list, list[str]]:
    """The outbox recipients (each contact tied to its organisation) and the organisations' names; unknown or
    unreachable organisations are refused (422) and nothing is sent."""
    from crisis_app.core.notifications.outbox import Recipient
    from crisis_app.directory.organisations.models import Organisation

    wanted = list(dict.fromkeys(organisation_ids))
    if not wanted:
        raise ServiceError("validation_error", "Choisissez au moins une organisation destinataire.",
                           field="organisation_ids")
    known = {c["id"] for c in partner_choices()}
    if unknown := [i for i in wanted if i not in known]:
        raise ServiceError("validation_error", f"Organisation inconnue, inactive ou sans adresse e-mail "
                                               f"({len(unknown)}) : rien n'est envoyé.", field="organisation_ids")
    people, names = [], []
    for org in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(wanted))
                                  .order_by(Organisation.name)):
        names.append(org.name)
        people += [Recipient(name=f"{c.name} ({org.name})", email=c.email, ref_type="organisation_contact",
                             ref_id=c.id) for c in org.contacts if c.email]
    return people, names


def document(report: SituationReport) -> bytes:
    from crisis_app.crises.pdf import render_pdf

    return render_pdf("crises/pdf_situation.html", report=report, crisis=report.crisis,
                      cpts=current_app.config.get("CPTS_NAME", "CPTS"), generated_at=utcnow())


@atomic()
def send(*, actor: User, report: SituationReport, organisation_ids: list[int]) -> SituationReport:
    """Send the point to the partner organisations chosen (PDF attached), and write it in the journal."""
    from crisis_app.core.notifications import outbox
    from crisis_app.crises import documents as crisis_documents

    _refuse_if_sent(report)
    people, names = recipients(organisation_ids)
    crisis, cpts = report.crisis, current_app.config.get("CPTS_NAME", "CPTS")
    message = outbox.send_message(
        topic=TOPIC, subject=f"{cpts} — point de situation n° {report.number} : {crisis.title}",
        email_text=f"Bonjour,\n\n{report.text}\n\nLe point complet est joint en PDF.\n\nLa cellule de crise — {cpts}",
        recipients=people, channels=("email",), about=("crisis", crisis.id), author=actor,
        read_permission="crisis.read",
        label=f"Point de situation n° {report.number} — {crisis.title}",
        attachments=[outbox.Attachment.of_document(  # made by the worker: the message leaves once it is
            crisis_documents.request_situation(report, actor=actor),
            filename=f"point-situation-{crisis.id}-{report.number}.pdf", media_type="application/pdf")])
    report.sent_at, report.message_id = utcnow(), message.id
    report.organisation_ids = list(dict.fromkeys(organisation_ids))
    journal.append(crisis=crisis, actor=actor, kind=EntryKind.COMMUNICATION,
                   text=f"Point de situation n° {report.number} envoyé à : {', '.join(names)}")
    audit.record(actor=actor, action="crisis.situation_send", object_type="crisis", object_id=crisis.id,
                 summary=f"Point de situation n° {report.number} de « {crisis.title} » envoyé à "
                         f"{pluriel(len(names), 'organisation', 'organisations')}"[:500],
                 changes={"message": [None, message.id], "organisations": [None, report.organisation_ids]})
    return report


def deliveries(report: SituationReport) -> list:
    return tracked_sends.deliveries_of(report.message_id)


@atomic()
def resend(*, actor: User, report: SituationReport, delivery_id: int) -> list:
    delivery, added = tracked_sends.resend(report.message_id, delivery_id,
                                           what=f"ce point de situation (n° {report.number})")
    audit.record(actor=actor, action="crisis.situation_resend", object_type="crisis", object_id=report.crisis_id,
                 summary=f"Point de situation n° {report.number} renvoyé à {delivery.recipient.name}"[:500],
                 changes={"delivery": [delivery.id, added[0].id if added else None]})
    return added


def may_read(user: User, report: SituationReport) -> bool:
    """The cellule and the référents read every point; an observer only those sent to their organisation."""
    if not user.may("crisis.situation.read"):
        return False
    if user.role == Role.ARS_OBSERVER:
        return report.sent and user.organisation_id is not None and user.organisation_id in report.organisation_ids
    return True


def readable(user: User, crisis: Crisis) -> list[SituationReport]:
    return [r for r in reports(crisis) if may_read(user, r)]
