"""The plan's card on the home page: this year's update, due or late."""

from __future__ import annotations

from datetime import date

from flask import url_for

from crisis_app.core.db import utcnow
from crisis_app.core.formats import pluriel
from crisis_app.core.home import Card, card_provider
from crisis_app.core.timez import paris_date, to_paris
from crisis_app.plan import comments, services

# The update of the year is "due" until the end of this month, "late" after it.
LATE_AFTER_MONTH = 6
LATE_MONTH_NAME = "juin"


def update_status(*, today: date, published_years: set[int]) -> str:
    """Pure rule: "ok" when this year's version is published, else "due" until the end of
    LATE_AFTER_MONTH, then "late"."""
    if today.year in published_years:
        return "ok"
    return "due" if today.month <= LATE_AFTER_MONTH else "late"


@card_provider("plan.read", order=3)
def _plan_card(user):
    today = to_paris(utcnow()).date()
    published = {p.year for p in services.list_plans() if p.is_published}
    status = update_status(today=today, published_years=published)
    url = url_for("plan.index")
    if status == "ok":
        plan = services.published_plan(today.year)
        yield Card(title="Plan d'action crise", value=f"Version {today.year} publiée", tone="ok", url=url,
                   detail=f"Publiée le {paris_date(plan.published_at)} par {plan.published_by_label}.",
                   action="Ouvrir le plan")
        return
    draft = next((p for p in services.list_plans() if p.year == today.year), None)
    detail = (f"Brouillon {today.year} : {draft.status.label.lower()}." if draft
              else f"Aucune version {today.year} : démarrez-la à partir de la précédente.")
    update = "Mettre à jour le plan" if user.may("plan.edit") else "Ouvrir le plan"
    if status == "due":
        yield Card(title="Plan d'action crise", value=f"Mise à jour {today.year} à faire", tone="warn", url=url,
                   detail=f"{detail} À publier avant fin {LATE_MONTH_NAME}.", action=update)
    else:
        yield Card(title="Plan d'action crise", value=f"Mise à jour {today.year} en retard", tone="warn", url=url,
                   detail=f"{detail} L'échéance de fin {LATE_MONTH_NAME} est dépassée.", action=update)


@card_provider("plan.comment.resolve", order=4)
def _remarks_card(user):
    """The tutelles' remarks on a draft wait for an answer: said where the référent and the coordinator look first."""
    for plan, count, latest in comments.waiting_on_drafts():
        yield Card(title="Remarques des tutelles", tone="warn",
                   value=pluriel(count, "remarque à traiter", "remarques à traiter"),
                   detail=f"Brouillon {plan.year} du plan d'action ; dernière intervention : {latest}.",
                   url=url_for("plan.version", plan_id=plan.id), action="Répondre aux remarques")


@card_provider("plan.self", order=30)
def _my_part_card(user):
    if user.may("plan.read"):
        return  # the crisis team sees the whole plan card
    part = services.my_part(user)
    if part["roles"]:
        yield Card(title="Mon rôle dans le plan de crise", value=part["roles"][0],
                   detail=f"Plan d'action {part['year']}" + (
                       f", et {pluriel(len(part['roles']) - 1, 'autre rôle', 'autres rôles')}"
                       if len(part["roles"]) > 1 else ""),
                   url=url_for("plan.my_part"), action="Voir ce que le plan me demande")
