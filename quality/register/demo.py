"""Demo register: a handful of fictional events (no patient data) at different stages, one EIGS with its dates."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.demo.seed import DEMO_ACCOUNTS, demo_seeder
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from quality.register import declaring, services
from quality.register.models import AdverseEvent

# days ago, place, category, nature, reached, severity, likelihood, description, measures, anonymous
EVENTS = [
    (2, "officine", "medicament", "porteur_de_risque", "non", 3, 4,
     "Ordonnance de sortie d'hospitalisation avec deux anticoagulants prescrits ensemble ; relevé à la "
     "dispensation.", "Appel au service prescripteur, un seul anticoagulant délivré.", True),
    (5, "domicile", "chute", "eias", "oui", 2, 4,
     "Chute d'une patiente âgée la nuit, lit médicalisé livré sans barrières malgré la demande.",
     "Examen par l'infirmière, pas de fracture ; prestataire relancé pour les barrières.", False),
    (9, "transition", "parcours", "eias", "oui", 3, 3,
     "Sortie d'hospitalisation un vendredi sans transmission au médecin traitant ni à l'infirmier ; pansement "
     "non réalisé pendant trois jours.", "Pansement refait, compte rendu demandé au service.", True),
    (16, "cabinet", "examens", "dysfonctionnement", "non", 2, 3,
     "Résultat biologique anormal reçu sur une messagerie non consultée pendant les congés du médecin.",
     "Patient rappelé par le remplaçant, résultat pris en charge.", False),
    (40, "ehpad", "medicament", "suspicion_eigs", "oui", 5, 2,
     "Administration d'une dose dix fois supérieure à la prescription (erreur d'unité), transfert aux urgences.",
     "Appel du centre 15, transfert, information de la famille par le médecin coordonnateur.", False),
]


@demo_seeder(order=70)
def seed(rng: random.Random) -> list[str]:
    """Declare the demo events through the services, then triage some and record one EIGS's part 1."""
    if db.session.scalar(sa.select(AdverseEvent.id).limit(1)) is not None:
        return ["Qualité : registre déjà présent, rien d'ajouté"]
    declarer = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[Role.PROFESSIONAL]))
    referent = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[Role.QUALITY_REFERENT]))
    today = utcnow().date()
    events = []
    for days, place, category, nature, reached, severity, likelihood, text, measures, anonymous in EVENTS:
        data = {"occurred_on": today - timedelta(days=days), "place": place, "category": category,
                "nature": nature, "reached_patient": reached, "severity": severity, "likelihood": likelihood,
                "description": text, "immediate_measures": measures, "professions": ["infirmier"]}
        events.append(declaring.declare(actor=None if anonymous else declarer, anonymous=anonymous or declarer is None,
                                       data=data).event)
    if referent is not None:
        _triage(referent, events, today)
    coordinator = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[Role.COORDINATOR]))
    if coordinator is not None:
        services.renew_public_link(actor=coordinator)  # the public declaration page works out of the box
    return [f"Qualité : {len(events)} événements indésirables fictifs, dont un EIGS"]


def _triage(referent: User, events: list[AdverseEvent], today) -> None:
    services.triage(actor=referent, event=events[3], severity=2, likelihood=3, decision="traitement_simple",
                    feedback="Merci : une consigne de renvoi de messagerie pendant les congés est diffusée.")
    services.triage(actor=referent, event=events[2], severity=3, likelihood=4, decision="crex",
                    feedback="Événement retenu pour le prochain CREX (analyse ORION).")
    eigs = services.triage(actor=referent, event=events[4], severity=5, likelihood=2, decision="eigs")
    services.record_eigs(actor=referent, event=eigs, part1_sent_on=today - timedelta(days=38),
                         ars_reference="ARS-OCC-2026-0415")
