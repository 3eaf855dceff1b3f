"""Surveys: create one from its questionnaire, open and close it, invite people (one personal single-use link each,
through the outbox), add a public link per cabinet or pathway, take an answer, and the results.

An answer is taken in one unit of work: the invitation's ``answered`` set by a guarded UPDATE (a link answers once),
the survey's counter raised, the values inserted in one batch in a shuffled order with random ids and the day
only. No audit row is written for an answer (its time and order would place it); the changes of the referents are
audited as everywhere. Results: per dimension (and per question) the share of positive answers, shown only from
``MIN_RESPONSES`` answers up, never per person.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.timez import to_paris
from crisis_app.directory.professionals.models import Professional
from quality import validation
from quality.surveys import questionnaire
from quality.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyComment,
    SurveyDimension,
    SurveyInvitation,
    SurveyPoint,
    SurveyQuestion,
    random_id,
)
from quality.surveys.vocab import MIN_RESPONSES, SurveyKind, SurveyStatus, is_positive

OBJECT = "quality_survey"
_shuffle = random.SystemRandom().shuffle


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


@atomic()
def create(*, actor: User, kind: Any, title: Any, dimensions: Any, note: Any = None) -> Survey:
    """A survey in preparation, with its questionnaire (dimensions and questions as data)."""
    try:
        kind = SurveyKind(kind)
    except ValueError:
        raise _refuse("Choisissez culture de sécurité ou satisfaction des patients.", "kind") from None
    title = validation.clean_text(title)
    if not title or len(title) > 200:
        raise _refuse("Donnez un titre (200 caractères au plus).", "title")
    checked = questionnaire.check(dimensions)
    survey = Survey(kind=kind, title=title, note=validation.clean_text(note), status=SurveyStatus.DRAFT)
    survey.dimensions = [SurveyDimension(position=n, label=d["label"], questions=[
        SurveyQuestion(position=m, text=q["text"], negative=q["negative"]) for m, q in enumerate(d["questions"])])
        for n, d in enumerate(checked)]
    db.session.add(survey)
    db.session.flush()
    audit.record(actor=actor, action="quality.survey.create", object_type=OBJECT, object_id=survey.id,
                 summary=f"Questionnaire « {title[:120]} » ({kind.label}) : "
                         f"{pluriel(len(checked), 'dimension', 'dimensions')}, "
                         f"{pluriel(len(survey.questions), 'question', 'questions')}")
    return survey


def _status(survey: Survey, target: SurveyStatus, allowed: tuple[SurveyStatus, ...], actor: User) -> Survey:
    if survey.status not in allowed:
        raise ServiceError("invalid_transition", f"Questionnaire « {survey.status.label} » : impossible.",
                           status=409)
    before, survey.status = survey.status, target
    audit.record(actor=actor, action=f"quality.survey.{target.value}", object_type=OBJECT, object_id=survey.id,
                 summary=f"Questionnaire « {survey.title[:120]} » : {target.label.lower()}",
                 changes={"status": [before.value, target.value]})
    return survey


@atomic()
def open_survey(*, actor: User, survey: Survey) -> Survey:
    return _status(survey, SurveyStatus.OPEN, (SurveyStatus.DRAFT,), actor)


@atomic()
def close(*, actor: User, survey: Survey) -> Survey:
    return _status(survey, SurveyStatus.CLOSED, (SurveyStatus.OPEN,), actor)


def _ids(value: Any) -> list[int]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, int) and not isinstance(v, bool)
                                                      and 0 < v < 2**31 for v in value):
        raise _refuse("Liste d'identifiants invalide.", "professional_ids")
    return list(dict.fromkeys(value))


@atomic()
def invite(*, actor: User, survey: Survey, professional_ids: Any = (), user_ids: Any = ()) -> int:
    """Invite people to a safety-culture survey (opened if still in preparation): one personal link each, sent
    through the outbox; someone already invited is not invited twice. Returns how many were newly invited."""
    from quality.surveys import messages  # the outbox side of surveys

    if survey.kind is not SurveyKind.SAFETY_CULTURE:
        raise ServiceError("invalid_transition", "Un questionnaire de satisfaction s'ouvre par un lien public.",
                           status=409)
    if survey.status is SurveyStatus.DRAFT:
        open_survey(actor=actor, survey=survey)
    if survey.status is not SurveyStatus.OPEN:
        raise ServiceError("invalid_transition", "Questionnaire clos.", status=409)
    people = _rows(Professional, _ids(list(professional_ids)))
    users = _rows(User, _ids(list(user_ids)))
    known = {(i.professional_id, i.user_id) for i in db.session.scalars(
        sa.select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id))}
    new = [SurveyInvitation(survey_id=survey.id, professional_id=p.id, name=p.display_name) for p in people
           if (p.id, None) not in known]
    new += [SurveyInvitation(survey_id=survey.id, user_id=u.id, name=u.full_name) for u in users
            if (None, u.id) not in known]
    if not new:
        raise _refuse("Choisissez au moins une personne pas encore invitée.", "professional_ids")
    db.session.add_all(new)
    db.session.flush()
    message = messages.send_invitations(survey, new, author=actor)
    audit.record(actor=actor, action="quality.survey.invite", object_type=OBJECT, object_id=survey.id,
                 summary=f"Questionnaire « {survey.title[:120]} » : {pluriel(len(new), 'invitation', 'invitations')}"
                         f" ({pluriel(message.recipient_count, 'destinataire joignable', 'destinataires joignables')})")
    return len(new)


def _rows(model, ids: list[int]) -> list:
    rows = list(db.session.scalars(sa.select(model).where(model.id.in_(ids)))) if ids else []
    if len(rows) != len(ids):
        raise _refuse("Personne introuvable.", "professional_ids")
    return rows


@atomic()
def add_point(*, actor: User, survey: Survey, label: Any) -> SurveyPoint:
    """A public link (and its poster) for one cabinet or pathway of a satisfaction questionnaire."""
    if survey.kind is not SurveyKind.SATISFACTION:
        raise ServiceError("invalid_transition", "Le questionnaire de culture de sécurité s'envoie personnellement.",
                           status=409)
    text = validation.clean_text(label)
    if not text or len(text) > 200:
        raise _refuse("Nommez le cabinet ou le parcours (200 caractères au plus).", "label")
    validation.refuse_patient_data({"label": text})
    point = SurveyPoint(survey_id=survey.id, label=text)
    db.session.add(point)
    db.session.flush()
    audit.record(actor=actor, action="quality.survey.point", object_type=OBJECT, object_id=survey.id,
                 summary=f"Questionnaire « {survey.title[:120]} » : lien public « {text[:120]} »")
    return point


def _values(survey: Survey, values: Any) -> dict[int, int]:
    """Every question answered on the scale (1..5), or 422."""
    if not isinstance(values, Mapping):
        raise _refuse("Répondez à chaque question.", "values")
    wanted = {q.id for q in survey.questions}
    cleaned = {}
    for key, value in values.items():
        try:
            qid, number = int(key), int(value)
        except (TypeError, ValueError):
            raise _refuse("Réponse invalide.", "values") from None
        if qid not in wanted or not 1 <= number <= 5 or isinstance(value, bool):
            raise _refuse("Réponse invalide.", "values")
        cleaned[qid] = number
    if set(cleaned) != wanted:
        raise _refuse("Répondez à chaque question (une case par ligne).", "values")
    return cleaned


def _store(survey: Survey, values: dict[int, int], comment: str | None, point_id: int | None) -> None:
    today = to_paris(utcnow()).date()
    rows = [{"id": random_id(), "survey_id": survey.id, "question_id": q, "point_id": point_id, "value": v,
             "day": today} for q, v in values.items()]
    _shuffle(rows)  # one batch in no order: not the questionnaire's, not the answer's
    db.session.execute(sa.insert(SurveyAnswer), rows)
    if comment:
        db.session.add(SurveyComment(survey_id=survey.id, point_id=point_id, text=comment, day=today))
    db.session.execute(sa.update(Survey).where(Survey.id == survey.id)
                       .values(responses=Survey.responses + 1).execution_options(synchronize_session=False))
    db.session.expire(survey, ["responses"])


def _comment(text: Any) -> str | None:
    comment = validation.clean_text(text)
    if comment and len(comment) > 2000:
        raise _refuse("Au plus 2000 caractères.", "comment")
    if comment:
        validation.refuse_patient_data({"comment": comment})
    return comment


def _require_open(survey: Survey) -> None:
    if survey.status is not SurveyStatus.OPEN:
        raise ServiceError("survey_closed", "Ce questionnaire n'est pas ouvert aux réponses.", status=410)


@atomic()
def answer_invitation(*, invitation: SurveyInvitation, values: Any, comment: Any = None) -> None:
    """The answer of one invited person: once (a guarded UPDATE), with nothing kept that ties it to them."""
    survey = db.session.get(Survey, invitation.survey_id)
    _require_open(survey)
    cleaned, text = _values(survey, values), _comment(comment)
    claimed = db.session.execute(sa.update(SurveyInvitation).where(
        SurveyInvitation.id == invitation.id, SurveyInvitation.answered.is_(False)).values(answered=True)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise ServiceError("already_answered", "Ce lien a déjà servi : une seule réponse par personne.", status=409)
    db.session.expire(invitation, ["answered"])
    _store(survey, cleaned, text, None)


@atomic()
def answer_point(*, point: SurveyPoint, values: Any, comment: Any = None) -> None:
    """An anonymous answer through a public link (the caller limits how often one address may answer)."""
    survey = db.session.get(Survey, point.survey_id)
    _require_open(survey)
    _store(survey, _values(survey, values), _comment(comment), point.id)


def _shares(survey_id: int, *, where: Iterable[sa.ColumnElement[bool]] = ()) -> dict[int, tuple[int, int]]:
    """Per question: (positive answers, answers)."""
    negative = dict(db.session.execute(sa.select(SurveyQuestion.id, SurveyQuestion.negative)
                                       .join(SurveyDimension).where(SurveyDimension.survey_id == survey_id)).all())
    counts: dict[int, list[int]] = {q: [0, 0] for q in negative}
    rows = db.session.execute(sa.select(SurveyAnswer.question_id, SurveyAnswer.value, sa.func.count())
                              .where(SurveyAnswer.survey_id == survey_id, *where)
                              .group_by(SurveyAnswer.question_id, SurveyAnswer.value))
    for question_id, value, count in rows:
        counts[question_id][1] += count
        if is_positive(value, negative[question_id]):
            counts[question_id][0] += count
    return {q: (p, n) for q, (p, n) in counts.items()}


def _pct(positive: int, total: int) -> float | None:
    return round(100 * positive / total, 1) if total else None


def results(survey: Survey) -> dict:
    """Per dimension and per question, the % of positive answers; None everywhere below ``MIN_RESPONSES``."""
    shown = survey.responses >= MIN_RESPONSES
    shares = _shares(survey.id) if shown else {}
    dimensions = []
    for dimension in survey.dimensions:
        pos = sum(shares.get(q.id, (0, 0))[0] for q in dimension.questions)
        total = sum(shares.get(q.id, (0, 0))[1] for q in dimension.questions)
        dimensions.append({"id": dimension.id, "label": dimension.label, "positive_pct": _pct(pos, total),
                           "questions": [{"id": q.id, "text": q.text, "negative": q.negative,
                                          "positive_pct": _pct(*shares.get(q.id, (0, 0)))}
                                         for q in dimension.questions]})
    return {"survey_id": survey.id, "responses": survey.responses, "shown": shown, "min_responses": MIN_RESPONSES,
            "dimensions": dimensions}


def previous(survey: Survey) -> Survey | None:
    """The last survey of the same kind before this one (the one the chart compares with)."""
    return db.session.scalar(sa.select(Survey).where(Survey.kind == survey.kind, Survey.id < survey.id,
                                                     Survey.status != SurveyStatus.DRAFT)
                             .order_by(Survey.id.desc()).limit(1))


def _satisfaction_months(year: int) -> list[dict]:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    positive = sa.case((SurveyQuestion.negative.is_(True), SurveyAnswer.value <= 2), else_=SurveyAnswer.value >= 4)
    # grouped by day and question in the database (at most 366 × questions rows), folded into months here
    rows = db.session.execute(
        sa.select(SurveyAnswer.day, SurveyAnswer.question_id, sa.func.count(),
                  sa.func.sum(sa.case((positive, 1), else_=0)))
        .join(Survey, Survey.id == SurveyAnswer.survey_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(Survey.kind == SurveyKind.SATISFACTION, SurveyAnswer.day >= start, SurveyAnswer.day < end)
        .group_by(SurveyAnswer.day, SurveyAnswer.question_id))
    months = [{"month": m, "answers": 0, "positive": 0, "questions": {}} for m in range(1, 13)]
    for day, question_id, answers, positives in rows:
        month = months[day.month - 1]
        month["answers"] += answers
        month["questions"][question_id] = month["questions"].get(question_id, 0) + answers
        month["positive"] += positives or 0
    for month in months:
        month["responses"] = max(month["questions"].values(), default=0)  # the most answered question's count
    return months


def satisfaction_by_month(year: int) -> list[dict]:
    """Twelve months of the Paris civil ``year``: answers and % positive over every satisfaction questionnaire;
    ``positive_pct`` is None for a month with fewer than ``MIN_RESPONSES`` answers to a question."""
    return [{"month": m["month"], "responses": m["responses"],
             "positive_pct": _pct(m["positive"], m["answers"]) if m["responses"] >= MIN_RESPONSES else None}
            for m in _satisfaction_months(year)]


def satisfaction_of_year(year: int) -> dict:
    """The year's patient satisfaction (the indicator): questionnaires answered and % positive over all answers,
    None below ``MIN_RESPONSES`` questionnaires."""
    months = _satisfaction_months(year)
    responses = sum(m["responses"] for m in months)
    answers, positive = sum(m["answers"] for m in months), sum(m["positive"] for m in months)
    return {"responses": responses, "positive_pct": _pct(positive, answers) if responses >= MIN_RESPONSES else None}


def satisfaction_by_question(survey: Survey, year: int) -> list[dict]:
    """Per month and question of one satisfaction questionnaire: % positive (None below ``MIN_RESPONSES``)."""
    questions = list(db.session.scalars(sa.select(SurveyQuestion.id).join(SurveyDimension)
                                        .where(SurveyDimension.survey_id == survey.id)))
    counts = [{q: [0, 0] for q in questions} for _ in range(12)]
    positive = sa.case((SurveyQuestion.negative.is_(True), SurveyAnswer.value <= 2), else_=SurveyAnswer.value >= 4)
    # one query grouped by day and question (as _satisfaction_months), folded into months here
    rows = db.session.execute(
        sa.select(SurveyAnswer.day, SurveyAnswer.question_id, sa.func.count(),
                  sa.func.sum(sa.case((positive, 1), else_=0)))
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyAnswer.survey_id == survey.id, SurveyAnswer.day >= date(year, 1, 1),
               SurveyAnswer.day < date(year + 1, 1, 1))
        .group_by(SurveyAnswer.day, SurveyAnswer.question_id))
    for day, question_id, answers, positives in rows:
        share = counts[day.month - 1].setdefault(question_id, [0, 0])
        share[0] += positives or 0
        share[1] += answers
    return [{"month": month, "questions": {q: _pct(p, n) if n >= MIN_RESPONSES else None
                                           for q, (p, n) in counts[month - 1].items()}}
            for month in range(1, 13)]


def invitation_counts(survey: Survey) -> dict[str, int]:
    """How many were invited and how many answered (never who answered what)."""
    invited, answered = db.session.execute(sa.select(
        sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((SurveyInvitation.answered.is_(True), 1), else_=0)), 0))
        .where(SurveyInvitation.survey_id == survey.id)).one()
    return {"invited": invited, "answered": answered}
