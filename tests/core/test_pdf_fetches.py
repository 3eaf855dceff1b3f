"""Every PDF is made by core.pdf, whose fetcher reads only the files the application ships: a free text carrying an
``<img src="file:///etc/passwd">``, a stylesheet link to a server or a CSS ``@import`` makes the server neither read
the file nor call anyone, and the PDF is still made.

Each document is driven through its page or API (the stable surface) on the demo CPTS, with the hostile text written
into the free texts that reach it; a loopback HTTP listener counts the requests the rendering made."""

from __future__ import annotations

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdf
import pytest
import sqlalchemy as sa

from crisis_app.core import pdf
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.demo.seed import DEMO_ACCOUNTS
from crisis_app.core.documents.tasks import make_document
from crisis_app.core.roles import Role
from tests.documents import fetch, fetch_api
from tests.hostile import forget_user, login_demo

PASSWD_LINE = "root:x:0:0"


@pytest.fixture(scope="module")
def listener():
    """A loopback HTTP server that counts every request made to it."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()


def hostile(port: int) -> str:
    return (f'<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">'
            f'<style>@import url(http://127.0.0.1:{port}/y.css)</style>')


def _text(document: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(document))
    return re.sub(r"\s+", "", " ".join(page.extract_text() for page in reader.pages))


def _table(name: str) -> sa.Table:
    return db.metadata.tables[name]


def _write(table: str, row_id: int, **values) -> None:
    with atomic():
        db.session.execute(sa.update(_table(table)).where(_table(table).c.id == row_id).values(**values))


def _first_id(table: str, *where) -> int:
    return db.session.scalar(sa.select(sa.func.min(_table(table).c.id)).where(*where))


def _token(role: Role) -> dict:
    """Bearer headers of the demo account of ``role`` (the pushed context forgets the previous request's user)."""
    forget_user()
    with atomic():
        user = auth_services.get_user_by_email(DEMO_ACCOUNTS[role])
        token = auth_services.issue_token(actor=None, user=user)
    return {"Authorization": f"Bearer {token}"}


def _assert_safe(document: bytes, seen: list[str], *, carries_text: bool = True) -> None:
    assert document.startswith(b"%PDF")
    text = _text(document)
    assert PASSWD_LINE not in text
    if carries_text:  # the hostile text reached the document (shown as text: Jinja escaped it)
        assert "file:///etc/passwd" in text and "x.css" in text
    assert seen == []


def test_the_plan_pdf_fetches_nothing(app, demo_world, listener):
    port, seen = listener
    table = _table("plan_version")
    plan_id = _first_id("plan_version", table.c.status == "published")
    anticipation = dict(db.session.scalar(sa.select(table.c.anticipation).where(table.c.id == plan_id)) or {})
    anticipation["directory_notes"] = hostile(port)
    _write("plan_version", plan_id, anticipation=anticipation)
    response = fetch_api(app.test_client(), f"/api/v1/plans/{plan_id}/pdf", _token(Role.CRISIS_REFERENT))
    assert response.status_code == 200, response.text[:300]
    _assert_safe(response.data, seen)


def test_the_journal_and_retex_pdfs_fetch_nothing(app, demo_world, listener):
    port, seen = listener
    crisis = _table("crisis")
    open_id = _first_id("crisis", crisis.c.closed_at.is_(None))
    written = app.test_client().post(f"/api/v1/crises/{open_id}/journal", headers=_token(Role.CRISIS_REFERENT),
                                     json={"kind": "information", "text": hostile(port)})
    assert written.status_code == 201, written.text[:300]
    client, _ = login_demo(app, Role.CRISIS_REFERENT)
    journal = fetch(client, f"/crises/{open_id}/journal.pdf")
    assert journal.status_code == 200
    _assert_safe(journal.data, seen)

    evaluation = _table("crisis_evaluation")
    evaluation_id = _first_id("crisis_evaluation")
    closed_id = db.session.scalar(sa.select(evaluation.c.crisis_id).where(evaluation.c.id == evaluation_id))
    _write("crisis_evaluation", evaluation_id, worked=hostile(port), not_worked=hostile(port))
    _write("crisis", closed_id, close_reason=hostile(port))
    retex = fetch(client, f"/crises/{closed_id}/retex.pdf")
    assert retex.status_code == 200
    _assert_safe(retex.data, seen)


def test_the_minutes_pdf_fetches_nothing(app, demo_world, listener):
    port, seen = listener
    session_id = _first_id("quality_session", _table("quality_session").c.status == "held")
    _write("quality_session", session_id, summary=hostile(port), place="Salle <img src='file:///etc/passwd'>")
    headers = _token(Role.QUALITY_REFERENT)
    client = app.test_client()
    made = client.post(f"/api/v1/quality/sessions/{session_id}/minutes", headers=headers, json={"send": False})
    assert made.status_code == 200, made.text[:300]
    forget_user()
    waiting = client.get(f"/api/v1/quality/sessions/{session_id}/minutes", headers=headers)
    assert waiting.status_code == 202
    make_document(waiting.get_json()["id"])  # what the worker does
    forget_user()
    minutes = client.get(f"/api/v1/quality/sessions/{session_id}/minutes", headers=headers)
    assert minutes.status_code == 200
    _assert_safe(minutes.data, seen)


def test_the_eigs_declaration_pdfs_fetch_nothing(app, demo_world, listener):
    port, seen = listener
    event_id = _first_id("adverse_event", _table("adverse_event").c.is_eigs.is_(True))
    _write("adverse_event", event_id, description=hostile(port), immediate_measures=hostile(port))
    client, _ = login_demo(app, Role.QUALITY_REFERENT)
    for part in (1, 2):
        response = fetch(client, f"/qualite/evenements/{event_id}/eigs/partie-{part}.pdf")
        assert response.status_code == 200, response.text[:300]
        _assert_safe(response.data, seen, carries_text=part == 1)


def test_the_annual_quality_report_pdf_fetches_nothing(app, demo_world, listener):
    port, seen = listener
    theme = _table("quality_theme")
    link = _table("quality_session_theme")
    theme_id = db.session.scalar(sa.select(sa.func.min(link.c[link.c.keys()[1]])))
    _write("quality_theme", theme_id, label=f'<img src="file:///etc/passwd"><link href="http://127.0.0.1:{port}/x.css">'[:120])
    assert db.session.scalar(sa.select(theme.c.label).where(theme.c.id == theme_id)).startswith("<img")
    client, _ = login_demo(app, Role.QUALITY_REFERENT)
    response = fetch(client, f"/qualite/indicateurs/rapport-{utcnow().year}.pdf")
    assert response.status_code == 200, response.text[:300]
    _assert_safe(response.data, seen, carries_text=False)
    assert "file:///etc/passwd" in _text(response.data)


def test_the_helper_itself_refuses_raw_tags_yet_reads_the_shipped_assets(listener, tmp_path):
    """Jinja escapes the texts above: here the tags reach WeasyPrint as HTML, so the fetcher alone stands."""
    port, seen = listener
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = (f"<p>Texte</p>{hostile(port)}<link rel='stylesheet' href='{secret.as_uri()}'>"
            f"<img src='../crisis_app/static/favicon.svg'><img src='data:image/png;base64,AAAA'>"
            f"<svg><image href='http://127.0.0.1:{port}/z.png'/></svg>")
    fetcher = pdf.shipped_files_fetcher()
    document = _render_with(html, fetcher)
    assert document.startswith(b"%PDF") and PASSWD_LINE not in _text(document)
    assert seen == []
    assert set(fetcher.refused) >= {"file:///etc/passwd", f"http://127.0.0.1:{port}/x.css",
                                    f"http://127.0.0.1:{port}/y.css", secret.as_uri()}
    assert not any("favicon.svg" in url for url in fetcher.refused)  # a shipped asset is read


def test_render_pdf_uses_the_refusing_fetcher(listener, monkeypatch):
    port, seen = listener
    made = []
    real = pdf.shipped_files_fetcher
    monkeypatch.setattr(pdf, "shipped_files_fetcher", lambda: made.append(real()) or made[-1])
    assert pdf.render_pdf(f"<p>x</p>{hostile(port)}", stylesheets=[f"@import url(http://127.0.0.1:{port}/s.css);"]
                          ).startswith(b"%PDF")
    assert seen == [] and f"http://127.0.0.1:{port}/s.css" in made[0].refused


def _render_with(html: str, fetcher) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=pdf.TEMPLATES.as_uri() + "/", url_fetcher=fetcher).write_pdf()


def test_shipped_file_is_the_only_door():
    assert pdf.shipped_file((pdf.TEMPLATES / "base.html").as_uri()) is not None
    for url in ["file:///etc/passwd", pdf.TEMPLATES.as_uri() + "/../../../../etc/passwd",
                pdf.TEMPLATES.as_uri() + "/missing.css", "http://127.0.0.1/x.css", "https://example.org/x.css",
                "data:text/css,body{}", "file://evil.example.org" + str(pdf.TEMPLATES / "base.html"),
                "ftp://127.0.0.1/x"]:
        assert pdf.shipped_file(url) is None, url
