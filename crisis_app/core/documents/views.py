"""The wait page of a document being made (progress bar, with or without JavaScript), its status and its file."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from crisis_app.core.access import permission_required
from crisis_app.core.db import db
from crisis_app.core.documents import jobs
from crisis_app.core.documents.models import Document, DocumentStatus
from crisis_app.core.documents.registry import kind_of

bp = Blueprint("documents", __name__, url_prefix="/documents")

MAX_ID = 2**31 - 1


def get_document_for_user(document_id: int) -> Document:
    """The document if the user may read its source (the kind's own rule), else 404: whether a document of a
    source one may not read exists is not told (as quality.register.query does for events)."""
    document = db.session.get(Document, document_id) if 0 < document_id <= MAX_ID else None
    kind = kind_of(document.kind) if document is not None else None
    if kind is None or not kind.may_read(current_user._get_current_object(), document.key):
        abort(404)
    return document


# "home.view" lets in every signed-in role; the kind's may_read then decides (see get_document_for_user)
@bp.route("/<int:document_id>")
@permission_required("home.view")
def follow(document_id: int):
    document = get_document_for_user(document_id)
    return render_template("core/document_follow.html", document=document, kind=kind_of(document.kind),
                           status=jobs.status(document), auto_download=request.args.get("telecharger") == "1")


@bp.route("/<int:document_id>.json")
@permission_required("home.view")
def follow_status(document_id: int):
    return jsonify(jobs.status(get_document_for_user(document_id)))


@bp.route("/<int:document_id>/fichier")
@permission_required("home.view")
def file(document_id: int):
    document = get_document_for_user(document_id)
    if document.status is not DocumentStatus.READY:
        return redirect(url_for("documents.follow", document_id=document.id), code=303)
    return jobs.download(document)


@bp.route("/<int:document_id>/relancer", methods=["POST"])
@permission_required("home.view")
def retry(document_id: int):
    document = get_document_for_user(document_id)
    jobs.retry(document=document)
    return redirect(url_for("documents.follow", document_id=document.id), code=303)
