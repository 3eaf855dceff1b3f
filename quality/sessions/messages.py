"""What sessions send through the outbox: invitations (.ics), updates, cancellations, the anonymised agenda.

Recipients come from the directory (only consented addresses) or from user accounts; nothing here names a
declarer or repeats a free text the patient-data screen would refuse.
"""

from __future__ import annotations

from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.outbox import Attachment, Recipient
from crisis_app.core.timez import paris_datetime
from crisis_app.directory.contacts import recipient_for
from quality import screening
from quality.register.models import AdverseEvent
from quality.sessions import calendar
from quality.sessions.models import QualitySession, SessionParticipant, SessionSeries
from quality.sessions.vocab import SessionStatus

SIGNATURE = "\n\nVigie — qualité et sécurité des soins"
REDACTED = "[passage retiré : il pourrait identifier un patient]"


def recipient(participant: SessionParticipant) -> Recipient:
    """The participant's e-mail: a directory person's only if they consented, an account's always."""
    if participant.professional is not None:
        return recipient_for(participant.professional, ("email",))
    user = participant.user
    return Recipient(name=participant.name, email=user.email if user and user.active else None,
                     ref_type="user", ref_id=participant.user_id)


def recipients(session: QualitySession) -> list[Recipient]:
    return [recipient(p) for p in session.participants]


def _when(session: QualitySession) -> str:
    video = f"visioconférence : {session.video_url}" if session.video_url else ""
    where = " — ".join(p for p in (session.place, video) if p)
    return (f"Le {paris_datetime(session.starts_at, '%d/%m/%Y à %H:%M')} (heure de Paris), "
            f"{session.duration_minutes} minutes.\nLieu : {where or 'à préciser'}")


def send_calendar(session: QualitySession, *, kind: str, author=None) -> outbox.Message:
    """The invitation (kind "invite"), its update ("update") or its cancellation ("cancel"), with its .ics."""
    people = recipients(session)
    attendees = [(r.name, r.email) for r in people if r.email]
    organizer = (session.lead.full_name, session.lead.email) if session.lead else None
    ics = calendar.invitation(session, attendees=attendees, organizer=organizer, cancel=kind == "cancel")
    subject, opening = {
        "invite": (f"Invitation : {session.title}", f"Vous êtes invité(e) à la séance « {session.title} »."),
        "update": (f"Modifiée : {session.title}", f"La séance « {session.title} » a changé ; voici sa version à jour."),
        "cancel": (f"Annulée : {session.title}", f"La séance « {session.title} » est annulée."),
    }[kind]
    text = (f"Bonjour,\n\n{opening}\n{_when(session)}\n\nLe fichier joint l'ajoute à votre agenda (ou l'en retire). "
            "La séance suit la charte de la CPTS : démarche non punitive, échanges confidentiels." + SIGNATURE)
    return outbox.send_message(
        topic=f"quality.session.{kind}", subject=subject, email_text=text, recipients=people, channels=("email",),
        first_channel_only=True, about=("quality_session", session.id), read_permission="quality.manage", author=author,
        label=f"Participants — {session.title}",
        attachments=[Attachment(filename=calendar.filename(session), media_type=calendar.MEDIA_TYPE, content=ics)])


def send_series(series: SessionSeries, occurrences: list[QualitySession], *, rule_text: str,
                author=None) -> outbox.Message:
    """One invitation for the whole series, its .ics holding the RRULE (the next occurrence's participants)."""
    upcoming = [o for o in occurrences if o.status is not SessionStatus.CANCELLED] or occurrences
    people = recipients(upcoming[0]) if upcoming else []
    attendees = [(r.name, r.email) for r in people if r.email]
    organizer = (series.lead.full_name, series.lead.email) if series.lead else None
    ics = calendar.series_invitation(series, occurrences, attendees=attendees, organizer=organizer)
    where = " — ".join(p for p in (series.place, series.video_url) if p) or "à préciser"
    text = (f"Bonjour,\n\nVous êtes invité(e) aux séances « {series.title} », "
            f"{rule_text} (heure de Paris), {series.duration_minutes} minutes.\nLieu : {where}\n"
            f"Première séance le {paris_datetime(series.first_at, '%d/%m/%Y')}.\n\nLe fichier joint ajoute toute la "
            "série à votre agenda ; un changement d'une séance vous sera envoyé à part." + SIGNATURE)
    return outbox.send_message(
        topic="quality.series.invite", subject=f"Invitation (séances récurrentes) : {series.title}",
        email_text=text, recipients=people, channels=("email",), first_channel_only=True,
        about=("quality_session_series", series.id), read_permission="quality.manage", author=author,
        label=f"Participants — {series.title}",
        attachments=[Attachment(filename=calendar.series_filename(series), media_type=calendar.MEDIA_TYPE,
                                content=ics)])


def screened(text: str | None) -> str:
    """``text`` with every passage the patient-data screen flags replaced by a notice."""
    if not text:
        return ""
    findings = screening.screen_text("text", text)
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        text = text[:finding.start] + REDACTED + text[finding.end:]
    return text


def agenda_lines(session: QualitySession, events: dict[int, AdverseEvent]) -> list[dict]:
    """One anonymised line per agenda event: reference, category, place, severity, the screened description."""
    lines = []
    for item in session.items:
        event = events[item.event_id]
        lines.append({"reference": event.reference, "category": event.category_label, "place": event.place_label,
                      "severity": event.severity, "criticality": event.criticality, "nature": event.nature_label,
                      "description": screened(event.description), "decision": item.decision_label})
    return lines


def agenda_text(session: QualitySession, lines: list[dict]) -> str:
    body = "\n".join(f"{n}. {line['reference']} — {line['category']} ({line['place']}), gravité {line['severity']}, "
                     f"criticité {line['criticality']}\n   {line['description']}" for n, line in enumerate(lines, 1))
    return (f"Bonjour,\n\nOrdre du jour anonymisé de la séance « {session.title} ».\n{_when(session)}\n\n"
            f"{body or 'Suivi des actions en cours.'}\n\nLes événements sont présentés sans le nom de leur déclarant "
            "ni aucune donnée identifiant un patient. Merci de ne pas les diffuser." + SIGNATURE)


def send_agenda(session: QualitySession, lines: list[dict]) -> outbox.Message:
    return outbox.send_message(
        topic="quality.session.agenda", subject=f"Ordre du jour : {session.title}",
        email_text=agenda_text(session, lines), recipients=recipients(session), channels=("email",),
        first_channel_only=True, about=("quality_session", session.id), read_permission="quality.manage",
        label=f"Participants — {session.title}")


def send_minutes(session: QualitySession, pdf: bytes, *, author=None) -> outbox.Message:
    text = (f"Bonjour,\n\nVous trouverez ci-joint le compte rendu de la séance « {session.title} » du "
            f"{paris_datetime(session.starts_at, '%d/%m/%Y')}. Il ne contient aucune donnée identifiant un patient "
            "ni un déclarant." + SIGNATURE)
    return outbox.send_message(
        topic="quality.session.minutes", subject=f"Compte rendu : {session.title}", email_text=text,
        recipients=recipients(session), channels=("email",), first_channel_only=True, read_permission="quality.manage",
        about=("quality_session", session.id), author=author, label=f"Participants — {session.title}",
        attachments=[Attachment(filename=f"compte-rendu-{session.kind.value}-{session.id}.pdf",
                                media_type="application/pdf", content=pdf)])
