"""Seed a fictional CPTS: one account per role, then each domain's demo data."""

from __future__ import annotations

import random
from collections.abc import Callable

import sqlalchemy as sa

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.models import User
from crisis_app.core.roles import Role

DEMO_PASSWORD = "vigie-demo-2026"
DEMO_ACCOUNTS = {
    Role.COORDINATOR: "coordination@demo.example.org",
    Role.CRISIS_REFERENT: "referent.crise@demo.example.org",
    Role.CRISIS_CELL: "cellule@demo.example.org",
    Role.PROFESSIONAL: "professionnel@demo.example.org",
    Role.QUALITY_REFERENT: "referent.qualite@demo.example.org",
    Role.ARS_OBSERVER: "observateur.ars@demo.example.org",
}
DEMO_NAMES = {
    Role.COORDINATOR: "Claire Fontaine",
    Role.CRISIS_REFERENT: "Dr Julien Mercier",
    Role.CRISIS_CELL: "Nadia Roussel",
    Role.PROFESSIONAL: "Paul Garnier",
    Role.QUALITY_REFERENT: "Dr Hélène Blanc",
    Role.ARS_OBSERVER: "Agathe Lambert (ARS Occitanie)",
}

# The other tutelles' observers (same role, other organisation): the organisation kind links them in the directory.
DEMO_OBSERVERS = {
    "cpam": ("observateur.cpam@demo.example.org", "Marc Lefèvre (CPAM de la Haute-Garonne)"),
    "msa": ("observateur.msa@demo.example.org", "Sandrine Faure (MSA Midi-Pyrénées Nord)"),
}


# Domains register ``seeder(rng) -> list[str]`` (summary lines) from their init_app; run in order.
DemoSeeder = Callable[[random.Random], list[str]]
_SEEDERS: list[tuple[int, DemoSeeder]] = []


def demo_seeder(order: int = 50) -> Callable[[DemoSeeder], DemoSeeder]:
    def decorator(func: DemoSeeder) -> DemoSeeder:
        if all(f is not func for _, f in _SEEDERS):
            _SEEDERS.append((order, func))
            _SEEDERS.sort(key=lambda entry: entry[0])
        return func

    return decorator


def is_empty() -> bool:
    return not db.session.scalar(sa.select(sa.exists().where(User.id.isnot(None))))


def seed_demo(*, random_seed: int = 31) -> list[str]:
    """Create the demo accounts (skipping those that exist), then each domain's data; return a summary."""
    created = 0
    for role, email in DEMO_ACCOUNTS.items():
        if auth_services.get_user_by_email(email) is None:
            auth_services.create_user(actor=None, email=email, full_name=DEMO_NAMES[role], role=role,
                                      password=DEMO_PASSWORD)
            created += 1
    for email, name in DEMO_OBSERVERS.values():
        if auth_services.get_user_by_email(email) is None:
            auth_services.create_user(actor=None, email=email, full_name=name, role=Role.ARS_OBSERVER,
                                      password=DEMO_PASSWORD)
            created += 1
    summary = [f"Comptes de démonstration créés : {created}"]
    rng = random.Random(random_seed)
    for _, seeder in _SEEDERS:
        summary.extend(seeder(rng))
    return summary
