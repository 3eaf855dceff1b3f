"""Every change to the register after its declaration (quality.register.declaring): settings, the state machine,
triage, EIGS follow-up, the word to the declarer; each with its audit row in the same transaction."""

from __future__ import annotations

import hmac
import secrets
from datetime import date
from typing import Any

import sqlalchemy as sa

from crisis_app.actionplan import services as action_plan
from crisis_app.actionplan.vocab import SourceKind
from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import User
from crisis_app.core.roles import Role
from quality import notify, screening, validation
from quality.register import messages, rules
from quality.register import reference as reference_code
from quality.register.models import AdverseEvent, AdverseEventStep, QualitySettings
from quality.register.vocab import DECISIONS, State

OBJECT = "adverse_event"
REASON_MAX = 1000


# --- settings ------------------------------------------------------------------------------------

def settings() -> QualitySettings:
    """The settings row, or unsaved defaults when the coordinator never changed anything."""
    row = db.session.scalar(sa.select(QualitySettings).order_by(QualitySettings.id).limit(1))
    return row or QualitySettings(acceptable_max=4, unacceptable_min=15)


def zones() -> rules.Zones:
    row = settings()
    return rules.Zones(acceptable_max=row.acceptable_max, unacceptable_min=row.unacceptable_min)


def _settings_for_update() -> QualitySettings:
    row = settings()
    if row.id is None:
        db.session.add(row)
    return row


@atomic()
def set_zones(*, actor: User, acceptable_max: int, unacceptable_min: int) -> QualitySettings:
    """Set the criticality zones: acceptable up to ``acceptable_max``, inacceptable from ``unacceptable_min``."""
    if not (isinstance(acceptable_max, int) and isinstance(unacceptable_min, int)
            and 1 <= acceptable_max < unacceptable_min <= 25):
        raise ServiceError("validation_error", "Les seuils doivent vérifier 1 ≤ acceptable < inacceptable ≤ 25.",
                           fields={"acceptable_max": ["Seuil incohérent."], "unacceptable_min": ["Seuil incohérent."]})
    row = _settings_for_update()
    before = {"acceptable_max": row.acceptable_max, "unacceptable_min": row.unacceptable_min}
    row.acceptable_max, row.unacceptable_min, row.updated_at = acceptable_max, unacceptable_min, utcnow()
    db.session.flush()
    audit.record(actor=actor, action="quality.settings.zones", object_type="quality_settings", object_id=row.id,
                 summary=f"Zones de criticité : acceptable ≤ {acceptable_max}, inacceptable ≥ {unacceptable_min}",
                 changes=audit.changes_between(before, {"acceptable_max": acceptable_max,
                                                        "unacceptable_min": unacceptable_min}))
    return row


@atomic()
def renew_public_link(*, actor: User) -> str:
    """Give the public declaration page a new address; the previous one stops working at once."""
    row = _settings_for_update()
    row.public_token = secrets.token_urlsafe(18)
    row.public_token_set_at = row.updated_at = utcnow()
    db.session.flush()
    audit.record(actor=actor, action="quality.settings.public_link", object_type="quality_settings",
                 object_id=row.id, summary="Nouvelle adresse de la page publique de déclaration")
    return row.public_token


def public_link_valid(token: str) -> bool:
    current = settings().public_token
    return bool(current) and hmac.compare_digest(current.encode(), (token or "").encode())


# --- the state machine ---------------------------------------------------------------------------

def _refuse_move(event: AdverseEvent, target: State) -> ServiceError:
    allowed = ", ".join(s.label for s in rules.next_states(event.state)) or "aucun autre état"
    return ServiceError("invalid_transition",
                        f"Transition impossible : {event.reference} est « {event.state.label} » et ne peut pas "
                        f"passer à « {target.label} ». États possibles depuis cet état : {allowed}.",
                        field="to", status=409)


def move(event: AdverseEvent, target: State, *, actor: User, reason: str | None, values: dict | None = None
         ) -> None:
    """One guarded UPDATE: the event moves only from the state it was read in (a concurrent move loses)."""
    source = event.state
    if not rules.may_move(source, target):
        raise _refuse_move(event, target)
    if target is State.CLOTURE:
        # the action plan's closure rule: every action the event led to has its effect verified
        action_plan.refuse_open_actions(SourceKind.ADVERSE_EVENT, event.id, what=event.reference)
    now = utcnow()
    result = db.session.execute(sa.update(AdverseEvent).where(AdverseEvent.id == event.id,
                                                              AdverseEvent.state == source)
                                .values(state=target, updated_at=now, **(values or {}))
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ServiceError("conflict", f"{event.reference} vient d'être modifié par quelqu'un d'autre : "
                           "rechargez la page.", status=409)
    db.session.expire(event)
    db.session.add(AdverseEventStep(event_id=event.id, at=now, from_state=source, to_state=target,
                                    reason=reason, actor_label=actor.full_name))
    audit.record(actor=actor, action="quality.event.transition", object_type=OBJECT, object_id=event.id,
                 summary=f"{event.reference} : {source.label} → {target.label}"
                         f"{' — ' + reason[:300] if reason else ''}",
                 changes={"state": [source.value, target.value],
                          **{k: [None, v] for k, v in (values or {}).items()}})


def _reason(reason: Any, *, required: bool, message: str) -> str | None:
    text = validation.clean_text(reason)
    if required and text is None:
        raise ServiceError("validation_error", message, field="reason")
    if text and len(text) > REASON_MAX:
        raise ServiceError("validation_error", f"Au plus {REASON_MAX} caractères.", field="reason")
    if text:
        validation.refuse_patient_data({"reason": text})
    return text


def _duplicate_target(event: AdverseEvent, duplicate_of_id: Any) -> AdverseEvent:
    duplicate_of_id = reference_code.parse(duplicate_of_id)
    if duplicate_of_id is None:
        raise ServiceError("validation_error", "Indiquez le code de l'événement que celui-ci répète "
                           f"(par exemple {reference_code.EXAMPLE}).", field="duplicate_of_id")
    original = db.session.get(AdverseEvent, duplicate_of_id) if 0 < duplicate_of_id < 2**31 else None
    if original is None or original.id == event.id:
        raise ServiceError("validation_error", "Événement d'origine introuvable (il doit être un autre "
                           "événement du registre).", field="duplicate_of_id")
    return original


REASON_REQUIRED = {State.NON_RETENU: "Dites pourquoi l'événement n'est pas retenu.",
                   State.REOUVERT: "Dites pourquoi l'événement est réouvert."}


def _target(to: State | str) -> State:
    try:
        return State(to)
    except ValueError:
        raise ServiceError("validation_error", "État inconnu.", field="to") from None


def _prepare(event: AdverseEvent, target: State, *, reason: Any, duplicate_of_id: Any
             ) -> tuple[str | None, dict[str, Any]]:
    """Check what ``target`` needs before anything is written; returns the reason and the values to set."""
    reason = _reason(reason, required=target in REASON_REQUIRED, message=REASON_REQUIRED.get(target, ""))
    values: dict[str, Any] = {}
    if target is State.DOUBLON:
        values["duplicate_of_id"] = _duplicate_target(event, duplicate_of_id).id
    if target is State.EIGS:
        values["is_eigs"] = True
    return reason, values


@atomic()
def transition(*, actor: User, event: AdverseEvent, to: State | str, reason: str | None = None,
               duplicate_of_id: int | None = None, feedback: str | None = None) -> AdverseEvent:
    """Move ``event`` to ``to`` if the state machine allows it (409 and nothing changed otherwise).

    ``doublon`` needs the event it repeats; ``non_retenu`` and ``reouvert`` need a reason; ``feedback`` is the
    word shown to the declarer (on the follow-up page, or in their account).
    """
    target = _target(to)
    if not rules.may_move(event.state, target):
        raise _refuse_move(event, target)
    reason, values = _prepare(event, target, reason=reason, duplicate_of_id=duplicate_of_id)
    text = _feedback_text(feedback, required=False)
    move(event, target, actor=actor, reason=reason, values=values)
    if text:
        _write_feedback(actor=actor, event=event, text=text)
    return event


@atomic()
def triage(*, actor: User, event: AdverseEvent, severity: int, likelihood: int, decision: State | str,
           reason: str | None = None, duplicate_of_id: int | None = None, feedback: str | None = None
           ) -> AdverseEvent:
    """Re-rate (the declarer's rating is kept beside) and decide; a just-declared event goes through "en tri".

    At severity 4 or 5 the "EIGS ? RMM ?" question must be answered: deciding anything else needs a reason.
    """
    errors = {f: ["Choisissez une valeur de 1 à 5."] for f, v in (("severity", severity), ("likelihood", likelihood))
              if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5}
    target = State(decision) if decision in {s.value for s in DECISIONS} else None
    if target is None:
        errors["decision"] = ["Choisissez une décision."]
    if errors:
        raise ServiceError("validation_error", "Tri incomplet : corrigez les champs signalés.", fields=errors)
    if event.state not in rules.TO_TRIAGE:
        raise _refuse_move(event, target)
    if rules.asks_eigs_question(severity) and target not in (State.EIGS, State.RMM) and not (reason or "").strip():
        raise ServiceError("eigs_question", "Gravité 4 ou 5 : EIGS ? RMM ? Si vous ne retenez ni l'un ni "
                           "l'autre, dites pourquoi.", field="reason")
    reason, values = _prepare(event, target, reason=reason, duplicate_of_id=duplicate_of_id)
    text = _feedback_text(feedback, required=False)
    _rerate(actor=actor, event=event, severity=severity, likelihood=likelihood)
    if event.state is not State.EN_TRI:
        move(event, State.EN_TRI, actor=actor, reason=None)
    move(event, target, actor=actor, reason=reason, values=values)
    if text:
        _write_feedback(actor=actor, event=event, text=text)
    return event


def _rerate(*, actor: User, event: AdverseEvent, severity: int, likelihood: int) -> None:
    before = {"referent_severity": event.referent_severity, "referent_likelihood": event.referent_likelihood}
    event.referent_severity, event.referent_likelihood = severity, likelihood
    event.severity, event.criticality = severity, rules.criticality(severity, likelihood)
    changes = audit.changes_between(before, {"referent_severity": severity, "referent_likelihood": likelihood})
    db.session.flush()
    if changes:
        audit.record(actor=actor, action="quality.event.rate", object_type=OBJECT, object_id=event.id,
                     summary=f"{event.reference} coté par le référent : gravité {severity}, "
                             f"vraisemblance {likelihood} (criticité {event.criticality})", changes=changes)


# --- EIGS ----------------------------------------------------------------------------------------

@atomic()
def record_eigs(*, actor: User, event: AdverseEvent, part1_sent_on: date | None = None,
                part2_sent_on: date | None = None, ars_reference: str | None = None) -> AdverseEvent:
    """Record when part 1 and part 2 went to the ARS and its reference; part 2 falls due 3 months after part 1."""
    if not event.is_eigs:
        raise ServiceError("not_eigs", f"{event.reference} n'a pas été orienté en EIGS lors du tri.", status=409)
    today = utcnow().date()
    part1 = part1_sent_on or event.eigs_part1_sent_on
    errors: dict[str, list[str]] = {}
    for name, value in (("part1_sent_on", part1_sent_on), ("part2_sent_on", part2_sent_on)):
        if value is not None and value > today:
            errors[name] = ["Cette date ne peut pas être dans le futur."]
    if part2_sent_on is not None and (part1 is None or part2_sent_on < part1):
        errors["part2_sent_on"] = ["La partie 2 suit la partie 1 : enregistrez d'abord la date de la partie 1."]
    reference = validation.clean_text(ars_reference)
    if reference and len(reference) > 60:
        errors["ars_reference"] = ["Au plus 60 caractères."]
    elif reference:
        errors.update(screening.as_field_errors(validation.findings({"ars_reference": reference})))
    if errors:
        raise ServiceError("validation_error", "Dates EIGS invalides : corrigez les champs signalés.", fields=errors)
    before = {f: getattr(event, f) for f in ("eigs_part1_sent_on", "eigs_part2_due_on", "eigs_part2_sent_on",
                                             "ars_reference")}
    event.eigs_part1_sent_on = part1
    event.eigs_part2_due_on = rules.part2_due_on(part1) if part1 else None
    event.eigs_part2_sent_on = part2_sent_on or event.eigs_part2_sent_on
    event.ars_reference = reference or event.ars_reference
    event.refresh_search_text()
    event.updated_at = utcnow()
    changes = audit.changes_between(before, {f: getattr(event, f) for f in before})
    if changes:
        audit.record(actor=actor, action="quality.eigs.update", object_type=OBJECT, object_id=event.id,
                     summary=f"{event.reference} : suivi EIGS mis à jour", changes=changes)
    return event


def _feedback_text(feedback: Any, *, required: bool) -> str | None:
    text = validation.clean_text(feedback)
    if text is None:
        if required:
            raise ServiceError("validation_error", "Écrivez le retour au déclarant.", field="feedback")
        return None
    if len(text) > validation.TEXT_MAX:
        raise ServiceError("validation_error", f"Au plus {validation.TEXT_MAX} caractères.", field="feedback")
    validation.refuse_patient_data({"feedback": text})
    return text


def _write_feedback(*, actor: User, event: AdverseEvent, text: str) -> None:
    event.feedback, event.feedback_at = text, utcnow()
    sent = 0
    declarer = None if event.anonymous else event.declarer
    if declarer is not None and declarer.active:
        sent = notify.send(messages.feedback(event, declarer, text))
    audit.record(actor=actor, action="quality.event.feedback", object_type=OBJECT, object_id=event.id,
                 summary=f"{event.reference} : retour au déclarant "
                         f"{'envoyé' if sent else 'affiché sur sa page de suivi'}")


@atomic()
def give_feedback(*, actor: User, event: AdverseEvent, feedback: str) -> AdverseEvent:
    """Write the word the declarer reads on their follow-up page and, to a named declarer, send it by e-mail.

    The one writer of an event's feedback: the triage, a transition and the closure all come through here.
    """
    _write_feedback(actor=actor, event=event, text=_feedback_text(feedback, required=True))
    return event


def quality_referents() -> list[User]:
    """Active quality referents' accounts: who triages and who is reminded."""
    return list(db.session.scalars(sa.select(User).where(User.role == Role.QUALITY_REFERENT,
                                                         User.active.is_(True)).order_by(User.id)))
