"""The annual report of both missions ("bilan annuel") for the meetings with the ARS and the Assurance Maladie:
what it holds (``collect``), and its PDF and CSV (``make_annual_report``, ``make_annual_report_csv``), pure
functions of the year that report their progress, so any background mechanism can run them.

Every text of the quality programme it prints (themes, actions' titles) passes the patient-data screen first: a
finding stops the report with a 409 naming the passage (quality.gate).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, render_template

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.actionplan.vocab import SourceKind
from crisis_app.alerts.drills import figures as drill_figures
from crisis_app.alerts.drills import services as drills
from crisis_app.alerts.models import Alert, AlertRecipient
from crisis_app.contract import indicators, services
from crisis_app.core.csvexport import to_text
from crisis_app.core.db import db
from crisis_app.core.labels import label_of
from crisis_app.core.pdf import render_pdf
from crisis_app.core.timez import PARIS, to_paris
from crisis_app.crises import mission
from crisis_app.crises.models import Crisis, Evaluation
from crisis_app.plan import activities, figures
from crisis_app.plan import services as plan_services
from quality import gate
from quality.indicators import services as quality

Progress = Callable[[float], None]


def _bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=PARIS), datetime(year + 1, 1, 1, tzinfo=PARIS)


def _day(moment) -> str | None:
    if moment is None:
        return None
    return (to_paris(moment).date() if isinstance(moment, datetime) else moment).isoformat()


def plan_part(year: int) -> dict:
    """The year's plan: written (the first one published) or updated, its version and publication date."""
    plan = plan_services.published_plan(year)
    earlier = [p for p in plan_services.list_plans() if p.is_published and p.year < year]
    if plan is None:
        return {"published": False, "kind": None, "version": None, "published_on": None}
    return {"published": True, "kind": "updated" if earlier else "written", "version": plan.year,
            "published_on": _day(plan.published_at)}


def activities_part(year: int) -> list[dict]:
    rows = activities.for_year(year)
    names = figures.professional_names({pid for a in rows for pid in (a.participant_ids or [])})
    return [{"kind": a.kind.label, "title": a.title, "planned_on": _day(a.planned_on), "done_on": _day(a.done_on),
             "participants": len(a.participant_ids or []),
             "participant_names": [names.get(pid, f"fiche n° {pid}") for pid in a.participant_ids or []]}
            for a in rows]


def crises_part(year: int) -> list[dict]:
    start, end = _bounds(year)
    crises = db.session.scalars(sa.select(Crisis).where(Crisis.opened_at >= start, Crisis.opened_at < end)
                                .order_by(Crisis.opened_at))
    rows = []
    for crisis in crises:
        evaluation = db.session.scalar(sa.select(Evaluation).where(Evaluation.crisis_id == crisis.id))
        rows.append({"title": crisis.title, "exercise": crisis.is_exercise, "typology": crisis.typology_label,
                     "opened_on": _day(crisis.opened_at), "closed_on": _day(crisis.closed_at),
                     "authority": crisis.authority_label, "reference": crisis.authority_reference,
                     "retex": evaluation.status.label if evaluation else "Non rédigé",
                     "retex_sent_on": _day(evaluation.sent_at) if evaluation else None,
                     "actions": [{"title": a.title, "status": a.status_label} for a in
                                 (evaluation.actions if evaluation else [])]})
    return rows


def alerts_part(year: int) -> dict:
    start, end = _bounds(year)
    in_year = sa.and_(Alert.created_at >= start, Alert.created_at < end)
    alerts, exercises = db.session.execute(sa.select(
        sa.func.count().filter(Alert.is_exercise.is_(False)), sa.func.count().filter(Alert.is_exercise.is_(True)))
        .where(in_year)).one()
    recipients, answered = db.session.execute(sa.select(
        sa.func.count(), sa.func.count(AlertRecipient.answered_at)).join(Alert, Alert.id == AlertRecipient.alert_id)
        .where(in_year, Alert.is_exercise.is_(False))).one()
    return {"alerts": alerts, "exercise_alerts": exercises, "recipients": recipients, "answered": answered}


def drills_part(year: int) -> list[dict]:
    """The drills of the alert chain launched in the year (preparation exercises): people asked, share answered."""
    rows = []
    for drill in drills.launched_in(*_bounds(year)):
        figures = drill_figures.measure(drill)
        rows.append({"title": drill.title, "kind": drill.kind.label, "launched_on": _day(drill.launched_at),
                     "people": figures["people"] if figures else 0,
                     "share": figures["total"]["share"] if figures else {}})
    return rows


def actions_part(year: int) -> list[dict]:
    """The plan d'actions of the year, both missions (due that year, or created that year without a due date)."""
    start, end = _bounds(year)
    rows = db.session.scalars(sa.select(CorrectiveAction).where(sa.or_(
        sa.and_(CorrectiveAction.due_on >= date(year, 1, 1), CorrectiveAction.due_on < date(year + 1, 1, 1)),
        sa.and_(CorrectiveAction.due_on.is_(None), CorrectiveAction.created_at >= start,
                CorrectiveAction.created_at < end))).order_by(CorrectiveAction.due_on, CorrectiveAction.id))
    return [{"title": a.title, "source": label_of(SourceKind, a.source_type), "quality": a.source_type !=
             SourceKind.RETEX.value, "status": a.status_label, "due_on": _day(a.due_on), "done_on": _day(a.done_on)}
            for a in rows]


def collect(year: int, progress: Progress = lambda _: None, *, screened: bool = True) -> dict:
    """Everything the annual report holds, screened (a finding in a quality text raises a 409); ``screened=False``
    only for the document's fingerprint: the worker that prints it screens it."""
    report = {"year": year, "plan": plan_part(year), "activities": activities_part(year)}
    progress(0.15)
    report["crises"] = crises_part(year)
    report["alerts"] = alerts_part(year)
    report["drills"] = drills_part(year)
    progress(0.3)
    quality_figures = quality.compute(year)
    report["quality"] = {k: quality_figures[k] for k in ("contract", "themes", "sessions_held", "actions",
                                                         "events_by_severity", "triage_days_median")}
    progress(0.5)
    report["actions"] = actions_part(year)
    report["indicators"] = indicators.rows_for(year, quality_figures=quality_figures,
                                               mission_figures=mission.for_year(year))
    report["variable_triggers"] = [{"crisis": services.crisis_titles({t.crisis_id}).get(t.crisis_id),
                                    "qualified_on": _day(t.qualified_on), "amount": t.amount,
                                    "payable_month": t.payable_month.strftime("%m/%Y")}
                                   for t in services.triggers() if t.year == year]
    if screened:
        gate.refuse(f"Le bilan annuel {year}", gate.check(
            [gate.Source("Thème", theme) for theme in report["quality"]["themes"]]
            + [gate.Source(f"Action « {a['title'][:40]} »", a["title"]) for a in report["actions"] if a["quality"]]))
    progress(0.6)
    return report


def make_annual_report(year: int, progress: Progress = lambda _: None) -> bytes:
    """The PDF of the year's annual report."""
    report = collect(year, progress)
    html = render_template("contract/annual_report_pdf.html", report=report,
                           cpts=current_app.config.get("CPTS_NAME", ""), passed=gate.PASSED_SENTENCE)
    progress(0.7)
    pdf = render_pdf(html)
    progress(1.0)
    return pdf


CSV_HEADER = ["Année", "Partie", "Libellé", "Valeur", "Cible", "Détail"]


def csv_rows(report: dict) -> list[list]:
    year, plan = report["year"], report["plan"]
    done = {"written": "rédigé", "updated": "mis à jour"}.get(plan["kind"]) or "non publié"
    rows = [[year, "Plan d'action", f"Plan {done}", plan["version"] or "", "", plan["published_on"] or ""]]
    rows += [[year, "Action de l'année", a["title"], a["participants"], "", f"{a['kind']} ; réalisée le "
              f"{a['done_on'] or '—'}"] for a in report["activities"]]
    rows += [[year, "Exercice" if c["exercise"] else "Crise", c["title"], len(c["actions"]), "",
              f"RETEX : {c['retex']}"] for c in report["crises"]]
    rows += [[year, "Exercice d'alerte", d["title"], d["people"], "", f"{d['kind']} ; lancé le {d['launched_on']} ; "
              + " ; ".join(f"{p} % en {m} min" for m, p in d["share"].items())] for d in report.get("drills", [])]
    rows += [[year, "Alertes", label, report["alerts"][key], "", ""] for key, label in (
        ("alerts", "Alertes envoyées"), ("exercise_alerts", "Alertes d'exercice"),
        ("recipients", "Destinataires"), ("answered", "Réponses reçues"))]
    rows += [[year, f"Indicateur — {r['mission']}", r["label"], "" if r["value"] is None else r["value"],
              "" if r["target"] is None else r["target"],
              ("conditionne la part variable ; " if r["conditions_variable"] else "")
              + {True: "atteint", False: "non atteint", None: "sans cible"}[r["met"]]] for r in report["indicators"]]
    rows += [[year, "Plan d'actions", a["title"], a["status"], "", f"{a['source']} ; échéance {a['due_on'] or '—'}"]
             for a in report["actions"]]
    rows += [[year, "Montant variable crise", t["crisis"], t["amount"], "", f"versé en {t['payable_month']}"]
             for t in report["variable_triggers"]]
    return rows


def make_annual_report_csv(year: int, progress: Progress = lambda _: None) -> str:
    """The CSV of the year's annual report (formula-safe, for Excel)."""
    text = to_text(CSV_HEADER, csv_rows(collect(year, progress)))
    progress(1.0)
    return text
