"""The documents API: any document a worker makes (plan, journal, RETEX, drill report…) followed and fetched by its
number, with the same rule as the wait page (the kind's ``may_read``; a document one may not read is a 404).

An endpoint that gives a document answers through :func:`answer`: the file when it is kept for the source as it
stands, else 202 with the document's state, whose ``status_url`` and ``download_url`` lead here.
"""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from crisis_app.core.access import permission_required
from crisis_app.core.api import error_responses
from crisis_app.core.documents import jobs
from crisis_app.core.documents.models import Document, DocumentStatus
from crisis_app.core.documents.schemas import DocumentStatusSchema
from crisis_app.core.documents.views import get_document_for_user
from crisis_app.core.errors import ServiceError

bp = Blueprint("api_documents", __name__, url_prefix="/api/v1/documents",
               description="Documents fabriqués par un worker (PDF, CSV) : état, progression, fichier")


def api_status(document: Document) -> dict:
    """``jobs.status`` with the API's addresses instead of the pages'."""
    return {**jobs.status(document), "kind": document.kind,
            "status_url": url_for("api_documents.DocumentState", document_id=document.id),
            "download_url": url_for("api_documents.DocumentFile", document_id=document.id)}


def answer(document: Document):
    """What an API endpoint giving a document returns: the file when made, else ``(state, 202)`` to follow."""
    if document.status is DocumentStatus.READY:
        return jobs.download(document)
    return DocumentStatusSchema().dump(api_status(document)), 202


# "home.view" lets in every signed-in role; the kind's may_read then decides (get_document_for_user: 404)
@bp.route("/<int:document_id>")
class DocumentState(MethodView):
    @permission_required("home.view")
    @error_responses(bp, 401, 403, 404)
    @bp.response(200, DocumentStatusSchema)
    def get(self, document_id: int):
        """A document being made or made: its state, progress (percent) and, once failed, why."""
        return api_status(get_document_for_user(document_id))


@bp.route("/<int:document_id>/file")
class DocumentFile(MethodView):
    @permission_required("home.view")
    @error_responses(bp, 401, 403, 404, 409)
    @bp.response(200, content_type="application/octet-stream",
                 description="Le fichier une fois fabriqué (PDF ou CSV selon le document)")
    def get(self, document_id: int):
        """The made file (409 while it is being made or after it failed: follow its state)."""
        document = get_document_for_user(document_id)
        if document.status is not DocumentStatus.READY:
            raise ServiceError("not_ready", f"Ce document n'est pas prêt ({document.status.label.lower()}) : suivez "
                               f"{url_for('api_documents.DocumentState', document_id=document.id)}.", status=409)
        return jobs.download(document)
