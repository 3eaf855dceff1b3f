"""The annual report's PDF and CSV, made by a worker and kept (core.documents) until the year's content changes.

Its fingerprint is the report's content itself (SQL reads of the year, unscreened: cheap); the maker collects it again,
screens the quality texts (a finding fails the document with the passage named) and prints it.
"""

from __future__ import annotations

from crisis_app.contract import report
from crisis_app.core import documents
from crisis_app.core.documents.models import Document
from crisis_app.core.models import User

ANNUAL_PDF = "annual_report"
ANNUAL_CSV = "annual_report_csv"
KINDS = {"pdf": ANNUAL_PDF, "csv": ANNUAL_CSV}


def _may_read(user: User, key: str) -> bool:
    return user.may("report.annual.read")


def _fraction(progress):
    # report's functions count in fractions of the whole, documents in percent
    return lambda fraction: progress(int(100 * fraction))


def request_report(year: int, *, file: str, actor: User | None) -> Document:
    """The kept PDF (``file="pdf"``) or CSV of the year's report as it stands, else one a worker starts making."""
    return documents.request(kind=KINDS[file], key=str(year),
                             fingerprint=documents.fingerprint(report.collect(year, screened=False)), actor=actor)


@documents.maker(ANNUAL_PDF, may_read=_may_read, filename=lambda key: f"bilan-annuel-{key}.pdf",
                 title="Bilan annuel en PDF")
def make_pdf(key: str, progress) -> bytes:
    return report.make_annual_report(int(key), _fraction(progress))


@documents.maker(ANNUAL_CSV, may_read=_may_read, filename=lambda key: f"bilan-annuel-{key}.csv",
                 title="Bilan annuel en CSV", mimetype="text/csv")
def make_csv(key: str, progress) -> bytes:
    return report.make_annual_report_csv(int(key), _fraction(progress)).encode("utf-8")
