"""Demo plan: last year's version published, this year's draft started from it with a few changes.

Everything goes through the services, so the demo carries the audit rows real data would.
"""

from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.demo.seed import DEMO_ACCOUNTS, demo_seeder
from crisis_app.core.roles import Role
from crisis_app.core.vocabulary import QuestionKind, Typology, plan_defaults
from crisis_app.directory.organisations import services as organisations
from crisis_app.directory.organisations.models import OrganisationKind
from crisis_app.directory.professionals import query as directory_query
from crisis_app.directory.professionals import services as directory_services
from crisis_app.directory.professionals.models import Professional
from crisis_app.plan import activities, figures, services
from crisis_app.plan.models import PlanVersion

# typology -> (needs, mobilisation, circuits, continuity, protocols, equipment) at gradation 1, then gradation 2
MEASURES = {
    1: [("Officines et cabinets fermés, délais de rendez-vous", "Médecins et infirmiers volontaires pour des plages "
         "supplémentaires", "Réorientation par la régulation du SAS", "Renouvellements d'ordonnances d'ALD par les "
         "pharmaciens", "Convention avec le SAS 31", "—"),
        ("Zone sans médecin plus de 48 h", "Équipe mobile médecin + infirmier", "Consultations avancées à la MSP de "
         "Colomiers", "Liste des patients ALD fragiles tenue par les IDE", "Protocole CHU / CPTS de délestage",
         "Talkies-walkies, oxymètres")],
    2: [("Patients contaminés se présentant en ville", "Médecins, pharmaciens", "Orientation vers le CHU, pas "
         "d'accueil en cabinet", "Report des soins programmés non urgents", "Schéma ORSEC NRBC départemental",
         "Masques FFP2, gants, surblouses"),
        ("Afflux de personnes exposées", "Infirmiers pour la décontamination sommaire", "Point de regroupement "
         "défini par la préfecture", "Suivi téléphonique des patients ALD isolés", "Plan blanc élargi",
         "Masques FFP2, lunettes de protection")],
    3: [("Hausse des consultations pour syndrome infectieux", "Médecins, infirmiers, pharmaciens", "Créneaux "
         "dédiés en fin de journée", "Vaccination des patients ALD en officine", "Protocole de tests en officine",
         "Tests antigéniques, masques chirurgicaux"),
        ("Saturation de la ville", "Professionnels volontaires pour le centre de consultation dédié",
         "Centre de consultation dédié à la salle des fêtes de Balma", "Téléconsultation pour les patients ALD",
         "Convention avec la mairie et le CHU", "Masques FFP2, surblouses, oxymètres")],
    4: [("Personnes âgées isolées en canicule", "Infirmiers, pharmaciens, kinésithérapeutes", "Visites à domicile "
         "renforcées", "Appel des patients ALD du registre canicule", "Lien avec les CCAS", "Solution "
         "hydro-alcoolique, thermomètres"),
        ("Surmortalité observée", "Médecins et infirmiers pour une permanence", "Salle rafraîchie à l'EHPAD Les "
         "Tilleuls", "Passage quotidien chez les patients ALD dépendants", "Convention EHPAD / SSIAD",
         "Thermomètres sans contact")],
    5: [("Blessés légers et détresse psychique", "Médecins, psychologues, infirmiers", "Accueil en MSP",
         "Maintien des soins de suivi", "Lien avec la CUMP 31", "Trousses de premiers secours"),
        ("Afflux massif de blessés", "Tous professionnels formés aux gestes d'urgence", "Poste de soins avancé à la "
         "demande du SAMU", "Report des soins non urgents", "Plan ORSEC NOVI", "Talkies-walkies, gants, surblouses")],
}
PROFESSIONS = {1: ["10", "60"], 2: ["10", "21"], 3: ["10", "60", "21"], 4: ["60", "21", "70"], 5: ["10", "60"]}
TEXT_KEYS = ("needs", "mobilisation", "circuits", "continuity_ald", "protocols", "equipment")
# what the population's information page says, per typology at gradation 1, then gradation 2
POPULATION = {
    1: ("Appelez votre pharmacie avant de vous déplacer. Pour un avis médical sans rendez-vous, appelez le 116 117.",
        "Les consultations avancées ont lieu à la MSP de Colomiers. En cas d'urgence vitale, appelez le 15."),
    2: ("Ne vous rendez pas chez votre médecin si vous avez été exposé : appelez le 15 et suivez les consignes des "
        "autorités.", "Rejoignez le point de regroupement indiqué par la préfecture. Ne quittez pas la zone sans "
        "avis des secours."),
    3: ("Portez un masque en cas de symptômes et appelez votre médecin avant de venir. Créneaux dédiés en fin de "
        "journée.", "Le centre de consultation dédié est ouvert salle des fêtes de Balma. En cas de gêne "
        "respiratoire, appelez le 15."),
    4: ("Buvez régulièrement, restez au frais, prenez des nouvelles de vos proches âgés ou isolés.",
        "Une salle rafraîchie est ouverte à l'EHPAD Les Tilleuls. Signalez les personnes isolées au CCAS."),
    5: ("Pour les blessures légères, rendez-vous en MSP. Une écoute psychologique est proposée.",
        "Laissez les secours travailler : n'allez pas sur les lieux. En cas d'urgence, appelez le 15 ou le 112."),
}


def _preset(typology: int, gradation: int) -> dict:
    """The default preset of the step when there is one, else a plain one asking for availability or a receipt."""
    for preset in plan_defaults():
        if (preset.typology, preset.gradation) == (typology, gradation):
            return preset.stored()
    ask = "availability" if gradation == 2 else "ack"
    request = "Etes-vous disponible ?" if ask == "availability" else "Confirmez la réception."
    return {"key": f"t{typology}-g{gradation}", "question": ask,
            "name": f"{Typology(typology).label} : {QuestionKind(ask).label.lower()} (gradation {gradation})",
            "title": f"Crise : consignes (gradation {gradation})",
            "sms": "{cpts} : {titre}. " + request,
            "email": "Bonjour,\n\n{titre} : la CPTS passe en gradation {gradation}. " + request +
                     "\n\nLa cellule de crise — {cpts}"}


def _measures() -> list[dict]:
    return [{"typology": t, "gradation": g, "directory_filter": {"profession_code": PROFESSIONS[t]},
             "presets": [_preset(t, g)], "population": POPULATION[t][g - 1],
             **dict(zip(TEXT_KEYS, MEASURES[t][g - 1], strict=True))}
            for t in MEASURES for g in (1, 2)]


def _people(rng: random.Random) -> dict[str, Professional]:
    referent_user = auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.CRISIS_REFERENT])
    cell_user = auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.CRISIS_CELL])
    doctors = db.session.scalars(directory_query.filter_statement({"profession_code": ["10"]})
                                 .order_by(Professional.id).limit(6)).all()
    nurses = db.session.scalars(directory_query.filter_statement({"profession_code": ["60", "21"]})
                                .order_by(Professional.id).limit(8)).all()
    people = {"referent": directory_services.professional_for_user(referent_user) if referent_user else None,
              "cell": directory_services.professional_for_user(cell_user) if cell_user else None}
    others = [p for p in [*doctors, *nurses] if p not in people.values()]
    rng.shuffle(others)
    for key in ("referent", "cell"):
        people[key] = people[key] or others.pop()
    for key in ("suppleant", "suppleant2", "medical", "medical_backup", "logistics", "communication", "secretary"):
        people[key] = others.pop()
    return people


def _sections(people: dict[str, Professional], organisation_ids: list[int]) -> dict:
    members = [("Pilote de la cellule", "referent", "suppleant"), ("Coordination médicale", "medical",
               "medical_backup"), ("Coordination paramédicale", "cell", None), ("Logistique et matériel",
               "logistics", None), ("Communication", "communication", None), ("Secrétariat — journal de bord",
               "secretary", "cell")]
    return {
        "anticipation": {"referent_id": people["referent"].id, "suppleant_id": people["suppleant"].id,
                         "directory_notes": "L'annuaire est importé chaque trimestre de l'Annuaire Santé ; chaque "
                                            "professionnel confirme ses coordonnées une fois par an.",
                         "stock_notes": "Stock principal au local de la CPTS, relais à la MSP de Colomiers et à la "
                                        "pharmacie de Blagnac ; inventaire chaque semestre."},
        "adaptation": {"measures": _measures()},
        "pilotage": {"members": [{"role": role, "professional_id": people[who].id,
                                  "backup_id": people[backup].id if backup else None} for role, who, backup in members],
                     "cellule_place": "Local de la CPTS, 12 rue des Lilas, Toulouse ; repli à la MSP de Colomiers.",
                     "cellule_visio": "https://visio.example.org/cpts-cellule",
                     "cellule_first_briefing": "1 h après l'activation",
                     "cellule_mode": "Convocation par SMS par le référent ; visioconférence possible ; point "
                                     "quotidien à 8 h 30 pendant la crise.",
                     "communication_professionals": "Alertes SMS et e-mail depuis Vigie ; point hebdomadaire.",
                     "communication_population": "Affiches en officine, page de la CPTS, relais des mairies.",
                     "communication_partners": "Point quotidien avec l'ARS et le CHU pendant la gradation 2.",
                     "journal_rules": "Chaque décision est notée dans le journal de bord de Vigie, horodatée, avec "
                                      "son auteur ; rien n'y identifie un patient."},
        "retex": {"method": "RETEX à chaud dans la semaine qui suit la fin de crise, RETEX à froid à un mois ; "
                            "grille de l'ARS ; plan d'actions suivi en bureau.",
                  "recipient_ids": organisation_ids},
    }


def _activities(rng: random.Random, year: int, people: dict[str, Professional], referent) -> int:
    ids = [p.id for p in people.values()]
    rows = [(year - 1, "exercise", "Exercice de mobilisation par SMS (gradation 1)", date(year - 1, 3, 14), True),
            (year - 1, "sensibilisation", "Soirée « Canicule et patients fragiles »", date(year - 1, 5, 22), True),
            (year, "sensibilisation", "Formation aux gestes d'urgence", date(year, 2, 6), True),
            (year, "exercise", "Exercice afflux de blessés avec le CHU", date(year, 11, 20), False)]
    for activity_year, kind, title, day, done in rows:
        activities.create_activity(actor=referent, year=activity_year, data={
            "kind": kind, "title": title, "planned_on": day.isoformat(),
            "done_on": day.isoformat() if done and day <= utcnow().date() else None,
            "participant_ids": rng.sample(ids, k=min(len(ids), rng.randint(4, 7))) if done else []})
    return len(rows)


@demo_seeder(order=70)
def seed(rng: random.Random) -> list[str]:
    """Last year's plan published, this year's draft started from it (a new suppléant, a new recipient)."""
    if db.session.scalar(sa.select(PlanVersion.id).limit(1)) is not None:
        return ["Plan d'action : déjà présent, rien d'ajouté"]
    if len(figures.professional_choices()) < 12:
        return ["Plan d'action : annuaire trop petit, aucun plan semé"]
    referent = auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.CRISIS_REFERENT])
    year = utcnow().year
    people = _people(rng)
    orgs = figures.organisation_names(include_inactive=False)
    first = [o_id for o_id, name in orgs.items() if "voisine" not in name.lower()]
    count = _activities(rng, year, people, referent)
    last = services.create_draft(actor=referent, year=year - 1)
    services.update_sections(actor=referent, plan=last, data=_sections(people, _partners(first)))
    services.validate_plan(actor=referent, plan=last)
    services.publish_plan(actor=referent, plan=last)
    draft = services.start_next_year(actor=referent)
    changed = _sections(people, _partners(list(orgs)))
    changed["anticipation"]["suppleant_id"] = people["suppleant2"].id
    changed["pilotage"]["communication_population"] += " Messages de prévention sur les réseaux de la mairie."
    services.update_sections(actor=referent, plan=draft, data={k: changed[k] for k in ("anticipation", "pilotage",
                                                                                       "retex")})
    return [f"Plan d'action : version {year - 1} publiée, brouillon {year} en cours, {count} actions"]


def _partners(ids: list[int]) -> list[int]:
    """The organisations that receive the RETEX: ARS, CPAM, MSA and neighbouring CPTS."""
    wanted = {OrganisationKind.ARS, OrganisationKind.CPAM, OrganisationKind.MSA, OrganisationKind.CPTS}
    return [o.id for o in organisations.list_organisations() if o.id in ids and o.kind in wanted]
