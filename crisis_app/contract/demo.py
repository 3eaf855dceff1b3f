"""Demo contract: signed ten months ago (size 2), this year's targets, last year's annual report made, and the
indicator review planned."""

from __future__ import annotations

import random
from datetime import timedelta

from crisis_app.contract import documents, indicators, reviews, services
from crisis_app.core import documents as core_documents
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import utcnow
from crisis_app.core.demo.seed import DEMO_ACCOUNTS, demo_seeder
from crisis_app.core.roles import Role
from crisis_app.core.timez import to_paris
from quality.indicators import targets

TARGETS = {"mission.plan_written": (1, True), "mission.plan_updated": (1, True),
           "mission.professionals_in_actions": (20, False), "mission.actions_done": (2, True),
           "mission.evaluations_done": (1, False), "quality.themes_addressed": (4, True),
           "quality.participants": (12, True), "quality.action_plan_done_rate": (70, False)}


@demo_seeder(order=95)
def seed(rng: random.Random) -> list[str]:
    """Through the services, so the audit trail, the calendar and the report agree."""
    if services.get_contract() is not None:
        return ["Contrat : déjà présent, rien d'ajouté"]
    coordinator = auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.COORDINATOR])
    today = to_paris(utcnow()).date()
    services.save_contract(actor=coordinator, data={
        "signed_on": services.add_months(today, -10), "size": 2, "over_100_members": True,
        "missions": ["crisis", "quality", "access"]})
    for key, (value, variable) in TARGETS.items():
        targets.set_target(actor=coordinator, indicator=key, year=today.year, value=value,
                           conditions_variable=variable, label=indicators.label_of(key))
    report = documents.request_report(today.year - 1, file="pdf", actor=coordinator)
    core_documents.run(document_id=report.id)  # made here: the demo shows a report ready to read
    reviews.plan_review(actor=coordinator, starts_at=utcnow().replace(hour=16, minute=0, second=0, microsecond=0)
                        + timedelta(days=20), place="Maison de santé du Lac, salle de réunion")
    return [f"Contrat : signé, {len(TARGETS)} cibles {today.year}, bilan {today.year - 1} prêt, revue planifiée"]
