"""The contract: reading and setting it, its calendar (crisis mission started by +6 months, deployed by +18), and
the variable crisis amount a grave crisis qualified by the ARS triggers (once per rolling 12 months)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app

from crisis_app.contract.models import Contract, Mission, VariableTrigger
from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.timez import to_paris
from crisis_app.crises.models import Authority, Crisis
from crisis_app.plan import services as plan_services

START_MONTHS, DEPLOY_MONTHS = 6, 18
NEAR_DAYS = 60
# The guide gives 37,500 € for a size 1 CPTS and 75,000 € for a size 4; sizes 2 and 3 are interpolated.
# VIGIE_CRISIS_VARIABLE_AMOUNTS in the settings overrides them ({size: euros}).
DEFAULT_VARIABLE_AMOUNTS = {1: 37_500, 2: 50_000, 3: 62_500, 4: 75_000}


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, on the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def get_contract() -> Contract | None:
    return db.session.scalar(sa.select(Contract).order_by(Contract.id).limit(1))


def _refuse(message: str, field: str | None = None) -> ServiceError:
    """A well-formed contract the contract's own rules refuse (a date to come, the crisis mission left out): 409,
    as the API document cannot say these rules (422 is kept for what it does say)."""
    return ServiceError("contract_rules", message, field=field, status=409)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    signed_on, size = data.get("signed_on"), data.get("size")
    if not isinstance(signed_on, date) or not 2019 <= signed_on.year <= 2100:
        raise _refuse("Date de signature attendue (2019 ou après).", "signed_on")
    if signed_on > to_paris(utcnow()).date():
        raise _refuse("La date de signature ne peut pas être dans le futur.", "signed_on")
    if isinstance(size, bool) or size not in (1, 2, 3, 4):
        raise _refuse("Taille de la CPTS : de 1 à 4.", "size")
    missions = list(dict.fromkeys(data.get("missions") or []))
    if any(m not in Mission._value2member_map_ for m in missions):
        raise _refuse("Mission inconnue.", "missions")
    if Mission.CRISIS.value not in missions:
        raise _refuse("La mission « crises sanitaires graves » est une mission socle : elle est toujours choisie.",
                      "missions")
    return {"signed_on": signed_on, "size": size, "over_100_members": bool(data.get("over_100_members")),
            "missions": missions}


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    """The contract's fields as the audit trail shows them: missions by their French names."""
    return {**values, "missions": [Mission(m).label for m in values["missions"]]}


@atomic()
def save_contract(*, actor: User, data: dict[str, Any]) -> Contract:
    """Set the CPTS's contract (created the first time), with its audit row."""
    clean = _clean(data)
    contract = get_contract()
    before = {} if contract is None else _audited({k: getattr(contract, k) for k in clean})
    if contract is None:
        contract = Contract(**clean)
        db.session.add(contract)
    else:
        for key, value in clean.items():
            setattr(contract, key, value)
    db.session.flush()
    audit.record(actor=actor, action="contract.save", object_type="aci_contract", object_id=contract.id,
                 summary=f"Contrat ACI : signé le {clean['signed_on']:%d/%m/%Y}, taille {clean['size']}",
                 changes=audit.changes_between(before, _audited(clean)))
    return contract


# --- the calendar ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    due_on: date
    reached: bool
    status: str  # reached | ahead | near | late

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "due_on": self.due_on.isoformat(), "reached": self.reached,
                "status": self.status}


def milestone_status(*, due_on: date, reached: bool, today: date) -> str:
    """Pure rule: reached, else late after the due day, near within NEAR_DAYS of it, else ahead."""
    if reached:
        return "reached"
    if today > due_on:
        return "late"
    return "near" if (due_on - today).days <= NEAR_DAYS else "ahead"


def calendar_of(contract: Contract, *, today: date | None = None) -> list[Milestone]:
    """The crisis mission's two dates: started (a plan is being written) and deployed (a plan is published)."""
    today = today or to_paris(utcnow()).date()
    started = bool(plan_services.list_plans())
    deployed = plan_services.published_plan() is not None
    rows = [("started", "Mission crise démarrée", add_months(contract.signed_on, START_MONTHS), started),
            ("deployed", "Mission crise déployée", add_months(contract.signed_on, DEPLOY_MONTHS), deployed)]
    return [Milestone(key, label, due, done, milestone_status(due_on=due, reached=done, today=today))
            for key, label, due, done in rows]


# --- the variable crisis amount --------------------------------------------------------------------

def variable_amounts() -> dict[int, int]:
    configured = current_app.config.get("VIGIE_CRISIS_VARIABLE_AMOUNTS") or {}
    return {**DEFAULT_VARIABLE_AMOUNTS, **{int(k): int(v) for k, v in configured.items()}}


def qualified_on(crisis: Crisis) -> date:
    return to_paris(crisis.qualified_at or crisis.opened_at).date()


def eligible(crisis: Crisis) -> bool:
    """A real crisis the ARS qualified, with its reference: what the contract pays the variable amount for."""
    return (not crisis.is_exercise and crisis.authority == Authority.ARS.value
            and bool((crisis.authority_reference or "").strip()))


def blocking_trigger(day: date, *, exclude_crisis: int | None = None) -> VariableTrigger | None:
    """A trigger within 12 months of ``day`` (before or after): the amount is paid once per rolling 12 months."""
    return db.session.scalar(sa.select(VariableTrigger).where(
        VariableTrigger.qualified_on > add_months(day, -12), VariableTrigger.qualified_on < add_months(day, 12),
        VariableTrigger.crisis_id != (exclude_crisis or 0)).order_by(VariableTrigger.qualified_on).limit(1))


@atomic()
def record_trigger(*, actor: User, crisis: Crisis) -> VariableTrigger:
    """Record that a grave crisis qualified by the ARS triggers the variable amount, paid the month after."""
    contract = get_contract()
    if contract is None:
        raise ServiceError("no_contract", "Renseignez d'abord le contrat de la CPTS.", status=409)
    if not eligible(crisis):
        raise ServiceError("not_eligible", "Seule une crise réelle qualifiée par l'ARS, avec sa référence, "
                           "déclenche le montant variable.", status=409)
    day = qualified_on(crisis)
    if (other := blocking_trigger(day, exclude_crisis=crisis.id)) is not None:
        raise ServiceError("already_triggered", f"Le montant variable a déjà été déclenché le "
                           f"{other.qualified_on:%d/%m/%Y} : une seule fois par période de 12 mois.", status=409)
    if db.session.scalar(sa.select(VariableTrigger).where(VariableTrigger.crisis_id == crisis.id)):
        raise ServiceError("already_triggered", "Cette crise déclenche déjà le montant variable.", status=409)
    trigger = VariableTrigger(crisis_id=crisis.id, qualified_on=day, year=day.year,
                              amount=variable_amounts()[contract.size],
                              payable_month=add_months(day.replace(day=1), 1), recorded_by_id=actor.id)
    db.session.add(trigger)
    db.session.flush()
    audit.record(actor=actor, action="contract.variable_trigger", object_type="crisis", object_id=crisis.id,
                 summary=f"Montant variable déclenché par la crise « {crisis.title} » ({trigger.amount} €)")
    return trigger


def triggers() -> list[VariableTrigger]:
    return list(db.session.scalars(sa.select(VariableTrigger).order_by(VariableTrigger.qualified_on.desc())))


def candidate_crises() -> list[Crisis]:
    """Crises that could trigger the amount and do not yet."""
    taken = sa.select(VariableTrigger.crisis_id)
    rows = db.session.scalars(sa.select(Crisis).where(Crisis.is_exercise.is_(False), Crisis.id.not_in(taken))
                              .order_by(Crisis.opened_at.desc()).limit(50))
    return [c for c in rows if eligible(c)]


def crisis_titles(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Crisis.id, Crisis.title).where(Crisis.id.in_(ids))).all())
