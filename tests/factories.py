"""Factories: accounts built through the services, so each carries its audit row like real data."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from crisis_app.core.auth import services as auth_services
from crisis_app.core.models import User
from crisis_app.core.roles import Role

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)
# two active entries may not share a mobile (unless marked shared): each factory entry gets its own number of the
# fiction range, 06 39 98 50 00 to 76 99, clear of the numbers tests type by hand
_mobiles = itertools.count(0)

PERSONA_NAMES = {
    Role.COORDINATOR: "Claire Coordination",
    Role.CRISIS_REFERENT: "Julien Référent",
    Role.CRISIS_CELL: "Nadia Cellule",
    Role.PROFESSIONAL: "Paul Professionnel",
    Role.QUALITY_REFERENT: "Hélène Qualité",
    Role.ARS_OBSERVER: "Agathe ARS",
}


@dataclass
class Persona:
    user: User
    password: str


def user(*, role: Role = Role.PROFESSIONAL, email: str | None = None, full_name: str | None = None,
         password: str = PASSWORD) -> User:
    n = next(_counter)
    return auth_services.create_user(actor=None, email=email or f"{role.value}.{n}@test.example.org",
                                     full_name=full_name or f"{role.label} {n}", role=role, password=password)


def persona(role: Role) -> Persona:
    return Persona(user=user(role=role, full_name=PERSONA_NAMES[role]), password=PASSWORD)


def professional(*, actor: User | None = None, channels=(), **overrides):
    """A valid directory entry (fictional identity) through the directory service, with consent in force on
    ``channels`` (given on the membership form)."""
    import random

    from crisis_app.core.demo import fake
    from crisis_app.directory.professionals import services as directory_services

    rng = random.Random(next(_counter) * 7919)
    p = fake.person(rng, next(_counter))
    data = {"rpps": p.rpps, "last_name": p.last_name, "first_name": p.first_name,
            "profession_code": p.profession_code, "profession": p.profession, "commune_code": p.commune_code,
            "commune_name": p.commune, "postal_code": p.postal_code, "mobile_phone": _unique_mobile(), "email": p.email}
    data.update(overrides)
    return directory_services.create_professional(actor=actor, data=data, consents={c: True for c in channels},
                                                  consent_method="formulaire d'adhésion")


def _unique_mobile() -> str:
    """A fiction mobile no active entry holds (the demo's entries draw theirs at random in the same range)."""
    from crisis_app.core.demo import fake
    from crisis_app.directory.professionals.services import mobile_holders

    for _ in range(2700):
        mobile = f"{fake.FICTION_MOBILE_PREFIX}{5000 + next(_mobiles) % 2700:04d}"
        if not mobile_holders(mobile):
            return mobile
    raise RuntimeError("no free fiction mobile left for the factories")


def reachable_professional(*, actor: User | None = None, channels=("sms", "email"), **overrides):
    """A directory entry reachable on ``channels``."""
    return professional(actor=actor, channels=channels, **overrides)


def organisation(*, actor: User | None = None, **overrides):
    """A partner organisation with one contact, created through the directory's service."""
    from crisis_app.directory.organisations import services as organisations

    n = next(_counter)
    data = {"name": f"Organisation {n}", "kind": "ars",
            "contacts": [{"name": f"Contact {n}", "function": "Chargé de mission",
                          "email": f"contact.{n}@example.org"}]}
    data.update(overrides)
    return organisations.create_organisation(actor=actor, data=data)
