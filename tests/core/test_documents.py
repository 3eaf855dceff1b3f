"""Documents made in the background and kept (core.documents): a route answers the wait page, a worker makes the
document once with its progress, the same source gives the kept file back, a changed source makes a new one, a
failure reads in French and can be retried, and only who may read the source reaches any of it."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from crisis_app.core import documents
from crisis_app.core.db import db
from crisis_app.core.documents.models import Document, DocumentStatus
from crisis_app.core.documents.tasks import make_document
from crisis_app.core.roles import Role
from crisis_app.crises import journal, services
from tests.conftest import csrf_token
from tests.documents import made_id


@pytest.fixture
def crisis(personas):
    return services.open_crisis(actor=personas[Role.CRISIS_REFERENT].user, title="Canicule juillet", typology=4,
                                gradation=1, authority="ars", authority_reference="ARS-2026-117")


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _documents() -> list[Document]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Document).order_by(Document.id)))


def test_the_journal_is_made_once_by_the_worker_then_kept(login, personas, crisis):
    client = login(personas[Role.CRISIS_CELL])
    asked = client.get(f"/crises/{crisis.id}/journal.pdf")
    document_id = made_id(asked)
    assert document_id is not None  # the request does not make the PDF: it sends to the wait page
    waiting = client.get(f"/documents/{document_id}")
    assert waiting.status_code == 200 and 'data-testid="document-progress"' in waiting.text
    assert '<noscript><meta http-equiv="refresh"' in waiting.text  # follows itself without JavaScript
    assert client.get(f"/documents/{document_id}/fichier").status_code == 303  # not made yet: back to waiting
    make_document(document_id)  # what the worker does
    ready = client.get(f"/documents/{document_id}")
    assert 'data-testid="document-ready"' in ready.text and "<noscript><meta" not in ready.text
    pdf = client.get(f"/documents/{document_id}/fichier")
    assert pdf.mimetype == "application/pdf" and "Canicule juillet" in _text(pdf.data)
    assert f'filename="journal-crise-{crisis.id}.pdf"' in pdf.headers["Content-Disposition"]
    [kept] = _documents()
    again = client.get(f"/crises/{crisis.id}/journal.pdf")  # nothing changed: the kept file at once
    assert again.status_code == 200 and again.data == pdf.data
    assert [(d.id, d.made_at) for d in _documents()] == [(kept.id, kept.made_at)]


def test_a_new_journal_line_makes_a_new_document_and_the_old_one_goes(login, personas, crisis):
    client = login(personas[Role.CRISIS_CELL])
    first = made_id(client.get(f"/crises/{crisis.id}/journal.pdf"))
    make_document(first)
    journal.write(actor=personas[Role.CRISIS_REFERENT].user, crisis=crisis, kind="information",
                  text="Renfort de deux infirmières au centre de Muret")
    db.session.commit()
    second = made_id(client.get(f"/crises/{crisis.id}/journal.pdf"))
    assert second is not None and second != first
    make_document(second)
    assert "Renfort de deux infirmières" in _text(client.get(f"/documents/{second}/fichier").data)
    assert [d.id for d in _documents()] == [second]  # the older PDF of that journal is not kept
    assert client.get(f"/documents/{first}").status_code == 404


def test_an_altered_journal_line_is_never_covered_by_the_kept_pdf(login, personas, crisis):
    """Count and last hash unchanged, one line rewritten in the database: a new PDF, which says the chain broke."""
    client = login(personas[Role.CRISIS_CELL])
    journal.write(actor=personas[Role.CRISIS_REFERENT].user, crisis=crisis, kind="information", text="Point à 9 h")
    journal.write(actor=personas[Role.CRISIS_REFERENT].user, crisis=crisis, kind="information", text="Point à 12 h")
    db.session.commit()
    first = made_id(client.get(f"/crises/{crisis.id}/journal.pdf"))
    make_document(first)
    db.session.execute(sa.text("UPDATE crisis_journal_entry SET text = 'Point à 10 h' WHERE text = 'Point à 9 h'"))
    db.session.commit()
    second = made_id(client.get(f"/crises/{crisis.id}/journal.pdf"))
    assert second not in (None, first)
    make_document(second)
    assert "intacte" not in _text(client.get(f"/documents/{second}/fichier").data)


SEEN: dict[str, list] = {}


@documents.maker("test-progress", may_read=lambda user, key: user.may("crisis.read"),
                 filename=lambda key: f"essai-{key}.txt", title="Document d'essai", mimetype="text/plain")
def _make_slowly(key: str, progress) -> bytes:
    client, url = SEEN.pop("follow")
    for percent in (25, 60):
        progress(percent)
        SEEN.setdefault("seen", []).append(client.get(url).json["progress"])
    return f"fait pour {key}".encode()


def test_the_wait_page_sees_the_progress_the_maker_reports(login, personas):
    client = login(personas[Role.CRISIS_CELL])
    document = documents.request(kind="test-progress", key="k1", fingerprint="v1",
                                 actor=personas[Role.CRISIS_CELL].user)
    db.session.commit()
    SEEN.clear()
    SEEN["follow"] = (client, f"/documents/{document.id}.json")
    assert client.get(f"/documents/{document.id}.json").json["progress"] == 0
    make_document(document.id)
    assert SEEN["seen"] == [25, 60]
    status = client.get(f"/documents/{document.id}.json").json
    assert status["progress"] == 100 and status["ready"] and not status["waiting"]
    assert client.get(status["download_url"]).data == b"fait pour k1"


ATTEMPTS: list[str] = []


@documents.maker("test-failing", may_read=lambda user, key: user.may("crisis.read"),
                 filename=lambda key: "essai.txt", title="Document d'essai", mimetype="text/plain")
def _fail_once(key: str, progress) -> bytes:
    ATTEMPTS.append(key)
    if len(ATTEMPTS) == 1:
        raise RuntimeError("the PDF engine ran out of memory")
    return b"second essai"


def test_a_failing_maker_reads_in_french_and_the_user_retries(login, personas):
    ATTEMPTS.clear()
    client = login(personas[Role.CRISIS_CELL])
    document = documents.request(kind="test-failing", key="k", fingerprint="v", actor=None)
    db.session.commit()
    make_document(document.id)
    page = client.get(f"/documents/{document.id}")
    assert 'data-testid="document-failed"' in page.text and "La fabrication du document a échoué" in page.text
    assert "memory" not in page.text and client.get(f"/documents/{document.id}/fichier").status_code == 303
    retried = client.post(f"/documents/{document.id}/relancer",
                          data={"csrf_token": csrf_token(client, f"/documents/{document.id}")})
    assert retried.status_code == 303
    assert client.get(f"/documents/{document.id}.json").json["label"] == "En attente d'un travailleur"
    make_document(document.id)
    assert client.get(f"/documents/{document.id}/fichier").data == b"second essai" and len(ATTEMPTS) == 2


def test_a_maker_refusing_says_why_in_its_own_words(login, personas, crisis):
    """A source gone between the request and the worker: the maker's French message is what the page shows."""
    client = login(personas[Role.CRISIS_CELL])
    document = documents.request(kind="journal", key="999999", fingerprint="x", actor=None)
    db.session.commit()
    make_document(document.id)
    assert client.get(f"/documents/{document.id}.json").json["error"].startswith("Cette crise n'existe plus")
    assert "Cette crise n&#39;existe plus" in client.get(f"/documents/{document.id}").text


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.QUALITY_REFERENT])
def test_a_role_that_may_not_read_the_journal_reaches_none_of_its_document(login, personas, crisis, role):
    from crisis_app.crises import documents as crisis_documents

    document = crisis_documents.request_journal(crisis, actor=personas[Role.CRISIS_CELL].user)
    db.session.commit()
    make_document(document.id)
    client = login(personas[role])
    token = csrf_token(client, "/")  # a valid token: only the refusal may fail the post
    for url in (f"/documents/{document.id}", f"/documents/{document.id}.json", f"/documents/{document.id}/fichier"):
        assert client.get(url).status_code == 404, url  # refused, and whether it exists is not told
    assert client.post(f"/documents/{document.id}/relancer", data={"csrf_token": token}).status_code == 404
    # the document is there, made, and the cellule reads it: only the role was refused
    assert _documents()[0].status is DocumentStatus.READY
    assert documents.kind_of("journal").may_read(personas[Role.CRISIS_CELL].user, document.key)


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.QUALITY_REFERENT])
def test_only_the_quality_referent_reaches_an_eigs_document(login, personas, role):
    document = documents.request(kind="eigs", key="1-1", fingerprint="x", actor=None)
    db.session.commit()
    client = login(personas[role])
    assert client.get(f"/documents/{document.id}").status_code == 404
    assert client.get(f"/documents/{document.id}.json").status_code == 404
    assert documents.kind_of("eigs").may_read(personas[Role.QUALITY_REFERENT].user, document.key)


def test_a_wait_page_for_no_document_is_a_404(login, personas):
    client = login(personas[Role.CRISIS_CELL])
    assert client.get("/documents/2147483647").status_code == 404
    assert client.get("/documents/99999999999999").status_code == 404


def test_the_file_name_names_the_eigs_reference(login, personas):
    from tests.quality.conftest import declare

    event = declare(personas[Role.PROFESSIONAL].user).event
    event.is_eigs = True
    db.session.commit()
    client = login(personas[Role.QUALITY_REFERENT])
    document_id = made_id(client.get(f"/qualite/evenements/{event.id}/eigs/partie-1.pdf"))
    make_document(document_id)
    response = client.get(f"/documents/{document_id}/fichier")
    assert re.search(rf'filename="eigs-{event.reference}-partie-1\.pdf"', response.headers["Content-Disposition"])
    assert response.mimetype == "application/pdf"
    assert db.session.get(Document, document_id).status is DocumentStatus.READY


def test_a_fingerprint_reads_an_instant_by_its_value_not_by_how_its_timezone_is_written():
    """The same instant set in Python (timezone.utc) and read back from PostgreSQL (the driver's tzinfo) is the same
    source: the minutes queued when established must be the ones a later click finds."""
    from datetime import UTC, datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 12, 7, 4, 30, 12, 345678, tzinfo=UTC)
    same = [moment.astimezone(ZoneInfo("UTC")), moment.astimezone(timezone(timedelta(0))),
            moment.astimezone(ZoneInfo("Europe/Paris"))]
    assert {documents.fingerprint({"at": m}, [m]) for m in [moment, *same]} == {
        documents.fingerprint({"at": moment}, [moment])}
    assert documents.fingerprint({"at": moment}) != documents.fingerprint({"at": moment + timedelta(microseconds=1)})
