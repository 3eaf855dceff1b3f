"""The drill's report is a PDF made by the worker (core.documents) and kept until its figures change; a launched
drill counts as a preparation exercise in the plan's indicators and in the annual report."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader

from crisis_app.alerts.drills import services
from crisis_app.contract import report
from crisis_app.core.db import atomic
from crisis_app.core.documents.tasks import make_document
from crisis_app.core.roles import Role
from crisis_app.core.timez import to_paris
from crisis_app.crises import mission
from tests.alerts.drills.conftest import T0, answer, drill_data, launch_unannounced
from tests.documents import made_id


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_is_made_by_the_worker_kept_and_remade_after_a_late_answer(clock, referent, team, login,
                                                                              personas):
    audience, p = team
    earlier = launch_unannounced(referent, audience, title="Exercice d'octobre")
    answer(clock, earlier.alert, p["ide1"], "1", minutes=20)
    clock.now += timedelta(days=30)
    drill = launch_unannounced(referent, audience, title="Exercice de novembre")
    answer(clock, drill.alert, p["ide1"], "1", minutes=2)
    answer(clock, drill.alert, p["med1"], "2", minutes=14, via="sms")
    client = login(personas[Role.ARS_OBSERVER])  # the ARS reads the report
    asked = client.get(f"/alertes/exercices/{drill.id}/compte-rendu.pdf")
    document_id = made_id(asked)
    assert document_id is not None  # not made in the request: the wait page
    make_document(document_id)  # what the worker does
    pdf = client.get(f"/documents/{document_id}/fichier")
    assert pdf.mimetype == "application/pdf"
    assert f'filename="exercice-alerte-{drill.id}.pdf"' in pdf.headers["Content-Disposition"]
    text = " ".join(_text(pdf.data).split())
    assert "Exercice de novembre" in text and "5 personnes sollicitées, 2 réponses" in text
    assert "20 % en 5 min, 40 % en 15 min, 40 % en 30 min" in text
    assert "Exercice précédent (« Exercice d'octobre »" in text
    assert "0 % en 5 min, 0 % en 15 min, 20 % en 30 min" in text
    assert "Infirmier" in text and "Médecin" in text
    again = client.get(f"/alertes/exercices/{drill.id}/compte-rendu.pdf")
    assert again.status_code == 200 and again.data == pdf.data  # unchanged figures: the kept file
    answer(clock, drill.alert, p["med2"], "1", minutes=40)  # a late answer changes the figures
    remade = made_id(client.get(f"/alertes/exercices/{drill.id}/compte-rendu.pdf"))
    assert remade is not None and remade != document_id


def test_a_launched_drill_counts_as_a_preparation_exercise(clock, referent, team):
    audience, _ = team
    clock.now = T0
    year = to_paris(T0).year
    before = mission.for_year(year)
    with atomic():
        services.create_drill(actor=referent, now=T0, data=drill_data(
            audience, kind="scheduled", title="Programmé", scheduled_for=(T0 + timedelta(days=2)).isoformat()))
    assert mission.for_year(year)["exercises_done"] == before["exercises_done"]  # planned is not done
    launch_unannounced(referent, audience, title="Exercice inopiné de novembre")
    after = mission.for_year(year)
    assert after["exercises_done"] == before["exercises_done"] + 1
    assert after["drills_done"] == before["drills_done"] + 1
    assert mission.for_year(year + 1)["drills_done"] == 0
    annual = report.collect(year)
    row = next(r for r in annual["indicators"] if r["key"] == "mission.actions_done")
    assert row["value"] == after["exercises_done"] + after["sensibilisations_done"]
    assert [d["title"] for d in annual["drills"]] == ["Exercice inopiné de novembre"]
    pdf = " ".join(_text(report.make_annual_report(year)).split())
    assert "Exercice inopiné de novembre" in pdf and "5 personnes sollicitées" in pdf
