"""The plan's PDF made by a worker and kept (core.documents) until the version or what it prints changes.

A published version prints what was frozen at publication: its row is its whole source. A draft prints the
directory's names and figures, the stock and the year's activities as they stand: those enter its fingerprint too,
so a PDF kept from before never shows yesterday's directory.
"""

from __future__ import annotations

from crisis_app.core import documents
from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.plan import activities, figures, pdf, services
from crisis_app.plan.models import PlanVersion

PLAN = "plan"


def _plan(key: str) -> PlanVersion:
    plan = db.session.get(PlanVersion, int(key)) if key.isdigit() else None
    if plan is None:
        raise ServiceError("not_found", "Cette version du plan n'existe plus : le document ne peut pas être fabriqué.")
    return plan


def plan_fingerprint(plan: PlanVersion) -> str:
    if plan.frozen:
        return documents.fingerprint(plan)
    return documents.fingerprint(plan, services.names(plan), figures.directory_figures(), figures.stock_figures(),
                                 [activities.as_dict(a) for a in activities.for_year(plan.year)])


def request_plan(plan: PlanVersion, *, actor: User):
    return documents.request(kind=PLAN, key=str(plan.id), fingerprint=plan_fingerprint(plan), actor=actor)


@documents.maker(PLAN, may_read=lambda user, key: user.may("plan.read"),
                 filename=lambda key: f"plan-action-{_plan(key).year}.pdf", title="Plan d'action en PDF")
def make_plan(key: str, progress) -> bytes:
    plan = _plan(key)
    progress(20)
    return pdf.render(plan)
