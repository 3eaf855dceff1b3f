"""The twice-yearly indicator review: planned like a quality session (an invitation with its .ics through the
outbox, made by quality.sessions.calendar), then what it decided per indicator and per action; it is due when six
months have passed since the last one held."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from crisis_app.actionplan.models import CorrectiveAction
from crisis_app.contract import indicators
from crisis_app.contract.models import IndicatorReview, ReviewDecision, ReviewStatus
from crisis_app.contract.services import add_months
from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.outbox import Attachment, Recipient
from crisis_app.core.roles import Role
from crisis_app.core.timez import paris_datetime, to_paris
from quality import gate, validation
from quality.sessions import calendar

TOPIC = "contract.review.invite"
INVITED_ROLES = (Role.COORDINATOR, Role.QUALITY_REFERENT, Role.CRISIS_REFERENT)
EVERY_MONTHS = 6


def review_due(*, last_held: date | None, today: date) -> bool:
    """Pure rule: due when none was ever held, or six months after the last one held."""
    return last_held is None or today >= add_months(last_held, EVERY_MONTHS)


def last_held() -> date | None:
    return db.session.scalar(sa.select(sa.func.max(IndicatorReview.held_on)).where(
        IndicatorReview.status == ReviewStatus.HELD))


def next_planned() -> IndicatorReview | None:
    return db.session.scalar(sa.select(IndicatorReview).where(IndicatorReview.status == ReviewStatus.PLANNED)
                             .order_by(IndicatorReview.starts_at).limit(1))


def list_reviews() -> list[IndicatorReview]:
    return list(db.session.scalars(sa.select(IndicatorReview).order_by(IndicatorReview.starts_at.desc())))


def decisions_of(review: IndicatorReview) -> list[ReviewDecision]:
    return list(db.session.scalars(sa.select(ReviewDecision).where(ReviewDecision.review_id == review.id)
                                   .order_by(ReviewDecision.id)))


def _refuse(message: str, field: str) -> ServiceError:
    return ServiceError("validation_error", message, field=field)


def invitees() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role.in_(INVITED_ROLES), User.active.is_(True))
                                   .order_by(User.full_name)))


def _send_invitation(review: IndicatorReview, actor: User) -> outbox.Message:
    people = invitees()
    ics = calendar.invitation(review, attendees=[(u.full_name, u.email) for u in people],
                              organizer=(actor.full_name, actor.email))
    when = paris_datetime(review.starts_at, "%d/%m/%Y à %H:%M")
    text = (f"Bonjour,\n\nVous êtes invité(e) à la revue semestrielle des indicateurs des missions, le {when} "
            f"(heure de Paris), {review.duration_minutes} minutes.\nLieu : {review.place or 'à préciser'}\n\n"
            "Chaque indicateur y est revu face à sa cible de l'année, avec les actions du plan. Le fichier joint "
            "l'ajoute à votre agenda.\n\nVigie — contrat ACI de la CPTS")
    return outbox.send_message(
        topic=TOPIC, subject=f"Invitation : {review.title}", email_text=text, channels=("email",),
        recipients=[Recipient(name=u.full_name, email=u.email, ref_type="user", ref_id=u.id) for u in people],
        first_channel_only=True, about=("aci_indicator_review", review.id), author=actor,
        label="Revue des indicateurs", read_permission="contract.review",
        attachments=[Attachment(filename=f"revue-indicateurs-{review.id}.ics", media_type=calendar.MEDIA_TYPE,
                                content=ics)])


@atomic()
def plan_review(*, actor: User, starts_at: Any, place: Any, duration_minutes: Any = 90) -> IndicatorReview:
    """Plan the review and send its invitation (.ics) to the coordinator and the référents."""
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None or starts_at <= utcnow():
        raise _refuse("Date et heure de la revue, dans le futur.", "starts_at")
    if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int) or \
            not 15 <= duration_minutes <= 480:
        raise _refuse("Durée entre 15 et 480 minutes.", "duration_minutes")
    place = validation.clean_text(place)
    if place and len(place) > 300:
        raise _refuse("Lieu : 300 caractères au plus.", "place")
    review = IndicatorReview(title=f"Revue des indicateurs — {to_paris(starts_at):%m/%Y}", starts_at=starts_at,
                             duration_minutes=duration_minutes, place=place, uid=f"{uuid.uuid4()}@vigie",
                             created_by_id=actor.id, invited_at=utcnow())
    db.session.add(review)
    db.session.flush()
    message = _send_invitation(review, actor)
    audit.record(actor=actor, action="contract.review.plan", object_type="aci_indicator_review", object_id=review.id,
                 summary=f"{review.title} planifiée, invitation à "
                         f"{pluriel(message.recipient_count, 'personne', 'personnes')}")
    return review


@atomic()
def record_decision(*, actor: User, review: IndicatorReview, indicator: str | None, action_id: int | None,
                    text: Any) -> ReviewDecision:
    """What the review decided about an indicator or an action (screened: no patient data)."""
    text = validation.clean_text(text)
    if not text:
        raise _refuse("Écrivez la décision.", "text")
    if indicator and not indicators.is_known(indicator):
        raise _refuse("Indicateur inconnu.", "indicator")
    if action_id is not None and db.session.get(CorrectiveAction, action_id) is None:
        raise _refuse("Action introuvable.", "action_id")
    if not indicator and action_id is None:
        raise _refuse("Choisissez l'indicateur ou l'action dont il s'agit.", "indicator")
    gate.refuse("La décision", gate.check([gate.Source("Décision", text)]))
    decision = ReviewDecision(review_id=review.id, indicator=indicator or None, action_id=action_id,
                              text=text[:validation.TEXT_MAX], author_id=actor.id)
    db.session.add(decision)
    db.session.flush()
    audit.record(actor=actor, action="contract.review.decision", object_type="aci_indicator_review",
                 object_id=review.id, summary=f"{review.title} : décision enregistrée")
    return decision


@atomic()
def mark_held(*, actor: User, review: IndicatorReview, held_on: Any) -> IndicatorReview:
    """The review took place on ``held_on``: the next one is due six months later."""
    if not isinstance(held_on, date) or held_on > to_paris(utcnow()).date():
        raise _refuse("Date de tenue attendue (pas dans le futur).", "held_on")
    if review.status is ReviewStatus.HELD:
        raise ServiceError("invalid_transition", "Cette revue est déjà tenue.", status=409)
    review.status, review.held_on = ReviewStatus.HELD, held_on
    audit.record(actor=actor, action="contract.review.held", object_type="aci_indicator_review", object_id=review.id,
                 summary=f"{review.title} tenue le {held_on:%d/%m/%Y}")
    return review
