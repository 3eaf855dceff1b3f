"""Vigie: crisis response and quality programme for a CPTS."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFError

from config import load_settings
from crisis_app.core import marshmallow_fr  # noqa: F401 - French validation messages everywhere


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides what the environment says."""
    app = Flask(__name__, instance_relative_config=False, template_folder="../templates",
                static_folder="static")
    app.config.update(load_settings(**(config or {})))
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # core.access.protect_csrf decides, API included

    from crisis_app.core.routing import register_converters

    register_converters(app)

    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)

    from crisis_app.core.timez import register_filters

    register_filters(app)

    from crisis_app.core import formats

    formats.register_filters(app)

    from crisis_app.core import audit_labels

    audit_labels.register_filters(app)

    from crisis_app.core.pagination import register_template_helpers

    register_template_helpers(app)

    from crisis_app.core import cli

    cli.register(app)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    """The client address (login limits, audit) and the scheme come from the ``TRUSTED_PROXIES`` reverse proxies
    in front of Vigie, no further (Werkzeug's ProxyFix); with none, the headers they would set are ignored."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _init_extensions(app: Flask) -> None:
    from crisis_app.core.celery import celery_init_app
    from crisis_app.core.db import configure_sqlite, release_rolled_back_savepoints
    from crisis_app.core.extensions import api, csrf, db, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
        release_rolled_back_savepoints(db.engine)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    api.init_app(app)
    celery_init_app(app)


# Each domain package exposes ``init_app(app, api)`` registering its blueprints, CLI, beat entries,
# home cards and demo data. Order matters only for the home page's cards of equal rank.
DOMAINS = ("crisis_app.directory", "crisis_app.stock", "crisis_app.alerts", "crisis_app.plan", "crisis_app.crises",
           "quality", "crisis_app.contract")


def _register_blueprints(app: Flask) -> None:
    import importlib

    from crisis_app.core import access, notifications, tasks  # noqa: F401 - loaders, signals and tasks register themselves
    from crisis_app.core.auth.views import bp as auth_bp
    from crisis_app.core.documents import tasks as _document_tasks  # noqa: F401 - the worker's task registers itself
    from crisis_app.core.documents.api import bp as api_documents_bp
    from crisis_app.core.documents.views import bp as documents_bp
    from crisis_app.core.extensions import api
    from crisis_app.core.resources import bp as api_core_bp
    from crisis_app.core.views import bp as core_bp

    app.register_blueprint(core_bp)
    notifications.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(documents_bp)
    api.register_blueprint(api_core_bp)
    api.register_blueprint(api_documents_bp)
    for name in DOMAINS:
        importlib.import_module(name).init_app(app, api)
    _run_views_as_units_of_work(app)


def _run_views_as_units_of_work(app: Flask) -> None:
    """Every view and API endpoint is one user action: one transaction, committed when it returns (core.db)."""
    from crisis_app.core.db import unit_of_work_view

    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static" and not getattr(view, "unit_of_work", False):
            app.view_functions[endpoint] = unit_of_work_view(view)


def _judge_each_request_alone() -> None:
    """Flask-Login keeps the user, and Flask-WTF the CSRF token, in ``g``, which lives as long as the application
    context: a request made inside a longer one (the test client in a test's context) would inherit the previous
    request's user and token. Each request is judged on its own cookie, token and session."""
    from flask import current_app, g

    g.pop("_login_user", None)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def _register_hooks(app: Flask) -> None:
    from crisis_app.core.access import check_access, may_open, protect_csrf
    from crisis_app.core.api import error_payload, html_error, is_api_request
    from crisis_app.core.bodies import enforce_size_limit, refuse_deep_json, refuse_nul_characters, require_json_body

    app.jinja_env.globals["may_open"] = may_open
    app.before_request(_judge_each_request_alone)
    app.before_request(enforce_size_limit)  # first: nothing may read a body larger than allowed
    app.before_request(check_access)  # then who is asking: 401/403 before any check of the content
    app.before_request(protect_csrf)
    app.before_request(refuse_deep_json)  # before anything parses the JSON (the NUL check does)
    app.before_request(refuse_nul_characters)
    app.before_request(require_json_body)

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        message = ("Le formulaire a expiré ou ne porte pas de jeton de sécurité (CSRF) : "
                   "rechargez la page et recommencez.")
        if is_api_request():
            return error_payload(400, code="csrf_failed", message=message), 400
        return html_error(400, message=message)

    @app.after_request
    def _security_headers(response):
        from flask import request

        # personal and quality data (pages, register, CSV exports, PDFs, API answers) is never kept by a browser
        # or a shared cache; only the static files (CSS, scripts, icons) are cacheable
        # (and the pages meant for everyone, which mark their response: the population's information page)
        if request.endpoint != "static" and not getattr(response, "public_cache", False):
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'")
        return response
