"""Demo directory: about 200 fictional professionals, partner organisations and audiences.

Everything goes through the services, so the demo carries the audit rows real data would.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.demo import fake
from crisis_app.core.demo.seed import DEMO_ACCOUNTS, DEMO_OBSERVERS, demo_seeder
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.organisations import services as organisations
from crisis_app.directory.professionals import services
from crisis_app.directory.professionals.models import Professional, StructureType
from crisis_app.directory.validation import PROFESSIONS

PEOPLE = 200
CONSENT_METHOD = "formulaire d'adhésion"
TAGS = ["vaccination", "soins palliatifs", "urgence psychiatrique", "pédiatrie", "gériatrie", "plaies et cicatrisation",
        "diabète", "santé mentale", "prise en charge de la douleur", "gestes d'urgence"]
STRUCTURES = {  # profession code -> (structure type, name pattern)
    "21": (StructureType.OFFICINE, "Pharmacie de {commune}"),
    "10": (StructureType.MSP, "MSP de {commune}"),
    "60": (StructureType.CABINET, "Cabinet infirmier de {commune}"),
}
# The demo accounts that are also professionals of the territory: (role, civility, first, last, code, crisis role)
LINKED = [
    (Role.CRISIS_REFERENT, "Dr", "Julien", "Mercier", "10", "referent"),
    (Role.CRISIS_CELL, "Mme", "Nadia", "Roussel", "60", "cellule"),
    (Role.PROFESSIONAL, "M.", "Paul", "Garnier", "60", "none"),
]
ORGANISATIONS = [
    ("ARS Occitanie", "ars", [("Agathe Lambert", "Chargée de mission soins de proximité", "ars.occitanie")]),
    ("CPAM de la Haute-Garonne", "cpam", [("Marc Lefèvre", "Conseiller CPTS", "cpam31")]),
    ("MSA Midi-Pyrénées Nord", "msa", [("Sandrine Faure", "Chargée de prévention", "msa-mpn")]),
    ("CHU de Toulouse", "hopital", [("Dr Karim Benali", "Cellule de gestion de crise", "chu-toulouse"),
                                    ("Lucie Perrin", "Cadre de santé, urgences", "chu-toulouse")]),
    ("CPTS voisine du Sud toulousain", "cpts", [("Yann Robin", "Référent crise sanitaire", "cpts-sud31")]),
]


@demo_seeder(order=10)
def seed(rng: random.Random) -> list[str]:
    """Fill the directory of the fictional CPTS; does nothing when the directory already holds entries."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Professional)):
        return ["Annuaire : déjà rempli, rien à semer."]
    coordinator = auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.COORDINATOR])
    people = _people(rng, coordinator)
    _organisations(coordinator)
    _audiences(rng, coordinator, people)
    opted_out = sum(1 for p in people for c in p.consents if not c.granted)
    return [f"Annuaire : {len(people)} professionnels (dont {opted_out} retraits de consentement), "
            f"{len(ORGANISATIONS)} organisations partenaires, 4 audiences"]


def _people(rng: random.Random, actor) -> list[Professional]:
    taken: set[str] = set()
    people = [_linked(rng, actor, spec, taken) for spec in LINKED]
    crisis_roles = ["suppleant"] + ["cellule"] * 3  # with the linked ones: a référent, a suppléant, 4 cellule members
    for index in range(PEOPLE - len(people)):
        role = crisis_roles[index] if index < len(crisis_roles) else "none"
        people.append(_create(rng, actor, _identity(rng, index, taken), role=role))
    return people


def _identity(rng: random.Random, index: int, taken: set[str]) -> fake.FakePerson:
    person = fake.person(rng, index)
    while person.rpps in taken:  # an RPPS is unique: draw again on a collision
        person = fake.person(rng, index)
    taken.add(person.rpps)
    mobile = person.mobile
    while mobile in taken:  # two entries never share a mobile: the next number of the fiction range (no new draw,
        mobile = f"{fake.FICTION_MOBILE_PREFIX}{(int(mobile[-4:]) + 1) % 10000:04d}"  # so the rest stays the same)
    taken.add(mobile)
    return dataclasses.replace(person, mobile=mobile)


def _data(rng: random.Random, person: fake.FakePerson, **overrides) -> dict:
    kind, pattern = STRUCTURES.get(person.profession_code, (StructureType.CABINET, "Cabinet de {commune}"))
    data = {"rpps": person.rpps, "civility": "Dr" if person.profession_code in ("10", "40") else "",
            "last_name": person.last_name, "first_name": person.first_name,
            "profession_code": person.profession_code, "profession": person.profession,
            "practice_mode": rng.choice(["Libéral"] * 4 + ["Salarié", "Mixte"]),
            "structure_type": kind.value, "structure_name": pattern.format(commune=person.commune),
            "commune_code": person.commune_code, "commune_name": person.commune, "postal_code": person.postal_code,
            "mobile_phone": person.mobile if rng.random() < 0.92 else "", "email": person.email,
            "tags": rng.sample(TAGS, rng.choice([0, 1, 1, 2, 3])),
            "membership": "member" if rng.random() < 0.9 else "partner"}
    data.update(overrides)
    return data


def _create(rng: random.Random, actor, person: fake.FakePerson, *, role: str, **overrides) -> Professional:
    draw = rng.random()
    consents = {} if draw < 0.12 else {"sms": True, "email": True}
    if role != "none":
        consents = {"sms": True, "email": True}
    confirmed_at = None if rng.random() < 0.05 else utcnow() - timedelta(days=rng.randrange(0, 548))
    professional = services.create_professional(
        actor=actor, data=_data(rng, person, crisis_role=role, **overrides), consents=consents,
        consent_method=CONSENT_METHOD, confirmed_at=confirmed_at)
    if role == "none" and 0.12 <= draw < 0.16:  # a few asked to stop receiving alerts by SMS
        services.set_consent(actor=actor, professional=professional, channel="sms", granted=False,
                             method="demande par téléphone")
    return professional


def _linked(rng: random.Random, actor, spec, taken: set[str]) -> Professional:
    role, civility, first, last, code, crisis_role = spec
    base = _identity(rng, len([t for t in taken if not t.startswith("+")]) + 1000, taken)
    person = fake.FakePerson(first_name=first, last_name=last, email=f"{first}.{last}.cpts@example.org".lower(),
                             mobile=base.mobile, rpps=base.rpps, profession_code=code,
                             profession=PROFESSIONS[code], commune_code="31555",
                             commune="Toulouse", postal_code="31000")
    professional = _create(rng, actor, person, role=crisis_role, civility=civility,
                           mobile_phone=person.mobile, tags=["vaccination"])
    user = auth_services.get_user_by_email(DEMO_ACCOUNTS[role])
    if user is not None:
        services.link_user(actor=actor, professional=professional, user=user)
    return professional


def _organisations(actor) -> None:
    observers = {"ars": auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.ARS_OBSERVER])}
    observers.update({kind: auth_services.get_user_by_email(email) for kind, (email, _) in DEMO_OBSERVERS.items()})
    for name, kind, contacts in ORGANISATIONS:
        created = organisations.create_organisation(actor=actor, data={
            "name": name, "kind": kind, "receives_evaluations": True,
            "contacts": [{"name": n, "function": f, "email": f"{n.split()[-1].lower()}@{domain}.example.org"}
                         for n, f, domain in contacts]})
        if observers.get(kind) is not None:
            # each observer reads in /mes-messages what was sent to their organisation (the RETEX, the plan)
            observers[kind].organisation_id = created.id


def _audiences(rng: random.Random, actor, people: list[Professional]) -> None:
    definitions = [
        {"name": "Tous les professionnels", "kind": "filter", "criteria": {},
         "description": "Toute la CPTS, membres et partenaires actifs."},
        {"name": "Infirmiers de Toulouse", "kind": "filter",
         "criteria": {"profession_code": ["60"], "commune_code": ["31555"]}},
        {"name": "Cellule de crise", "kind": "filter",
         "criteria": {"crisis_role": ["referent", "suppleant", "cellule"]},
         "description": "Référent, suppléant et membres de la cellule de crise."},
        {"name": "Groupe test", "kind": "list", "for_exercises": True,
         "professional_ids": [p.id for p in people[:3] + rng.sample(people[3:], 5)],
         "description": "Volontaires pour recevoir les alertes d'exercice."},
    ]
    for data in definitions:
        audiences.save_audience(actor=actor, data=data)
