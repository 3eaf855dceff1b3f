"""Every read of the crisis plan goes through here, so crises works (with fallbacks) before the plan exists.

The plan package's services are the contract (`published_plan`, `typology_section`, `presets_for`,
`cellule_members`, `retex_recipients`); without the package, or without a published plan, this module answers
None or empty, and the callers fall back on the directory and the built-in alert templates.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.directory.professionals.models import CrisisRole, Professional


def _plan_services() -> ModuleType | None:
    return _module("services")


def published_plan() -> Any | None:
    """The latest published plan version, or None (no plan package, or nothing published)."""
    plan = _plan_services()
    return plan.published_plan() if plan else None


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"crisis_app.plan.{name}")
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == "crisis_app.plan" or exc.name.startswith("crisis_app.plan.")):
            return None  # the plan package (or that module of it) is not there yet
        raise


def typology_section(typology: int, gradation: int) -> list[tuple[str, str]] | None:
    """The published plan's measures for a typology at a gradation as (label, text) pairs, or None."""
    plan = _plan_services()
    version = plan.published_plan() if plan else None
    if version is None:
        return None
    section = plan.typology_section(version, typology, gradation) or {}
    outline = _module("outline")
    labels = getattr(outline, "MEASURE_FIELDS", {}) if outline else {}
    rows = [(label, section.get(key) or "") for key, label in labels.items()]
    return [(label, text) for label, text in rows if text.strip()] or None


def register_evaluation_counter(counter) -> None:
    """Let the plan's mission indicators count the evaluations sent (``counter(year) -> int``)."""
    indicators = _module("indicators")
    if indicators is not None and hasattr(indicators, "register_evaluation_counter"):
        indicators.register_evaluation_counter(counter)


def register_exercise_counter(counter) -> None:
    """Let the plan's indicators count the exercises run in Vigie (``counter(year) -> int``), once the plan
    offers the hook (asked of the plan package; until then nothing is registered)."""
    indicators = _module("indicators")
    if indicators is not None and hasattr(indicators, "register_exercise_counter"):
        indicators.register_exercise_counter(counter)


def presets_for(typology: int, gradation: int) -> list[Any]:
    """Alert presets for the level (the plan's, else the built-in templates of that typology and gradation)."""
    plan = _plan_services()
    if plan is not None:
        presets = plan.presets_for(typology, gradation)
        if presets:
            return list(presets)
    from crisis_app.alerts.templates import TEMPLATES

    return [t for t in TEMPLATES if t.typology in (None, typology) and t.gradation in (None, gradation)]


def cellule_members() -> list[dict]:
    """``[{"role", "professional_id", "backup_id"}]`` from the published plan, else from the directory's roles."""
    plan = _plan_services()
    version = plan.published_plan() if plan else None
    if version is not None:
        members = plan.cellule_members(version)
        if members:
            return list(members)
    roles = (CrisisRole.REFERENT, CrisisRole.SUPPLEANT, CrisisRole.CELLULE)
    people = db.session.scalars(sa.select(Professional).where(Professional.crisis_role.in_(roles),
                                                              Professional.active.is_(True))
                                .order_by(Professional.crisis_role, Professional.last_name))
    return [{"role": p.crisis_role.label, "professional_id": p.id, "backup_id": None} for p in people]


def retex_organisation_ids() -> list[int] | None:
    """The organisations the plan names for the RETEX; None when there is no published plan."""
    plan = _plan_services()
    version = plan.published_plan() if plan else None
    if version is None:
        return None
    return list(plan.retex_recipients(version))
