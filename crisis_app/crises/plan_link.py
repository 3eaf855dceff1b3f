"""What crises read of the crisis plan, in one place, with the fallbacks a CPTS without a published plan needs:
the directory's crisis roles for the cellule, the organisations marked for evaluations, the built-in presets."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.vocabulary import built_in_presets
from crisis_app.directory.professionals.models import CrisisRole, Professional
from crisis_app.plan import services as plan_services
from crisis_app.plan.outline import MEASURE_FIELDS


def published_plan() -> Any | None:
    """The latest published plan version, or None."""
    return plan_services.published_plan()


def typology_section(typology: int, gradation: int) -> list[tuple[str, str]] | None:
    """The published plan's measures for a typology at a gradation as (label, text) pairs, or None."""
    version = plan_services.published_plan()
    if version is None:
        return None
    section = plan_services.typology_section(version, typology, gradation) or {}
    rows = [(label, section.get(key) or "") for key, label in MEASURE_FIELDS.items()]
    return [(label, text) for label, text in rows if text.strip()] or None


def presets_for(typology: int, gradation: int) -> list[Any]:
    """Alert presets for the level: the published plan's, else the built-in ones of that typology and gradation."""
    return list(plan_services.presets_for(typology, gradation)) or built_in_presets(typology, gradation)


def cellule_members() -> list[dict]:
    """``[{"role", "professional_id", "backup_id"}]`` from the published plan, else from the directory's roles."""
    version = plan_services.published_plan()
    if version is not None:
        members = plan_services.cellule_members(version)
        if members:
            return list(members)
    roles = (CrisisRole.REFERENT, CrisisRole.SUPPLEANT, CrisisRole.CELLULE)
    people = db.session.scalars(sa.select(Professional).where(Professional.crisis_role.in_(roles),
                                                              Professional.active.is_(True))
                                .order_by(Professional.crisis_role, Professional.last_name))
    return [{"role": p.crisis_role.label, "professional_id": p.id, "backup_id": None} for p in people]


def cellule_meeting() -> dict[str, str]:
    """Where and when the cellule meets (place, visio link, first briefing), from the published plan."""
    version = plan_services.published_plan()
    if version is None:
        return {"place": "", "visio": "", "first_briefing": ""}
    return plan_services.cellule_meeting(version)


def retex_organisation_ids() -> list[int] | None:
    """The organisations the plan names for the RETEX; None when there is no published plan."""
    version = plan_services.published_plan()
    if version is None:
        return None
    return list(plan_services.retex_recipients(version))


def population_consignes(typology: int, gradation: int) -> str:
    """What the published plan tells the population for a typology at a gradation ("" if nothing; veille reads
    gradation 1)."""
    version = plan_services.published_plan()
    if version is None:
        return ""
    return (plan_services.typology_section(version, typology, max(gradation, 1)).get("population") or "").strip()
