"""Annual report API: the year's report as JSON; its PDF and CSV made by a worker and kept until the year's content
changes (core.documents). Asking for a file answers it when kept, else 202 with the document to follow. The
coordinator and the observers read it."""

from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.contract import documents as report_documents
from crisis_app.contract import report
from crisis_app.contract.schemas import AnnualReportSchema, FileQuerySchema, ReportDocumentSchema, YearQuerySchema
from crisis_app.core import documents
from crisis_app.core.access import permission_required
from crisis_app.core.api import error_responses
from crisis_app.core.db import db, utcnow
from crisis_app.core.documents.models import Document, DocumentStatus
from crisis_app.core.errors import ServiceError
from crisis_app.core.timez import to_paris

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports",
               description="Bilan annuel des missions crises sanitaires graves et qualité (JSON, PDF, CSV)")
MAX_ID = 2**31 - 1
NOT_FOUND = "Aucun fichier de bilan annuel ne porte ce numéro."


def _year(args: dict) -> int:
    return args.get("year") or to_paris(utcnow()).year


def _status(document: Document) -> dict:
    return {**documents.status(document), "kind": document.kind, "year": int(document.key),
            "download_url": url_for("api_reports.AnnualDocumentFile", document_id=document.id)}


def _asked(args: dict) -> Document:
    return report_documents.request_report(_year(args), file=args["file"], actor=current_user._get_current_object())


def _document(document_id: int) -> Document:
    document = db.session.get(Document, document_id) if 0 < document_id <= MAX_ID else None
    if document is None or document.kind not in report_documents.KINDS.values():
        raise ServiceError("not_found", NOT_FOUND, status=404)
    return document


@bp.route("/annual")
class Annual(MethodView):
    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 409, 422)
    @bp.arguments(YearQuerySchema, location="query")
    @bp.response(200, AnnualReportSchema)
    def get(self, args):
        """The year's report (this year by default): plan, activities, crises, alerts, quality, actions,
        indicators against their targets."""
        return report.collect(_year(args))

    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 422)
    @bp.arguments(FileQuerySchema, location="query")
    @bp.response(202, ReportDocumentSchema)
    def post(self, args):
        """Ask for the year's PDF (``file=pdf``, the default) or CSV: the kept one when the year has not changed
        since, else a worker makes it; follow it at ``/annual/documents/<id>``."""
        return _status(_asked(args))


def _file_or_job(args: dict, file: str):
    document = _asked({**args, "file": file})
    if document.status is DocumentStatus.READY:
        return documents.download(document)
    return ReportDocumentSchema().dump(_status(document)), 202


@bp.route("/annual.pdf")
class AnnualPdf(MethodView):
    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 422)
    @bp.arguments(YearQuerySchema, location="query")
    @bp.response(200, content_type="application/pdf", description="Le bilan de l'année tel qu'il est, en PDF")
    @bp.alt_response(202, schema=ReportDocumentSchema, description="Le PDF se fabrique : suivez le document")
    def get(self, args):
        """The year's PDF when kept for the year as it stands, else 202 and the document a worker is making."""
        return _file_or_job(args, "pdf")


@bp.route("/annual.csv")
class AnnualCsv(MethodView):
    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 422)
    @bp.arguments(YearQuerySchema, location="query")
    @bp.response(200, content_type="text/csv", description="Le bilan de l'année tel qu'il est, en CSV")
    @bp.alt_response(202, schema=ReportDocumentSchema, description="Le CSV se fabrique : suivez le document")
    def get(self, args):
        """The year's CSV when kept for the year as it stands, else 202 and the document a worker is making."""
        return _file_or_job(args, "csv")


@bp.route("/annual/documents/<int:document_id>")
class AnnualDocument(MethodView):
    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 404)
    @bp.response(200, ReportDocumentSchema)
    def get(self, document_id: int):
        """A report's file being made or made: its state and progress (percent)."""
        return _status(_document(document_id))


@bp.route("/annual/documents/<int:document_id>/file")
class AnnualDocumentFile(MethodView):
    @permission_required("report.annual.read")
    @error_responses(bp, 401, 403, 404, 409)
    @bp.response(200, content_type="application/pdf", description="Le fichier (PDF ou CSV) une fois fabriqué")
    def get(self, document_id: int):
        """The made file (409 while it is being made or has failed)."""
        document = _document(document_id)
        if document.status is not DocumentStatus.READY:
            raise ServiceError("not_ready", f"Ce fichier n'est pas prêt ({document.status.label.lower()}) : suivez "
                               f"/api/v1/reports/annual/documents/{document.id}.", status=409)
        return documents.download(document)
