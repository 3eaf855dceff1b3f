"""Issue 19's words and details: ORION steps in order, chart labels whole, owners and pilots by name and profession
without observer accounts, duplicates found by their EIAS code."""

from __future__ import annotations

import re

import pytest

from crisis_app.core import charts
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from quality.analyses.models import Analysis
from quality.register import services
from quality.register.vocab import State
from quality.sessions import services as sessions
from tests import factories
from tests.quality.conftest import declare
from tests.quality.sessionkit import crex, event_for_crex


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def _analysis(referent, personas) -> Analysis:
    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    session = crex(referent, [event], days=3)
    sessions.decide(actor=referent, session=session, event_id=event.id, decision="analysis",
                    pilot_user_id=referent.id)
    db.session.commit()
    return db.session.query(Analysis).filter_by(event_id=event.id).one()


def test_orion_steps_show_in_their_order(login, personas, referent):
    analysis = _analysis(referent, personas)
    page = login(personas[Role.QUALITY_REFERENT]).get(f"/qualite/analyses/{analysis.id}").text
    numbers = re.findall(r'data-testid="orion-step">\s*(\d)\.', page)
    assert numbers == ["1", "2", "3", "4", "5", "6"]


def test_owners_are_people_by_name_and_profession_never_the_observer(login, personas, referent):
    analysis = _analysis(referent, personas)
    factories.professional(first_name="Inès", last_name="Garnier", profession_code="60",
                           profession="Infirmier")
    db.session.commit()
    page = login(personas[Role.QUALITY_REFERENT]).get(f"/qualite/analyses/{analysis.id}").text
    owners = page[page.index('data-testid="owner-choices"'):]
    owners = owners[:owners.index("</select>")]
    assert personas[Role.ARS_OBSERVER].user.full_name not in owners
    assert "GARNIER Inès — Infirmier" in owners
    assert f"{referent.full_name} — Référent qualité" in owners


def test_a_chart_label_is_never_cut():
    label = "Médicament (prescription, dispensation, administration)"
    svg = str(charts.bars([(label, 3)], title="Catégories"))
    shown = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
    assert shown == label and "…" not in svg


def test_a_duplicate_is_named_by_its_eias_code(login, personas, referent):
    first = declare(personas[Role.PROFESSIONAL].user).event
    second = declare(personas[Role.PROFESSIONAL].user).event
    services.triage(actor=referent, event=second, severity=2, likelihood=2, decision="doublon",
                    duplicate_of_id=first.reference, reason="Même déclaration.")
    db.session.refresh(second)
    assert second.state is State.DOUBLON and second.duplicate_of_id == first.id


def test_the_method_is_the_referents_choice_defaulting_by_session_type(login, personas, referent):
    from tests.conftest import csrf_token

    event = event_for_crex(referent, personas[Role.PROFESSIONAL].user)
    session = crex(referent, [event], days=3)
    client = login(personas[Role.QUALITY_REFERENT])
    page = client.get(f"/qualite/seances/{session.id}").text
    assert '<option value="orion" selected>' in page and 'value="alarm"' in page
    response = client.post(f"/qualite/seances/{session.id}/decision", data={
        "csrf_token": csrf_token(client, f"/qualite/seances/{session.id}"), "event_id": event.id,
        "decision": "analysis", "pilot_user_id": referent.id, "method": "alarm"})
    assert response.status_code == 302
    assert db.session.query(Analysis).filter_by(event_id=event.id).one().method == "alarm"
