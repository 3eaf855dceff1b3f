"""The minutes of a session are a document a worker makes (core.documents): establishing them renders no PDF in the
request, the link leads to the wait page then to the PDF, which is kept until what it prints changes; sending them
to the participants is a task that attaches that kept PDF, once."""

from __future__ import annotations

from io import BytesIO

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from crisis_app.core import pdf as core_pdf
from crisis_app.core.db import db
from crisis_app.core.documents.models import Document
from crisis_app.core.documents.tasks import make_document
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from quality.register.models import AdverseEvent
from quality.sessions import minutes, tasks
from quality.sessions import services as sessions
from tests.conftest import csrf_token
from tests.documents import fetch, made_id
from tests.quality.sessionkit import action_for, crex, event_for_crex, started


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


@pytest.fixture
def held(referent, personas):
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    session = crex(referent, [event], invite=True)
    sessions.set_attendance(actor=referent, session=session, present_ids=[p.id for p in session.participants])
    sessions.hold(actor=referent, session=started(session), summary="Revue des sorties d'hospitalisation.")
    db.session.commit()
    return session


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)


def _messages() -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Message).where(Message.topic == "quality.session.minutes")))


def _minutes_documents() -> list[Document]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Document).where(Document.kind == minutes.MINUTES).order_by(Document.id)))


def test_establishing_the_minutes_renders_no_pdf_and_the_worker_makes_them(login, personas, held, monkeypatch):
    client = login(personas[Role.QUALITY_REFERENT])
    page = f"/qualite/seances/{held.id}"
    rendered = []
    real_render = core_pdf.render_pdf
    monkeypatch.setattr(core_pdf, "render_pdf", lambda html, **kw: rendered.append(html) or real_render(html, **kw))
    answer = client.post(f"{page}/compte-rendu", data={"csrf_token": csrf_token(client, page), "send": "oui"},
                         follow_redirects=True)
    assert answer.status_code == 200 and "Compte rendu établi" in answer.text
    assert rendered == [] and _messages() == []  # nothing heavy in the request: no PDF made, nothing sent yet
    link = f"/qualite/seances/{held.id}/compte-rendu.pdf"
    assert f'href="{link}"' in answer.text
    document_id = made_id(client.get(link))
    assert document_id is not None and 'data-testid="document-progress"' in client.get(f"/documents/{document_id}").text
    made = fetch(client, link)
    assert made.status_code == 200 and made.data.startswith(b"%PDF") and len(rendered) == 1
    assert tasks.send_minutes(held.id, personas[Role.QUALITY_REFERENT].user.id) == "sent"
    [sent] = _messages()
    assert sent.attachments[0].content == made.data and sent.recipient_count == len(held.participants)
    assert "envoyé aux participants" in client.get(page).text


def test_the_minutes_are_kept_until_what_they_print_changes(login, personas, referent, held):
    minutes.make(actor=referent, session=held)
    db.session.commit()
    client = login(personas[Role.QUALITY_REFERENT])
    link = f"/qualite/seances/{held.id}/compte-rendu.pdf"
    first = fetch(client, link)
    assert client.get(link).data == first.data and len(_minutes_documents()) == 1  # unchanged: the kept PDF
    action_for(referent, db.session.get(AdverseEvent, held.items[0].event_id), title="Relire le protocole de sortie")
    db.session.commit()
    assert made_id(client.get(link)) is not None  # a followed action was added: a new PDF to wait for
    newer = fetch(client, link)
    assert "Relire le protocole de sortie" in _text(newer.data) and "Relire le protocole" not in _text(first.data)
    assert len(_minutes_documents()) == 1  # the older one dropped once the new one was made


def test_a_send_task_delivered_twice_sends_the_minutes_once_and_a_new_establishing_sends_again(referent, held):
    minutes.make(actor=referent, session=held, send=True)
    db.session.commit()
    assert tasks.send_minutes(held.id, referent.id) == "sent"
    assert tasks.send_minutes(held.id, referent.id) == "sent"
    assert len(_messages()) == 1
    minutes.make(actor=referent, session=held, send=True)
    db.session.commit()
    tasks.send_minutes(held.id, referent.id)
    assert len(_messages()) == 2


def test_a_professional_not_invited_reads_neither_the_minutes_nor_their_document(login, personas, referent, held):
    minutes.make(actor=referent, session=held)
    document = minutes.request_minutes(held, actor=None)
    db.session.commit()
    make_document(document.id)
    assert db.session.get(Document, document.id).content.startswith(b"%PDF")  # made: only the reader is refused
    outsider = login(personas[Role.PROFESSIONAL])  # not invited to this session
    assert outsider.get(f"/documents/{document.id}/fichier").status_code == 404
    assert outsider.get(f"/qualite/seances/{held.id}/compte-rendu.pdf").status_code == 404
