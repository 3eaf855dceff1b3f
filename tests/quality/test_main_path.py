"""The main path through the pages, as a referent clicks it: plan a CREX, invite, take attendance, give the event
to a pilot, fill the ORION analysis over two saves, validate it, record two actions, verify them, close the event;
the anonymous declarer's follow-up link shows the feedback."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.core.db import db, utcnow
from crisis_app.core.notifications.models import Message
from crisis_app.core.roles import Role
from quality.analyses.models import Analysis
from quality.register import declaring, services
from quality.register.models import AdverseEvent
from quality.sessions.models import QualitySession
from tests import factories
from tests.conftest import csrf_token
from tests.quality.conftest import declaration


def _post(client, url: str, page: str, data: dict):
    response = client.post(url, data={**data, "csrf_token": csrf_token(client, page)})
    assert response.status_code == 302, response.text
    follow = client.get(response.headers["Location"])
    assert "flash-error" not in follow.text, follow.text
    return follow


def test_the_referent_path_from_planning_to_the_declarers_feedback(login, personas):
    referent = personas[Role.QUALITY_REFERENT].user
    declared = declaring.declare(actor=None, anonymous=True, data=declaration())
    services.triage(actor=referent, event=declared.event, severity=2, likelihood=3, decision="crex")
    people = [factories.reachable_professional(channels=("email",)) for _ in range(2)]
    client = login(personas[Role.QUALITY_REFERENT])

    start = (utcnow() + timedelta(days=8)).strftime("%Y-%m-%dT18:30")
    _post(client, "/qualite/seances/nouvelle", "/qualite/seances/nouvelle", {
        "kind": "crex", "starts_at": start, "duration_minutes": "90", "place": "Salle 1", "invite": "oui",
        "professional_ids": [str(p.id) for p in people], "event_ids": [str(declared.event.id)]})
    session = db.session.scalar(sa.select(QualitySession).order_by(QualitySession.id.desc()))
    page = f"/qualite/seances/{session.id}"
    assert db.session.scalar(sa.select(Message).where(Message.topic == "quality.session.invite")).attachments

    _post(client, f"{page}/presences", page, {"present_ids": [str(p.id) for p in session.participants]})
    pilot = personas[Role.COORDINATOR].user
    shown = _post(client, f"{page}/decision", page, {"event_id": str(declared.event.id), "decision": "analysis",
                                                     "pilot_user_id": str(pilot.id)})
    analysis = db.session.scalar(sa.select(Analysis).where(Analysis.event_id == declared.event.id))
    assert f"/qualite/analyses/{analysis.id}" in shown.text

    apage = f"/qualite/analyses/{analysis.id}"
    _post(client, f"{apage}/enregistrer", apage, {"step_collect": "Entretiens avec l'officine et le service."})
    _post(client, f"{apage}/enregistrer", apage, {"step_collect": "Entretiens avec l'officine et le service.",
                                                  "step_gaps": "Pas de conciliation à la sortie.",
                                                  "factor_organisation": "Compte rendu de sortie tardif.",
                                                  "barrier_kind": ["recovery"], "barrier_outcome": ["effective"],
                                                  "barrier_text": ["Appel du pharmacien au prescripteur."],
                                                  "lessons": "Concilier à chaque sortie."})
    db.session.expire_all()
    assert analysis.steps["collect"].startswith("Entretiens") and analysis.steps["gaps"]
    _post(client, f"{apage}/etape", apage, {"to": "presentee"})
    _post(client, f"{apage}/etape", apage, {"to": "validee", "session_id": str(session.id)})
    due = (utcnow().date() + timedelta(days=30)).isoformat()
    for title in ("Conciliation à la sortie", "Fiche de liaison ville–hôpital"):
        _post(client, f"{apage}/actions", apage, {"title": title, "action_type": "corrective",
                                                  "owner": f"u:{referent.id}", "due_on": due})
    for action in db.session.scalars(sa.select(CorrectiveAction).where(CorrectiveAction.source_id == analysis.id)):
        for to in ("en_cours", "realisee", "efficacite_verifiee"):
            _post(client, f"/qualite/actions/{action.id}/transition", "/qualite/actions",
                  {"to": to, "evidence_note": "Audit de 10 sorties : conforme."})
    shown = _post(client, f"{apage}/cloture", apage, {"feedback": "Une conciliation est faite à chaque sortie."})
    db.session.expire_all()
    assert db.session.get(AdverseEvent, declared.event.id).state.value == "cloture", shown.text
    follow_up = client.get(f"/suivi/{declared.follow_up_secret}")
    assert "Une conciliation est faite à chaque sortie." in follow_up.text and "Clôturé" in follow_up.text
