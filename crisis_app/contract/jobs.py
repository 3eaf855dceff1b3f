"""Annual reports made by a worker: the job row with its progress, the worker's part, the state the page follows.

The report-making functions are pure (crisis_app.contract.report); this module only runs them and keeps the
result, so the generic "document made by Celery" mechanism can take them over.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from crisis_app.contract import report
from crisis_app.contract.models import AnnualReport, ReportState
from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User

log = logging.getLogger(__name__)
BROKEN = "Le bilan n'a pas pu être produit (erreur inattendue). Réessayez ou prévenez l'équipe."
WAITING = (ReportState.QUEUED, ReportState.RUNNING)


@atomic()
def start_report(*, actor: User, year: int) -> AnnualReport:
    """Queue the year's annual report; the worker makes it once this unit has committed."""
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError("validation_error", "Année entre 2000 et 2100.", field="year")
    job = AnnualReport(year=year, state=ReportState.QUEUED, progress=0, requested_by_id=actor.id)
    db.session.add(job)
    db.session.flush()
    audit.record(actor=actor, action="contract.annual_report", object_type="aci_annual_report", object_id=job.id,
                 summary=f"Bilan annuel {year} demandé")
    job_id = job.id
    db.session().on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    from crisis_app.contract.tasks import make_report

    try:
        make_report.delay(job_id)
    except Exception:  # noqa: BLE001 - the broker is down: say so rather than leave the page waiting forever
        log.exception("could not enqueue annual report %s", job_id)
        with atomic():
            _finish(job_id, state=ReportState.FAILED, message="La file de travail est injoignable : réessayez.")


def _finish(job_id: int, **values) -> None:
    db.session.execute(sa.update(AnnualReport).where(AnnualReport.id == job_id)
                       .values(finished_at=utcnow(), **values))


def _progress(job_id: int, low: float, high: float):
    # committed in a unit of its own, so the page sees the percentage move while the worker goes on
    def write(fraction: float) -> None:
        with atomic():
            db.session.execute(sa.update(AnnualReport).where(AnnualReport.id == job_id)
                               .values(progress=int(100 * (low + (high - low) * fraction))))

    return write


def run(*, job_id: int) -> None:
    """The worker's part: claim the job, make the PDF then the CSV with progress, keep them."""
    with atomic():
        claimed = db.session.execute(sa.update(AnnualReport).where(
            AnnualReport.id == job_id, AnnualReport.state == ReportState.QUEUED)
            .values(state=ReportState.RUNNING, progress=0)).rowcount
    job = db.session.get(AnnualReport, job_id)
    if not claimed or job is None:
        return
    year = job.year
    try:
        pdf = report.make_annual_report(year, _progress(job_id, 0, 0.85))
        csv = report.make_annual_report_csv(year, _progress(job_id, 0.85, 0.99))
    except ServiceError as exc:
        with atomic():
            _finish(job_id, state=ReportState.FAILED, message=exc.message[:500])
        return
    except Exception:
        log.exception("annual report %s failed", job_id)
        with atomic():
            _finish(job_id, state=ReportState.FAILED, message=BROKEN)
        raise
    with atomic():
        _finish(job_id, state=ReportState.DONE, progress=100, pdf=pdf, csv=csv)


def status(job: AnnualReport) -> dict:
    return {"id": job.id, "year": job.year, "state": job.state.value, "label": job.state.label,
            "progress": job.progress, "message": job.message, "waiting": job.state in WAITING}


def latest_done(year: int) -> AnnualReport | None:
    return db.session.scalar(sa.select(AnnualReport).where(AnnualReport.year == year,
                                                           AnnualReport.state == ReportState.DONE)
                             .order_by(AnnualReport.id.desc()).limit(1))


def recent(limit: int = 10) -> list[AnnualReport]:
    return list(db.session.scalars(sa.select(AnnualReport).order_by(AnnualReport.id.desc()).limit(limit)))
