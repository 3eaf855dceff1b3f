"""Home page per role, the audit trail and /healthz."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from crisis_app.core import audit, health
from crisis_app.core.access import permission_required, public
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import utcnow
from crisis_app.core.home import Card, card_provider, cards_for
from crisis_app.core.roles import ROLE_LABELS

bp = Blueprint("core", __name__)

AUDIT_PAGE_SIZE = 50


@bp.route("/")
@permission_required("home.view")
def home():
    return render_template("core/home.html", cards=cards_for(current_user))


@bp.route("/admin/audit")
@permission_required("audit.read")
def audit_trail():
    flt, errors = _audit_filter(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    events, total = audit.search(flt, limit=AUDIT_PAGE_SIZE, offset=(page - 1) * AUDIT_PAGE_SIZE)
    return render_template("core/audit_trail.html", events=events, total=total, page=page,
                           pages=max((total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE, 1),
                           actions=audit.known_actions(), args=request.args, errors=errors,
                           filter_args={k: v for k, v in request.args.items() if k != "page"})


def _parse_day(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)


def _audit_filter(args) -> tuple[audit.AuditFilter, list[str]]:
    errors = []
    since = until = None
    try:
        since = _parse_day(args.get("depuis"))
        until = _parse_day(args.get("jusqua"))
    except ValueError:
        errors.append("Date invalide : utilisez le format AAAA-MM-JJ.")
    if until:
        until += timedelta(days=1)
    return audit.AuditFilter(actor=args.get("auteur") or None, action=args.get("action") or None,
                             object_type=args.get("objet") or None, since=since, until=until), errors


@bp.route("/healthz")
@public
def healthz():
    body, status = health.report()
    return body, status


@card_provider("users.read")
def _users_card(user):
    counts = auth_services.count_active_by_role()
    detail = ", ".join(f"{ROLE_LABELS[r]} : {n}" for r, n in counts.items())
    yield Card(title="Comptes actifs", value=str(sum(counts.values())), detail=detail,
               url=url_for("auth.users"), action="Gérer les comptes")


@card_provider("audit.read")
def _audit_card(user):
    _, total = audit.search(audit.AuditFilter(since=utcnow() - timedelta(days=1)), limit=1)
    yield Card(title="Journal d'audit", value=str(total), detail="événements depuis 24 h",
               url=url_for("core.audit_trail"), action="Consulter le journal")


@card_provider("users.manage")
def _health_card(user):
    worker = health.check_worker()
    yield Card(title="Tâches de fond", value="en service" if worker["ok"] else "à l'arrêt",
               detail="Le worker Celery a répondu récemment." if worker["ok"]
               else "Aucun worker n'a répondu récemment : les alertes ne partiraient pas.",
               url=url_for("core.healthz"), action="Voir l'état détaillé",
               tone="ok" if worker["ok"] else "alert")


@card_provider("profile.view", order=90)
def _account_card(user):
    yield Card(title="Mon compte", value=user.full_name, detail=user.role.label,
               url=url_for("auth.account"), action="Changer mon mot de passe")
