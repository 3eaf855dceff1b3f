"""The directory's blueprint and what its pages share: labels, filters, search criteria, form refusals.

The pages themselves live per concept: ``professionals/views.py`` (search, an entry, "Ma fiche"),
``audiences/views.py`` and ``organisations/views.py``; each attaches its routes to ``bp``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash
from flask_login import current_user
from marshmallow import ValidationError

from crisis_app.core.db import utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.timez import paris_date, paris_datetime
from crisis_app.directory.professionals.forms import CONSENT_METHODS
from crisis_app.directory.professionals.models import (
    Channel,
    CrisisRole,
    StructureType,
)
from crisis_app.directory.schemas import DirectoryQuerySchema
from crisis_app.directory.validation import format_phone_for_display, freshness

bp = Blueprint("directory", __name__, url_prefix="/annuaire")

LOCAL_TZ = ZoneInfo("Europe/Paris")
LIST_ARGS = ("profession_code", "commune_code", "tag", "crisis_role", "structure_type")


def actor():
    """The signed-in user, as the services want it."""
    return current_user._get_current_object()

@bp.context_processor
def _labels():
    return {"crisis_roles": [(r.value, r.label) for r in CrisisRole if r is not CrisisRole.NONE],
            "structures": [(s.value, s.label) for s in StructureType],
            "channels": [(c.value, c.label) for c in Channel],
            "consent_methods": CONSENT_METHODS, "now": utcnow()}


bp.add_app_template_filter(freshness, "freshness")
bp.add_app_template_filter(format_phone_for_display, "phone")


@bp.app_template_filter("local_day")
def _local_day_filter(moment: datetime | None) -> str:
    return paris_date(moment)  # a naive stored value is UTC (astimezone would take the server's zone)


@bp.app_template_filter("local_datetime")
def _local_datetime_filter(moment: datetime | None) -> str:
    return paris_datetime(moment)


def search_criteria(source) -> tuple[dict, dict]:
    """Search criteria from a query string or a form (the list filters repeat), with any field errors."""
    raw = {k: [v for v in source.getlist(k) if v] for k in LIST_ARGS}
    raw.update({k: source.get(k) for k in ("q", "membership", "consent", "to_confirm", "include_inactive")
                if source.get(k)})
    try:
        return DirectoryQuerySchema().load(raw), {}
    except ValidationError as exc:
        return {}, exc.messages


def refuse(form, exc: ServiceError) -> int:
    """Put a service's field messages under the form's fields and in a summary naming them; the status to send."""
    summary = []
    for name, messages in exc.fields.items():
        field = form.field_for(name) if hasattr(form, "field_for") else (form[name] if name in form else None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
        label = field.label.text if field is not None else name
        summary.extend(f"{label} : {m}" for m in messages)
    flash(exc.message + (" " + " ".join(summary) if summary else ""), "error")
    return 409 if exc.status == 409 else 400
