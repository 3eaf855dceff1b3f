"""Synthetic French identities: names, communes, RPPS with a valid Luhn key, fictional phones.

Phone numbers come from the ranges ARCEP reserves for fiction (06 39 98 xx xx, 01 99 00 xx xx…),
e-mail addresses from example.org: nothing generated here can reach a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from stdnum import luhn

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Claire", "Anaïs", "Louise",
    "Mathilde", "Pauline", "Hélène", "Nadia", "Sophie", "Lucas", "Hugo", "Thomas", "Nicolas", "Julien",
    "Antoine", "Maxime", "Karim", "Mehdi", "Pierre", "Paul", "Vincent", "Olivier", "Yann", "Bastien",
    "Romain", "Sébastien", "Théo", "Louis", "Arthur", "Élodie", "Margaux", "Agathe", "Rémi",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
]
# Communes of a fictional CPTS around Toulouse (INSEE codes are real, people are not).
COMMUNES = [
    ("31555", "Toulouse", "31000"), ("31069", "Blagnac", "31700"), ("31149", "Colomiers", "31770"),
    ("31557", "Tournefeuille", "31170"), ("31032", "Balma", "31130"), ("31506", "Saint-Orens-de-Gameville",
                                                                          "31650"),
    ("31395", "Muret", "31600"), ("31433", "Plaisance-du-Touch", "31830"), ("31157", "Cugnaux", "31270"),
]
# (Annuaire Santé code profession, label, share of a typical CPTS)
PROFESSIONS = [
    ("10", "Médecin", 0.30), ("21", "Pharmacien", 0.12), ("60", "Infirmier", 0.28),
    ("70", "Masseur-Kinésithérapeute", 0.14), ("50", "Sage-Femme", 0.05), ("40", "Chirurgien-Dentiste", 0.06),
    ("91", "Orthophoniste", 0.03), ("80", "Pédicure-Podologue", 0.02),
]


def rpps(rng: random.Random) -> str:
    """An 11-digit RPPS with a valid Luhn key; random, tied to no real name or contact."""
    body = "1009" + "".join(str(rng.randrange(10)) for _ in range(6))
    return body + luhn.calc_check_digit(body)


def fiction_mobile(rng: random.Random) -> str:
    """E.164 mobile in ARCEP's range for fiction (06 39 98 00 00 – 06 39 98 99 99)."""
    return f"{FICTION_MOBILE_PREFIX}{rng.randrange(10000):04d}"


FICTION_MOBILE_PREFIX = "+3363998"


def is_fiction_number(number) -> bool:
    """True for a number in ARCEP's mobile range for fiction (takes a phonenumbers.PhoneNumber)."""
    return f"+{number.country_code}{number.national_number}".startswith(FICTION_MOBILE_PREFIX)


@dataclass(frozen=True)
class FakePerson:
    first_name: str
    last_name: str
    email: str
    mobile: str
    rpps: str
    profession_code: str
    profession: str
    commune_code: str
    commune: str
    postal_code: str


def person(rng: random.Random, index: int) -> FakePerson:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    code, label, _ = rng.choices(PROFESSIONS, weights=[p[2] for p in PROFESSIONS])[0]
    insee, commune, postal = rng.choice(COMMUNES)
    slug = f"{first}.{last}".lower()
    for accented, plain in zip("éèêëàâäîïôöûüç", "eeeeaaaiioouuc", strict=True):
        slug = slug.replace(accented, plain)
    return FakePerson(first_name=first, last_name=last, email=f"{slug}.{index}@example.org",
                      mobile=fiction_mobile(rng), rpps=rpps(rng), profession_code=code, profession=label,
                      commune_code=insee, commune=commune, postal_code=postal)
