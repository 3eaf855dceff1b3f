"""Practice-analysis groups and complex-case concertations: a theme, the case and conclusions screened, actions in
the one action plan, attendance counted per profession for the contract indicator, and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from quality.action_followup import actions
from quality.sessions import discussion, themes
from quality.sessions import services as sessions
from quality.sessions.models import QualitySession, QualityTheme
from tests import factories
from tests.quality.conftest import row_counts
from tests.quality.sessionkit import started


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _theme(label: str = "Plaies chroniques") -> QualityTheme:
    themes.ensure_default_themes()
    db.session.flush()
    return db.session.scalar(sa.select(QualityTheme).where(QualityTheme.label == label))


def _group(referent, people, *, kind="practice_group", theme_ids=None, days=10):
    data = {"kind": kind, "starts_at": utcnow() + timedelta(days=days), "place": "Maison de santé",
            "professional_ids": [p.id for p in people],
            "theme_ids": [_theme().id] if theme_ids is None else theme_ids}
    return sessions.schedule(actor=referent, data=data)


def _held(referent, session, present):
    started(session)
    sessions.set_attendance(actor=referent, session=session,
                            present_ids=[p.id for p in session.participants if p.professional_id in present])
    return sessions.hold(actor=referent, session=session)


def test_a_practice_group_without_a_theme_is_refused_and_nothing_is_written(referent):
    people = [factories.professional()]
    before = row_counts()
    with pytest.raises(ServiceError) as refused:
        _group(referent, people, theme_ids=[])
    assert refused.value.fields == {"theme_ids": ["Thème requis."]}
    assert row_counts() == before


def test_a_case_that_names_the_patient_is_refused_and_the_clean_one_is_kept(referent):
    session = _group(referent, [factories.professional()], kind="complex_case", theme_ids=[])
    with pytest.raises(ServiceError) as refused:
        discussion.record(actor=referent, session=session,
                          case_summary="Mme Jeanne Dupont, née le 12/03/1941, plaie du talon qui ne cicatrise pas",
                          conclusions="Passage IDE quotidien")
    assert refused.value.code == "patient_data"
    db.session.refresh(session)
    assert session.case_summary is None and session.conclusions is None
    discussion.record(actor=referent, session=session,
                      case_summary="Patiente de plus de 80 ans, plaie du talon depuis trois mois, vit seule",
                      conclusions="Passage infirmier quotidien et avis de l'équipe mobile plaies")
    db.session.refresh(session)
    assert session.conclusions.startswith("Passage infirmier quotidien")


def test_a_crex_has_no_case_to_record(referent):
    session = _group(referent, [factories.professional()], kind="crex", theme_ids=[])
    with pytest.raises(ServiceError) as refused:
        discussion.record(actor=referent, session=session, conclusions="Rien")
    assert refused.value.status == 409


def test_an_action_decided_by_the_group_goes_into_the_one_action_plan(referent):
    session = _group(referent, [factories.professional()])
    action = actions.create(actor=referent, data={
        "title": "Protocole commun de réfection des pansements", "action_type": "amelioration",
        "source_type": "quality_session", "source_id": session.id, "owner_user_id": referent.id,
        "due_on": utcnow().date() + timedelta(days=60)})
    stored = db.session.get(CorrectiveAction, action.id)
    assert (stored.source_type, stored.source_id) == ("quality_session", session.id)
    assert "Groupe d'analyse des pratiques" in stored.source_title


def test_participants_are_counted_once_per_person_per_profession_over_held_sessions_of_the_kinds_asked(referent):
    nurse = factories.professional(profession="Infirmier", profession_code="60")
    doctor = factories.professional(profession="Médecin", profession_code="10")
    pharmacist = factories.professional(profession="Pharmacien", profession_code="21")
    absent = factories.professional(profession="Masseur-kinésithérapeute", profession_code="70")
    year = utcnow().year
    before = discussion.participants_by_profession(year, ["practice_group", "complex_case"])
    first = _held(referent, _group(referent, [nurse, doctor, absent]), {nurse.id, doctor.id})
    _held(referent, _group(referent, [nurse, pharmacist], kind="complex_case", theme_ids=[]),
          {nurse.id, pharmacist.id})
    _held(referent, _group(referent, [absent], kind="crex", theme_ids=[]), {absent.id})
    _group(referent, [absent])  # planned, not held: not counted
    after = discussion.participants_by_profession(year, ["practice_group", "complex_case"])
    gained = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    assert {k: v for k, v in gained.items() if v} == {"Infirmier": 1, "Médecin": 1, "Pharmacien": 1}
    only_groups = discussion.participants_by_profession(year, ["practice_group"])
    assert only_groups.get("Pharmacien", 0) == before.get("Pharmacien", 0)
    assert first.status.value == "held"
    assert sessions.participants_by_profession is discussion.participants_by_profession


def _auth(user) -> dict:
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


def _body(**overrides) -> dict:
    body = {"kind": "practice_group", "starts_at": (utcnow() + timedelta(days=12)).isoformat(),
            "place": "Salle du conseil", "professional_ids": [factories.professional().id],
            "theme_ids": [_theme("Insuffisance cardiaque").id]}
    body.update(overrides)
    return body


def test_the_api_plans_a_practice_group_and_records_its_conclusions(client, referent):
    created = client.post("/api/v1/quality/sessions", json=_body(), headers=_auth(referent))
    assert created.status_code == 201, created.json
    assert created.json["kind_label"] == "Groupe d'analyse des pratiques"
    assert created.json["themes"] == ["Insuffisance cardiaque"]
    sid = created.json["id"]
    answer = client.post(f"/api/v1/quality/sessions/{sid}/conclusions", headers=_auth(referent),
                         json={"conclusions": "Pesée quotidienne rappelée à chaque passage"})
    assert answer.status_code == 200 and answer.json["conclusions"].startswith("Pesée quotidienne")
    refused = client.post(f"/api/v1/quality/sessions/{sid}/conclusions", headers=_auth(referent),
                          json={"conclusions": "Appeler M. Paul Martin au 06 12 34 56 78"})
    assert refused.status_code == 422
    assert db.session.get(QualitySession, sid).conclusions.startswith("Pesée quotidienne")


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.QUALITY_REFERENT])
def test_only_a_quality_referent_plans_a_practice_group(client, personas, role):
    answer = client.post("/api/v1/quality/sessions", json=_body(), headers=_auth(personas[role].user))
    assert answer.status_code == 403
