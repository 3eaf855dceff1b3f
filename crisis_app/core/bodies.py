"""Request bodies: a size limit checked before a byte is read, a nesting depth checked before any parse, and API
writes that must carry a body.

Every request may send at most ``MAX_CONTENT_LENGTH`` bytes (``VIGIE_MAX_REQUEST_BYTES``, 2 MB): a larger
``Content-Length`` is answered 413 at once, without reading the body; a body without a length (chunked) is cut
at the limit as it is read. A view that needs more declares it with ``@body_limit(...)`` (a number or a config
key), read by the same check, so the larger limit holds before the CSRF check reads the form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate
from typing import TypeVar

from flask import current_app, request
from flask_login import current_user

from crisis_app.core.api import error_payload, html_error, is_api_request

F = TypeVar("F", bound=Callable)

BODY_METHODS = {"POST", "PUT", "PATCH"}


def body_limit(limit: int | str) -> Callable[[F], F]:
    """Allow this view bodies of up to ``limit`` bytes (an int, or the name of a config key holding one)."""

    def decorator(view: F) -> F:
        view.vigie_body_limit = limit
        return view

    return decorator


def _view_function():
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(view_class, request.method.lower(), None)
    return view


def _limit_for_request() -> int | None:
    """The view's ``@body_limit`` if it has one, else what an earlier hook set on the request, else the config."""
    declared = getattr(_view_function(), "vigie_body_limit", None)
    if isinstance(declared, str):
        declared = int(current_app.config[declared])
    if declared is not None:
        request.max_content_length = declared
    return request.max_content_length


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",").replace(",0", "")


def enforce_size_limit():
    """Before anything reads the body: 413 when the announced length exceeds this view's limit."""
    limit = _limit_for_request()
    if limit is None or request.content_length is None or request.content_length <= limit:
        return None
    message = (f"Requête trop volumineuse : {_megabytes(request.content_length)} Mo envoyés, "
               f"au plus {_megabytes(limit)} Mo acceptés ici.")
    if is_api_request():
        return error_payload(413, message=message), 413, {"Connection": "close"}
    response, status = html_error(413, message=message)
    return response, status, {"Connection": "close"}


def _declares_json_body(view) -> bool:
    apidoc = getattr(view, "_apidoc", {})
    return any(p.get("in") == "json" for p in apidoc.get("arguments", {}).get("parameters", []))


def require_json_body():
    """An API write whose endpoint takes a JSON body must send one: an empty PATCH is a mistake, not a no-op.

    Checked only once the caller would pass the endpoint's guard, so 401 and 403 keep coming first.
    """
    if request.method not in BODY_METHODS or not is_api_request():
        return None
    view = _view_function()
    permission = getattr(view, "vigie_permission", None)
    if permission is None or not current_user.is_authenticated or not current_user.may(permission):
        return None
    if not _declares_json_body(view):
        return None
    if request.content_length == 0 or not request.get_data(cache=True).strip():
        message = "Corps de requête vide : envoyez un objet JSON (Content-Type: application/json)."
        return error_payload(422, message=message, fields={"json": [message]}), 422
    return None


NUL_MESSAGE = "Caractère nul (U+0000) refusé : il ne peut pas être enregistré. Retirez-le et recommencez."

# JSON nesting allowed in a body: Vigie's deepest schema nests 3 levels; 32 leaves room and bounds every walk
MAX_JSON_DEPTH = 32
DEPTH_MESSAGE = (f"Corps JSON trop imbriqué : au plus {MAX_JSON_DEPTH} niveaux de listes ou d'objets "
                 "emboîtés sont acceptés.")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


def json_depth(data: bytes) -> int:
    """The deepest nesting of lists and objects in raw JSON text, without parsing it (no recursion: a parser
    recurses once per level and a 1 KB body may hold 500 of them). Brackets inside strings do not count."""
    skeleton = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate(_STEP[b] for b in skeleton), default=0)


def refuse_deep_json():
    """A JSON body nested deeper than ``MAX_JSON_DEPTH`` is refused before anything parses or walks it (400, the
    API's error shape). Runs after the access check (core.access.check_access), so an anonymous caller of a guarded
    endpoint learns nothing about the body's shape. Public routes are left alone: the signed webhooks read their
    body themselves and refuse it unsigned before parsing it."""
    if request.method not in BODY_METHODS or not request.is_json:
        return None
    if getattr(_view_function(), "vigie_permission", None) is None:
        # public JSON routes (signed webhooks) read their own body, within their own limit, signature first
        return None
    data = request.get_data(cache=True)
    if json_depth(data) <= MAX_JSON_DEPTH:
        return None
    if is_api_request():
        return error_payload(400, code="too_deep", message=DEPTH_MESSAGE, fields={"json": [DEPTH_MESSAGE]}), 400
    return html_error(400, message=DEPTH_MESSAGE)


def _nul_paths(value) -> list[str]:
    """Where U+0000 sits in a parsed JSON value (``contacts.0.name``), keys included; iterative, and never deeper
    than ``MAX_JSON_DEPTH`` (refuse_deep_json runs first)."""
    found = []
    stack = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                found.append(path or "json")
            continue
        if depth > MAX_JSON_DEPTH:
            found.append(path or "json")
            continue
        if isinstance(item, dict):
            children = []
            for key, child in item.items():
                where = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    found.append(where)
                else:
                    children.append((child, where, depth + 1))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(child, f"{path}.{i}" if path else str(i), depth + 1)
                                   for i, child in enumerate(item)]))
    return found


def _fields_with_nul() -> list[str]:
    """The names of the inputs (path, query, form, JSON body) carrying U+0000; empty when there is none."""
    found = [k for k, v in (request.view_args or {}).items() if isinstance(v, str) and "\x00" in v]
    found += [k for k, v in request.args.items(multi=True) if "\x00" in k or "\x00" in v]
    if request.method not in BODY_METHODS:
        return found
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        found += [k for k, v in request.form.items(multi=True) if "\x00" in k or "\x00" in v]
    elif request.is_json and getattr(_view_function(), "vigie_permission", None) is not None:
        # public JSON routes (signed webhooks) read their own body, within their own limit, before anything else
        data = request.get_data(cache=True)
        if b"\x00" in data or b"\\u0000" in data:
            found += _nul_paths(request.get_json(silent=True)) or ["json"]
    return found


def refuse_nul_characters():
    """PostgreSQL refuses U+0000 in text (a 500 deep in a query): refuse it at the door, for every route, naming
    the field (422 in the API's error shape, a French page otherwise).

    Uploaded files are not looked at: their readers decide (``core.csvread``).
    """
    fields = _fields_with_nul()
    if not fields:
        return None
    if is_api_request():
        return error_payload(422, message=NUL_MESSAGE, fields={f: [NUL_MESSAGE] for f in fields}), 422
    return html_error(400, message=NUL_MESSAGE)
