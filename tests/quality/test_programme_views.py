"""Programme pages: French, Paris times, CSRF; every refusal sends a valid form so only the role can fail it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crisis_app.core.db import db, utcnow
from crisis_app.core.roles import Role
from quality.sessions.models import QualitySession
from tests.conftest import csrf_token, form_post
from tests.documents import fetch
from tests.quality.conftest import row_counts
from tests.quality.sessionkit import action_for, crex, event_for_crex

NOT_REFERENTS = [r for r in Role if r is not Role.QUALITY_REFERENT]


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _new_session_form(people) -> dict:
    start = (utcnow() + timedelta(days=8)).strftime("%Y-%m-%dT18:30")
    return {"kind": "crex", "starts_at": start, "duration_minutes": "90", "place": "Salle 1",
            "professional_ids": [str(p) for p in people], "invite": "oui"}


def test_a_referent_plans_a_session_from_the_page_and_sees_it_in_paris_time(login, personas, referent):
    from tests import factories

    person = factories.reachable_professional(channels=("email",))
    client = login(personas[Role.QUALITY_REFERENT])
    response = form_post(client, "/qualite/seances/nouvelle", _new_session_form([person.id]))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Planifiée" in page.text and "18:30" in page.text and "Invitation envoyée" in page.text


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_other_roles_cannot_plan_a_session_even_with_a_valid_form(login, personas, client, role):
    from tests import factories

    person = factories.reachable_professional(channels=("email",))
    login(personas[role])
    token = csrf_token(client, "/qualite/declarer")  # a page every role opens: the token is valid
    before = row_counts()
    response = client.post("/qualite/seances/nouvelle", data={**_new_session_form([person.id]), "csrf_token": token})
    assert response.status_code == 403
    assert row_counts() == before


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_other_roles_cannot_move_an_action_even_with_a_valid_form(login, personas, client, referent, role):
    action = action_for(referent, event_for_crex(referent, personas[Role.PROFESSIONAL].user))
    login(personas[role])
    token = csrf_token(client, "/qualite/declarer")
    response = client.post(f"/qualite/actions/{action.id}/transition", data={"to": "en_cours", "csrf_token": token})
    assert response.status_code == 403
    db.session.refresh(action)
    assert action.status.value == "planifiee"


def test_the_meeting_page_takes_attendance_and_a_missing_csrf_token_changes_nothing(login, personas, referent):
    session = crex(referent)
    client = login(personas[Role.QUALITY_REFERENT])
    url = f"/qualite/seances/{session.id}"
    ids = [str(p.id) for p in session.participants]
    assert client.post(f"{url}/presences", data={"present_ids": ids}).status_code == 400
    response = client.post(f"{url}/presences", data={"present_ids": ids, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(QualitySession, session.id).present_count == len(ids)


def test_an_unverified_action_blocks_closure_from_the_meeting_page_with_a_french_message(login, personas, referent):
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user, severity=1)
    session = crex(referent, [event])
    action_for(referent, event)
    client = login(personas[Role.QUALITY_REFERENT])
    url = f"/qualite/seances/{session.id}"
    response = client.post(f"{url}/decision", data={"event_id": event.id, "decision": "closed",
                                                    "csrf_token": csrf_token(client, url)}, follow_redirects=True)
    assert "ne peut" in response.text


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ARS_OBSERVER, Role.QUALITY_REFERENT])
def test_the_dashboard_draws_svg_charts_and_offers_the_annual_report(login, personas, role):
    client = login(personas[role])
    page = client.get("/qualite/indicateurs")
    assert page.status_code == 200 and "<svg" in page.text and "<script" not in page.text
    year = utcnow().year
    csv = client.get(f"/qualite/indicateurs/rapport-{year}.csv")
    assert csv.status_code == 200 and "Nombre de thèmes abordés" in csv.data.decode("utf-8-sig")
    pdf = fetch(client, f"/qualite/indicateurs/rapport-{year}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.CRISIS_CELL, Role.CRISIS_REFERENT])
def test_the_dashboard_is_refused_to_other_roles(login, personas, role):
    assert login(personas[role]).get("/qualite/indicateurs").status_code == 403


def test_a_file_is_kept_as_evidence_and_stands_for_the_note(login, personas, referent):
    from io import BytesIO

    action = action_for(referent, event_for_crex(referent, personas[Role.PROFESSIONAL].user))
    client = login(personas[Role.QUALITY_REFERENT])
    token = csrf_token(client, "/qualite/actions")
    response = client.post(f"/qualite/actions/{action.id}/preuve", content_type="multipart/form-data", data={
        "csrf_token": token, "evidence_file": (BytesIO(b"%PDF-1.4 audit"), "audit.pdf", "application/pdf")})
    assert response.status_code == 302
    assert client.get(f"/qualite/actions/{action.id}/preuve").data == b"%PDF-1.4 audit"
    from quality.action_followup import actions
    actions.transition(actor=referent, action=action, to="en_cours")
    actions.transition(actor=referent, action=action, to="realisee")  # the file is the evidence
    assert action.status.value == "realisee"


def test_an_executable_is_not_kept_as_evidence(login, personas, referent):
    from io import BytesIO

    action = action_for(referent, event_for_crex(referent, personas[Role.PROFESSIONAL].user))
    client = login(personas[Role.QUALITY_REFERENT])
    response = client.post(f"/qualite/actions/{action.id}/preuve", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/qualite/actions"),
        "evidence_file": (BytesIO(b"MZ"), "x.exe", "application/x-msdownload")}, follow_redirects=True)
    assert "Formats acceptés" in response.text
    db.session.refresh(action)
    assert action.evidence_filename is None


def test_the_referent_finds_analyses_and_actions_in_the_menu_and_others_do_not(login, personas):
    page = login(personas[Role.QUALITY_REFERENT]).get("/").text
    assert 'href="/qualite/analyses"' in page and 'href="/qualite/actions"' in page


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PROFESSIONAL, Role.ARS_OBSERVER])
def test_the_analyses_and_actions_links_are_not_shown_to_who_cannot_open_them(login, personas, role):
    page = login(personas[role]).get("/").text
    assert 'href="/qualite/analyses"' not in page and 'href="/qualite/actions"' not in page


def test_the_eigs_card_says_how_many_days_are_left_in_words(login, personas, referent):
    from datetime import date

    from quality.register import services
    from tests.quality.conftest import declare

    event = declare(personas[Role.PROFESSIONAL].user, severity=5, likelihood=2).event
    services.triage(actor=referent, event=event, severity=5, likelihood=2, decision="eigs")
    services.record_eigs(actor=referent, event=event, part1_sent_on=date.today() - timedelta(days=30))
    db.session.commit()
    page = login(personas[Role.QUALITY_REFERENT]).get("/").text
    left = (event.eigs_part2_due_on - date.today()).days
    text = page.replace("\u00a0", " ").replace("\u202f", " ")
    assert f"dans {left} jours" in text and "J+" not in text
