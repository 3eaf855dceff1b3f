"""The texts quality sends: the acknowledgement and the feedback to a named declarer, the EIGS part-2 reminders."""

from __future__ import annotations

from datetime import date

from flask import current_app

from crisis_app.core.models import User
from quality.notify import Outgoing, Person
from quality.register.models import AdverseEvent

# A declared severity from which the referents are told by SMS too (EIGS possible).
GRAVE = 4
STEP_WORDS = {"j-30": "dans 30 jours", "j-7": "dans 7 jours", "echeance": "aujourd'hui"}


def _public_url(path: str) -> str:
    return f"{current_app.config.get('PUBLIC_URL', '')}{path}"


def acknowledgement(event: AdverseEvent, declarer: User) -> Outgoing:
    """Thank a named declarer; the message repeats no detail of the event (an e-mail may be read by others)."""
    text = (f"Bonjour {declarer.full_name},\n\n"
            f"Merci pour votre déclaration {event.reference}. Elle est enregistrée et sera examinée par les "
            "référents qualité de la CPTS, dans une démarche non punitive.\n"
            f"Vous suivrez son avancement sur Vigie : {_public_url(f'/qualite/mes-declarations/{event.id}')}\n\n"
            "Vigie — qualité et sécurité des soins")
    return Outgoing(topic="quality.ack", subject=f"Déclaration {event.reference} reçue", email_text=text,
                    recipients=[Person(name=declarer.full_name, email=declarer.email, ref_id=declarer.id)],
                    about=("adverse_event", event.id), label="Déclarant (accusé de réception)")


def feedback(event: AdverseEvent, declarer: User, text: str) -> Outgoing:
    """The referents' feedback to a named declarer (the anonymous one reads it on the follow-up page)."""
    body = (f"Bonjour {declarer.full_name},\n\nVotre déclaration {event.reference} a été analysée. "
            f"Voici le retour des référents qualité :\n\n{text}\n\n"
            f"Suivi : {_public_url(f'/qualite/mes-declarations/{event.id}')}"
            "\n\nMerci pour votre contribution à la sécurité des soins.\n\nVigie — qualité et sécurité des soins")
    return Outgoing(topic="quality.feedback", subject=f"Retour sur votre déclaration {event.reference}",
                    email_text=body, about=("adverse_event", event.id), label="Déclarant (retour)",
                    recipients=[Person(name=declarer.full_name, email=declarer.email, ref_id=declarer.id)])


def step_phrase(step: str, due_on: date) -> str:
    if step.startswith("retard-"):
        weeks = int(step.split("-", 1)[1])
        return f"en retard de {weeks} semaine{'s' if weeks > 1 else ''} (échéance du {due_on:%d/%m/%Y})"
    return f"à transmettre {STEP_WORDS[step]} (échéance du {due_on:%d/%m/%Y})"


def eigs_reminder(event: AdverseEvent, step: str, referents: list[User]) -> Outgoing:
    """Remind the quality referents that an EIGS part 2 is due, and when."""
    phrase = step_phrase(step, event.eigs_part2_due_on)
    reference = f" (référence ARS {event.ars_reference})" if event.ars_reference else ""
    text = ("Bonjour,\n\n"
            f"La partie 2 de la déclaration d'EIGS {event.reference}{reference} est {phrase}.\n"
            f"Partie 1 transmise le {event.eigs_part1_sent_on:%d/%m/%Y}. La partie 2 décrit la prise en charge, "
            "l'analyse approfondie et le plan d'actions correctives.\n"
            f"Document pré-rempli : {_public_url(f'/qualite/evenements/{event.id}/eigs')}\n\n"
            "Vigie — qualité et sécurité des soins")
    return Outgoing(topic="quality.eigs_reminder", subject=f"EIGS {event.reference} : partie 2 {phrase}",
                    email_text=text, about=("adverse_event", event.id), label="Référents qualité",
                    recipients=[Person(name=u.full_name, email=u.email, ref_id=u.id) for u in referents])


def new_event(event: AdverseEvent, referents: list[Person]) -> Outgoing:
    """Tell the quality referents an event waits for triage; a grave one (gravité 4 or 5) by SMS too, with the
    ARS deadline. The message names the event, never its declarer."""
    grave = (event.declarer_severity or 0) >= GRAVE
    url = _public_url(f"/qualite/evenements/{event.id}")
    text = (f"Bonjour,\n\nUne déclaration est à trier : {event.reference} — {event.category_label}, gravité "
            f"{event.declarer_severity} selon le déclarant.\n"
            + ("Gravité 4 ou 5 : si c'est un EIGS, la partie 1 se transmet à l'ARS sans délai, la partie 2 dans "
               "les 3 mois.\n" if grave else "")
            + f"Ouvrir : {url}\n\nVigie — qualité et sécurité des soins")
    sms = (f"Vigie : {event.reference} déclaré, gravité {event.declarer_severity}. EIGS possible : partie 1 à "
           f"l'ARS sans délai. {url}") if grave else ""
    return Outgoing(topic="quality.new_event", subject=f"{event.reference} à trier"
                    + (f" — gravité {event.declarer_severity}" if grave else ""),
                    email_text=text, sms_text=sms, recipients=referents, about=("adverse_event", event.id),
                    label="Référents qualité")
