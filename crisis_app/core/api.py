"""The API base: one error format, bearer tokens, CSRF for cookie sessions, the OpenAPI document.

Errors look like ``{"error": {"code": "...", "message": "...", "fields": {...}}}`` for every
status the API returns. Pages outside ``/api/`` get a French HTML page for the same errors.
"""

from __future__ import annotations

from flask import render_template, request
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from crisis_app.core.errors import ServiceError

API_PREFIX = "/api/"

ERROR_CODES = {
    400: ("bad_request", "Requête invalide."),
    401: ("unauthorized", "Authentification requise : jeton absent, invalide ou expiré."),
    403: ("forbidden", "Votre rôle ne permet pas cette action."),
    404: ("not_found", "Ressource introuvable."),
    405: ("method_not_allowed", "Méthode non permise sur cette ressource."),
    409: ("conflict", "Conflit avec l'état actuel de la ressource."),
    410: ("gone", "Ressource expirée ou close."),
    413: ("payload_too_large", "Corps de requête trop volumineux."),
    415: ("unsupported_media_type", "Type de contenu non pris en charge : envoyez du JSON."),
    422: ("validation_error", "Les données envoyées sont invalides."),
    429: ("too_many_requests", "Trop de requêtes : réessayez plus tard."),
    500: ("internal_error", "Erreur interne ; l'incident est journalisé."),
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def error_payload(status: int, *, code: str | None = None, message: str | None = None,
                  fields: dict | None = None) -> dict:
    default_code, default_message = ERROR_CODES.get(status, ("error", "Erreur."))
    return {"error": {"code": code or default_code, "message": message or default_message,
                      "fields": fields or {}}}


def _flatten_webargs(messages: dict) -> dict:
    """webargs nests errors under the location (json, query…); callers want field names."""
    fields: dict = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            fields.update(location_errors)
    return fields


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.Raw())


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class VigieApi(Api):
    """flask-smorest's Api with Vigie's error format, and HTML errors for the pages."""

    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme(
            "bearerAuth", {"type": "http", "scheme": "bearer",
                           "description": "Jeton créé par `flask --app wsgi users token --email E`."})
        self.spec.options["security"] = [{"bearerAuth": []}]
        self.ma_plugin.converter.add_attribute_function(text_without_nul)
        refuse_unknown_query_arguments()

    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, self.handle_http_exception)
        self._app.register_error_handler(ServiceError, handle_service_error)

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        if not is_api_request():
            return html_error(status)
        data = getattr(error, "data", None) or {}
        fields = _flatten_webargs(data.get("messages", {})) if "messages" in data else data.get("errors")
        payload = error_payload(status, message=data.get("message"), fields=fields)
        headers = dict(data.get("headers") or {})
        # keep what werkzeug says beside the status (Allow on 405, Retry-After on 429…)
        headers.update({k: v for k, v in error.get_headers() if k.lower() != "content-type"})
        if status == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="vigie"')
        return payload, status, headers


def refuse_unknown_query_arguments() -> None:
    """A misspelt filter (``?profesion=…``) would silently list everything: unknown query arguments are a 422 on
    every endpoint that declares its query schema, as unknown JSON fields already are (webargs ignores them)."""
    from flask_smorest.arguments import ArgumentsMixin
    from marshmallow import RAISE

    parser = ArgumentsMixin.ARGUMENTS_PARSER  # the one parser every flask-smorest blueprint shares
    parser.DEFAULT_UNKNOWN_BY_LOCATION = {**parser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}


SINGLE_LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"


def text_without_nul(self, field, ret, **kwargs) -> dict:
    """Say in the OpenAPI document what core.bodies enforces on every route: no U+0000 in any text; and, for a
    single-line field (``validate=single_line``, or a field marked ``single_line``), no line break nor control
    character (core.singleline)."""
    from crisis_app.core.singleline import single_line

    constrained = {"pattern", "format", "enum"} & set(ret)
    if isinstance(field, fields.String) and ret.get("type") == "string" and not constrained:
        if getattr(field, "single_line", False) or single_line in getattr(field, "validators", []):
            return {"pattern": SINGLE_LINE_PATTERN}
        return {"pattern": "^[^\\u0000]*$"}
    return {}


def error_responses(blueprint, *statuses: int):
    """Document the error answers an endpoint may give, all in the one error format."""

    def decorator(func):
        for status in statuses:
            func = blueprint.alt_response(status, schema=ErrorSchema, description=ERROR_CODES[status][1])(func)
        return func

    return decorator


def handle_service_error(error: ServiceError):
    if not is_api_request():
        return html_error(error.status, message=error.message)
    return error_payload(error.status, code=error.code, message=error.message, fields=error.fields), \
        error.status


HTML_TITLES = {
    400: "Requête invalide", 403: "Accès refusé", 404: "Page introuvable", 405: "Action non permise",
    409: "Conflit", 413: "Envoi trop volumineux", 422: "Données invalides", 429: "Trop de tentatives",
    500: "Erreur interne",
}


def html_error(status: int, *, message: str | None = None):
    title = HTML_TITLES.get(status, "Erreur")
    text = message or ERROR_CODES.get(status, ("", "Une erreur est survenue."))[1]
    return render_template("errors/error.html", status=status, title=title, message=text), status
