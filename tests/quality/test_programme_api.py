"""The sessions, actions and indicators API: the referent's path, each refusal (only the role is wrong), the 409,
and indicators equal to hand-counted fixtures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.documents.tasks import make_document
from crisis_app.core.roles import Role
from crisis_app.directory.professionals import services as directory_services
from quality.action_followup import actions
from quality.indicators import services as indicators
from quality.sessions import services as sessions
from quality.sessions.models import QualitySession, QualityTheme
from tests import factories
from tests.quality.conftest import row_counts
from tests.quality.sessionkit import action_for, crex, event_for_crex, started

NOT_REFERENTS = [r for r in Role if r is not Role.QUALITY_REFERENT]


def _auth(user) -> dict:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _session_body(**overrides) -> dict:
    people = [factories.reachable_professional(channels=("email",)) for _ in range(2)]
    body = {"kind": "crex", "starts_at": (utcnow() + timedelta(days=12)).isoformat(), "duration_minutes": 90,
            "place": "Salle du conseil", "professional_ids": [p.id for p in people]}
    body.update(overrides)
    return body


def test_a_referent_schedules_invites_takes_attendance_and_writes_minutes(client, referent):
    headers = _auth(referent)
    created = client.post("/api/v1/quality/sessions", json=_session_body(), headers=headers)
    assert created.status_code == 201, created.json
    sid = created.json["id"]
    assert client.post(f"/api/v1/quality/sessions/{sid}/invite", json={}, headers=headers).status_code == 200
    present = [p["id"] for p in created.json["participants"]]
    answer = client.post(f"/api/v1/quality/sessions/{sid}/attendance", json={"present_ids": present}, headers=headers)
    assert answer.status_code == 200 and all(p["attended"] for p in answer.json["participants"])
    started(db.session.get(QualitySession, sid))
    assert client.post(f"/api/v1/quality/sessions/{sid}/held", json={}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/quality/sessions/{sid}/minutes", json={"send": True},
                       headers=headers).status_code == 200
    waiting = client.get(f"/api/v1/quality/sessions/{sid}/minutes", headers=headers)
    assert waiting.status_code == 202 and waiting.json["waiting"] is True  # a worker makes it
    make_document(waiting.json["id"])
    pdf = client.get(waiting.json["download_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_only_quality_referents_schedule_sessions(client, personas, role):
    body, headers = _session_body(), _auth(personas[role].user)
    before = row_counts()
    response = client.post("/api/v1/quality/sessions", json=body, headers=headers)
    assert response.status_code == 403 and response.json["error"]["code"]
    assert row_counts() == before


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_only_quality_referents_move_actions(client, personas, referent, role):
    action = action_for(referent, event_for_crex(referent, personas[Role.PROFESSIONAL].user))
    response = client.post(f"/api/v1/quality/actions/{action.id}/transition", json={"to": "en_cours"},
                           headers=_auth(personas[role].user))
    assert response.status_code == 403
    db.session.refresh(action)
    assert action.status.value == "planifiee"


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.CRISIS_CELL, Role.CRISIS_REFERENT])
def test_a_participant_reads_their_session_and_nobody_else_does(client, personas, referent, role):
    user = personas[role].user
    person = factories.reachable_professional(channels=("email",))
    directory_services.link_user(actor=None, professional=person, user=user)
    mine = crex(referent, professional_ids=[person.id])
    other = crex(referent)
    assert client.get(f"/api/v1/quality/sessions/{mine.id}", headers=_auth(user)).status_code == 200
    assert client.get(f"/api/v1/quality/sessions/{other.id}", headers=_auth(user)).status_code == 404
    listed = client.get("/api/v1/quality/sessions", headers=_auth(user)).json
    assert [s["id"] for s in listed["items"]] == [mine.id]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ARS_OBSERVER])
def test_the_coordinator_and_the_ars_read_indicators_but_no_session(client, personas, referent, role):
    session = crex(referent)
    headers = _auth(personas[role].user)
    assert client.get("/api/v1/quality/indicators?year=2026", headers=headers).status_code == 200
    assert client.get(f"/api/v1/quality/sessions/{session.id}", headers=headers).status_code == 403
    assert client.get("/api/v1/quality/actions", headers=headers).status_code == 403


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.CRISIS_CELL, Role.CRISIS_REFERENT])
def test_indicators_are_refused_to_other_roles(client, personas, role):
    assert client.get("/api/v1/quality/indicators", headers=_auth(personas[role].user)).status_code == 403


def test_closing_over_an_unverified_action_answers_409_through_the_api(client, personas, referent):
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    action_for(referent, event)
    response = client.post(f"/api/v1/adverse-events/{event.id}/transition", json={"to": "cloture"},
                           headers=_auth(referent))
    assert response.status_code == 409 and response.json["error"]["code"] in ("invalid_transition",
                                                                              "actions_not_verified")


def test_an_invalid_action_move_answers_409_with_a_structured_error(client, personas, referent):
    action = action_for(referent, event_for_crex(referent, personas[Role.PROFESSIONAL].user))
    response = client.post(f"/api/v1/quality/actions/{action.id}/transition",
                           json={"to": "efficacite_verifiee", "evidence_note": "x"}, headers=_auth(referent))
    assert response.status_code == 409 and response.json["error"]["fields"]["to"]


def test_indicators_match_a_hand_counted_year(referent, personas):
    year = utcnow().year
    iatro, aged, unused = (QualityTheme(label=t) for t in ("Iatrogénie", "Personne âgée", "Plaies chroniques"))
    db.session.add_all([iatro, aged, unused])
    db.session.flush()
    declarer = personas[Role.PROFESSIONAL].user
    events = [event_for_crex(referent, declarer, category="medicament", severity=2),
              event_for_crex(referent, declarer, category="medicament", severity=2),
              event_for_crex(referent, declarer, category="chute", severity=3)]
    p = [factories.reachable_professional(channels=("email",)) for _ in range(5)]
    a = crex(referent, professional_ids=[p[0].id, p[1].id, p[2].id], theme_ids=[iatro.id], days=3)
    b = crex(referent, kind="rmm", professional_ids=[p[1].id, p[2].id], user_ids=[], theme_ids=[iatro.id, aged.id],
             days=4)
    cancelled = crex(referent, professional_ids=[p[3].id], theme_ids=[unused.id], days=5)
    planned = crex(referent, professional_ids=[p[4].id], theme_ids=[unused.id], days=6)
    present = {a: {p[0].id, p[1].id, None}, b: {p[1].id, p[2].id}}  # None: the referent's own account
    for ses, who in present.items():
        ids = [x.id for x in ses.participants if (x.professional_id in who) or (x.user_id and None in who)]
        sessions.set_attendance(actor=referent, session=ses, present_ids=ids)
        sessions.hold(actor=referent, session=started(ses, hours=1))
    sessions.cancel(actor=referent, session=cancelled)
    sessions.set_attendance(actor=referent, session=planned, present_ids=[planned.participants[0].id])
    verified = action_for(referent, events[0], due_on=date(year, 12, 31))
    for step in ("en_cours", "realisee", "efficacite_verifiee"):
        actions.transition(actor=referent, action=verified, to=step, evidence_note="Vérifié sur 10 dossiers.")
    action_for(referent, events[1], due_on=date(year, 1, 15))  # still planned, late
    action_for(referent, events[2], due_on=date(year + 1, 2, 1))  # next year's
    figures = indicators.compute(year)
    assert figures["contract"] == {"themes_addressed": 2, "participants": 4, "action_plan_done_rate": 50,
                                   "patient_satisfaction": None}  # no questionnaire answered this year
    assert figures["themes"] == ["Iatrogénie", "Personne âgée"]
    assert figures["sessions_held"] == {"CREX": 1, "RMM": 1, "Patient traceur": 0,
                                        "Groupe d'analyse des pratiques": 0,
                                        "Concertation autour d'un cas complexe": 0,
                                        "Formation au travail en équipe (CRM)": 0}
    assert figures["events_by_severity"] == {"Mineure": 0, "Significative": 2, "Majeure": 1, "Critique": 0,
                                             "Catastrophique": 0}
    assert figures["events_by_category"] == {"Médicament (prescription, dispensation, administration, observance)": 2,
                                             "Chute": 1}
    assert figures["actions"] == {"total": 2, "done": 1, "verified": 1, "on_time": 1, "late": 1, "done_rate": 50}
    rows = indicators.contract_rows(figures)
    assert [r[2] for r in rows] == [2, 4, 50]


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_only_quality_referents_open_or_save_an_analysis(client, personas, referent, role):
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    headers = _auth(personas[role].user)
    before = row_counts()
    response = client.post("/api/v1/quality/analyses", json={"event_id": event.id, "method": "orion"},
                           headers=headers)
    assert response.status_code == 403 and row_counts() == before


def test_an_analysis_is_saved_as_it_goes_through_the_api(client, personas, referent):
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    headers = _auth(referent)
    created = client.post("/api/v1/quality/analyses", json={"event_id": event.id, "method": "alarm",
                                                            "factors": {"team": "Relève orale incomplète."}},
                          headers=headers)
    assert created.status_code == 201
    aid = created.json["id"]
    saved = client.patch(f"/api/v1/quality/analyses/{aid}", json={"factors": {"patient": "Trouble cognitif."}},
                         headers=headers)
    assert saved.json["factors"] == {"team": "Relève orale incomplète.", "patient": "Trouble cognitif."}
    refused = client.patch(f"/api/v1/quality/analyses/{aid}", json={"lessons": "Rappeler le 06 12 34 56 78."},
                           headers=headers)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "patient_data"


def test_an_unknown_pilot_is_refused_with_422_and_nothing_is_written(client, personas, referent):
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    headers = _auth(referent)
    before = row_counts()
    for pilot in (987654, 2**31):
        response = client.post("/api/v1/quality/analyses", json={"event_id": event.id, "method": "orion",
                                                                 "pilot_user_id": pilot}, headers=headers)
        assert response.status_code == 422, (pilot, response.json)
    assert row_counts() == before
