"""Home page per role, the audit trail and /healthz."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from crisis_app.core import audit, audit_labels, health
from crisis_app.core.access import permission_required, public
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import utcnow
from crisis_app.core.home import Card, card_provider, cards_for
from crisis_app.core.pagination import page_number, paginate
from crisis_app.core.timez import PARIS

bp = Blueprint("core", __name__)

AUDIT_PAGE_SIZE = 50
AUDIT_FILTERS = ("auteur", "action", "objet", "depuis", "jusqua")  # only these go back into page links


@bp.route("/")
@permission_required("home.view")
def home():
    return render_template("core/home.html", cards=cards_for(current_user))


@bp.route("/admin/audit")
@permission_required("audit.read")
def audit_trail():
    flt, errors = _audit_filter(request.args)
    result = paginate(audit.select_events(flt), page=page_number(request.args), per_page=AUDIT_PAGE_SIZE)
    rows = audit_labels.present(result.items, user_names=audit.user_names(result.items))
    actions = [(a, audit_labels.action_label(a)) for a in audit.known_actions()]
    return render_template("core/audit_trail.html", rows=rows, total=result.total, page=result.page,
                           pages=max(result.pages, 1), actions=actions, args=request.args, errors=errors,
                           filter_args={k: request.args[k] for k in AUDIT_FILTERS if request.args.get(k)})


def _parse_day(value: str | None) -> datetime | None:
    """Midnight in Paris of the day typed (the page shows Paris times), as UTC."""
    if not value:
        return None
    if not value.isascii():
        raise ValueError(value)
    day = datetime.strptime(value, "%Y-%m-%d")
    return day.replace(tzinfo=PARIS).astimezone(UTC)


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
    """JSON for probes and scripts; a French page for a person's browser."""
    body, status = health.report()
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        return render_template("core/healthz.html", rows=health.describe(body), status=body["status"]), status
    return body, status


@card_provider("users.read")
def _users_card(user):
    counts = auth_services.count_active_by_role()
    detail = ", ".join(f"{r.label} : {n}" for r, n in counts.items())
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
