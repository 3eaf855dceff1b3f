"""Demo programme: themes, a CREX held last month with its analysis and actions, the next CREX invited with its
agenda, an RMM for the EIGS, two own indicators. Everything goes through the services (audit rows included)."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.demo.seed import DEMO_ACCOUNTS, demo_seeder
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from crisis_app.directory.professionals.models import Professional
from quality.action_followup import actions
from quality.analyses import services as analyses
from quality.analyses.models import Analysis
from quality.indicators import services as indicators
from quality.register.models import AdverseEvent
from quality.register.vocab import State
from quality.sessions import discussion, series
from quality.sessions import services as sessions
from quality.sessions import themes as session_themes
from quality.sessions.calendar import PARIS
from quality.sessions.models import QualitySession, QualityTheme


def _user(role: Role) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[role]))


@demo_seeder(order=75)
def seed(rng: random.Random) -> list[str]:
    if db.session.scalar(sa.select(QualitySession.id).limit(1)) is not None:
        return ["Qualité : séances déjà présentes, rien d'ajouté"]
    referent, pilot = _user(Role.QUALITY_REFERENT), _user(Role.COORDINATOR)
    if referent is None or pilot is None:
        return ["Qualité : pas de référent qualité de démonstration, pas de séance"]
    session_themes.ensure_default_themes()
    db.session.flush()
    themes = {t.label: t.id for t in db.session.scalars(sa.select(QualityTheme))}
    people = [p.id for p in db.session.scalars(sa.select(Professional).where(Professional.active.is_(True))
                                               .order_by(Professional.id).limit(8))]
    events = {e.state: e for e in db.session.scalars(sa.select(AdverseEvent).order_by(AdverseEvent.id))}
    crex_event = events.get(State.CREX)
    held = _held_crex(referent, pilot, people, themes, crex_event)
    upcoming = sessions.schedule(actor=referent, invite=True, data={
        "kind": "crex", "starts_at": utcnow() + timedelta(days=5), "duration_minutes": 90,
        "place": "Maison de santé pluriprofessionnelle, salle de réunion", "professional_ids": people[:6],
        "user_ids": [referent.id], "theme_ids": [themes["Parcours ville–hôpital"]]})
    if eigs := events.get(State.EIGS):
        sessions.schedule(actor=referent, invite=True, data={
            "kind": "rmm", "starts_at": utcnow() + timedelta(days=18), "duration_minutes": 120,
            "video_url": "https://visio.example.org/rmm-cpts", "professional_ids": people[2:7],
            "user_ids": [referent.id], "event_ids": [eigs.id], "theme_ids": [themes["Iatrogénie médicamenteuse"]]})
    _practice_group(referent, people, themes)
    _monthly_crex(referent, people)
    indicators.create_indicator(actor=referent, data={
        "name": "Professionnels en groupe d'analyse", "definition": "Professionnels distincts présents à au moins "
        "une séance tenue dans l'année", "source": "computed", "metric": "participants", "target": 12,
        "unit": "professionnels"})
    indicators.create_indicator(actor=referent, data={
        "name": "Sorties conciliées", "definition": "Part des sorties d'hospitalisation avec conciliation "
        "médicamenteuse (audit trimestriel de 20 dossiers)", "source": "manual", "target": 80, "unit": "%"})
    return [f"Qualité : séances ({held.title}, {upcoming.title}, une RMM, un groupe d'analyse des pratiques, un "
            "CREX mensuel récurrent), une analyse ORION, des actions, deux indicateurs"]


def _practice_group(referent: User, people: list[int], themes: dict) -> QualitySession:
    """A practice-analysis group on chronic wounds, held two weeks ago with its attendance and conclusions."""
    group = sessions.schedule(actor=referent, data={
        "kind": "practice_group", "title": "Groupe d'analyse des pratiques — plaies chroniques",
        "starts_at": utcnow() + timedelta(hours=2), "duration_minutes": 120, "place": "Maison de santé, salle 2",
        "professional_ids": people[1:7], "user_ids": [referent.id], "theme_ids": [themes["Plaies chroniques"]]})
    sessions.update(actor=referent, session=group, data={"starts_at": utcnow() - timedelta(days=14)})
    sessions.set_attendance(actor=referent, session=group, present_ids=[p.id for p in group.participants][:4])
    discussion.record(actor=referent, session=group,
                      case_summary="Ulcères veineux de jambe suivis à domicile : choix des pansements, contention.",
                      conclusions="Un protocole commun de contention ; une fiche de transmission IDE–médecin.")
    return sessions.hold(actor=referent, session=group, summary="Deux cas anonymes discutés.")


def _monthly_crex(referent: User, people: list[int]) -> None:
    """A CREX every 2nd Tuesday of the month at 12:30, invited as one series."""
    first = utcnow().astimezone(PARIS).date().replace(day=1) + timedelta(days=32)
    first = first.replace(day=1)
    first += timedelta(days=(1 - first.weekday()) % 7 + 7)
    series.create(actor=referent, invite=True, data={
        "kind": "crex", "title": "CREX mensuel", "rrule": series.monthly_rule(2, 1),
        "first_at": datetime.combine(first, time(12, 30)), "duration_minutes": 90,
        "place": "Maison de santé pluriprofessionnelle, salle de réunion", "professional_ids": people[:6],
        "user_ids": [referent.id]})


def _held_crex(referent: User, pilot: User, people: list[int], themes: dict, event: AdverseEvent | None):
    session = sessions.schedule(actor=referent, data={
        "kind": "crex", "title": "CREX — sorties d'hospitalisation", "starts_at": utcnow() + timedelta(hours=2),
        "duration_minutes": 90,
        "place": "Maison de santé pluriprofessionnelle", "professional_ids": people[:6], "user_ids": [referent.id],
        "event_ids": [event.id] if event else [], "theme_ids": [themes["Parcours ville–hôpital"],
                                                              themes["Personne âgée"]]})
    sessions.update(actor=referent, session=session, data={"starts_at": utcnow() - timedelta(days=26)})
    present = [p.id for p in session.participants][:5]
    sessions.set_attendance(actor=referent, session=session, present_ids=present)
    if event is not None:
        sessions.decide(actor=referent, session=session, event_id=event.id, decision="analysis",
                        pilot_user_id=pilot.id)
        analysis = db.session.scalar(sa.select(Analysis).where(Analysis.event_id == event.id))
        analyses.save(actor=pilot, analysis=analysis, data={
            "steps": {"collect": "Entretiens avec l'infirmière, le service et le médecin traitant.",
                      "chronology": "Sortie le vendredi à 17 h ; compte rendu envoyé le lundi.",
                      "gaps": "Pas de transmission à la sortie ; pas de rendez-vous infirmier planifié."},
            "factors": {"organisation": "Sorties du vendredi sans circuit de transmission.",
                        "human": "Charge de travail du service en fin de semaine."},
            "barriers": [{"kind": "recovery", "outcome": "failed", "text": "Appel de suivi J+1 non prévu."}],
            "lessons": "Une sortie n'est pas terminée tant que la ville n'a pas reçu ses consignes."})
        analyses.present(actor=pilot, analysis=analysis)
        analyses.validate(actor=referent, analysis=analysis, session=session)
        for title, kind, days in (("Fiche de liaison de sortie partagée avec le service", "corrective", 20),
                                  ("Appel infirmier à J+1 des sorties du vendredi", "preventive", -3)):
            actions.create(actor=referent, data={"title": title, "action_type": kind, "source_type": "analysis",
                                                 "source_id": analysis.id, "owner_user_id": referent.id,
                                                 "due_on": utcnow().date() + timedelta(days=days)})
    sessions.hold(actor=referent, session=session, summary="Un événement analysé ; plan d'actions validé.")
    return session
