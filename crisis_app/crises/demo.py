"""Demo crises: a past canicule, closed with its journal, needs and validated RETEX; an exercise under way."""

from __future__ import annotations

import random

import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.demo.seed import DEMO_ACCOUNTS, demo_seeder
from crisis_app.core.roles import Role
from crisis_app.crises import journal, needs, retex, services
from crisis_app.crises.models import Crisis

JOURNAL = [
    ("information", "L'ARS annonce une vigilance canicule rouge sur le département pour 72 h."),
    ("decision", "Appel systématique des patients de plus de 75 ans en ALD par les IDE libéraux."),
    ("action", "Liste des patients fragiles partagée avec les SSIAD du territoire."),
    ("communication", "Message aux officines : rappel des conseils canicule aux comptoirs."),
]


@demo_seeder(order=80)
def seed(rng: random.Random) -> list[str]:
    """Create the demo crises through the services, so the journal, the audit trail and the figures agree."""
    if db.session.scalar(sa.select(Crisis.id).limit(1)) is not None:
        return ["Crises : déjà présentes, rien d'ajouté"]
    referent = auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.CRISIS_REFERENT])
    cell = auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.CRISIS_CELL])
    heat = services.open_crisis(actor=referent, title="Canicule de juillet", typology=4, gradation=1,
                                authority="prefecture", authority_reference="Arrêté préfectoral 2026-07-112")
    for kind, text in JOURNAL:
        journal.write(actor=rng.choice([referent, cell]), crisis=heat, kind=kind, text=text)
    services.change_level(actor=referent, crisis=heat, gradation=2, reason="Afflux aux urgences, l'ARS demande "
                          "l'ouverture d'un point de consultation dédié")
    visits = needs.add_need(actor=cell, crisis=heat, title="Visites à domicile des patients en ALD isolés",
                            owner="Cabinet infirmier du Lac")
    needs.update_need(actor=cell, need=visits, status="met", owner="Cabinet infirmier du Lac")
    needs.add_need(actor=cell, crisis=heat, title="Brumisateurs pour l'EHPAD Les Tilleuls", owner="Pharmacie Blagnac")
    services.change_level(actor=referent, crisis=heat, gradation=1, reason="Fin de la vigilance rouge")
    services.close_crisis(actor=referent, crisis=heat, reason="Levée de la vigilance canicule par la préfecture")
    retex.save(actor=referent, crisis=heat, worked="Les listes de patients fragiles étaient à jour ; les IDE ont "
               "répondu en moins d'une heure.", not_worked="Le point de consultation a manqué de brumisateurs.",
               actions=[{"title": "Constituer une réserve de brumisateurs", "owner": "Référent crise",
                         "due_on": None}])
    retex.follow_action(actor=referent, action=retex.evaluation_of(heat).actions[0], status="en_cours")
    retex.validate(actor=referent, crisis=heat)
    drill = services.open_crisis(actor=referent, title="Exercice NRC — accident industriel", typology=2, gradation=1,
                                 authority="ars", is_exercise=True)
    journal.write(actor=referent, crisis=drill, kind="decision", text="Début de l'exercice : activation de la "
                  "cellule prévue à 10 h.")
    from crisis_app.crises import situation

    situation.create(actor=referent, crisis=drill)  # a first point de situation, still to send
    return ["Crises : une canicule close avec son retour d'expérience validé, un exercice NRC en cours avec un "
            "premier point de situation à envoyer"]
