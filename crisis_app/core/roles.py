"""Roles and what each may do: the single table every access check reads."""

from __future__ import annotations

from crisis_app.core.labels import LabelledStrEnum


class Role(LabelledStrEnum):
    COORDINATOR = "coordinator", "Coordinateur"
    CRISIS_REFERENT = "crisis_referent", "Référent crise sanitaire"
    CRISIS_CELL = "crisis_cell", "Membre de la cellule de crise"
    PROFESSIONAL = "professional", "Professionnel de santé"
    QUALITY_REFERENT = "quality_referent", "Référent qualité"
    # an account attached to its organisation (ARS, CPAM, MSA): reads what that organisation receives
    ARS_OBSERVER = "ars_observer", "Observateur (ARS, CPAM, MSA)"


ALL_ROLES = frozenset(Role)

# permission -> roles that hold it. Domains add theirs here so the whole policy reads in one place.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "home.view": ALL_ROLES,
    "profile.view": ALL_ROLES,
    "audit.read": frozenset({Role.COORDINATOR}),
    "users.read": frozenset({Role.COORDINATOR}),
    "users.manage": frozenset({Role.COORDINATOR}),
    "crisis.read": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL, Role.ARS_OBSERVER}),
    "crisis.manage": frozenset({Role.CRISIS_REFERENT}),
    # crises: the cellule writes the journal and keeps the needs board; everyone sees that a crisis is on and what
    # they were asked; the ARS observer reads the retours d'expérience (and writes nothing)
    "crisis.journal.write": frozenset({Role.CRISIS_REFERENT, Role.CRISIS_CELL}),
    "crisis.needs.manage": frozenset({Role.CRISIS_REFERENT, Role.CRISIS_CELL}),
    "crisis.status": ALL_ROLES,
    # points de situation to the partners: the référent and the coordinator write and send them, the cellule reads
    # them; an observer reads those sent to their organisation (crises/situation.py: may_read)
    "crisis.situation.write": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT}),
    "crisis.situation.read": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL,
                                        Role.ARS_OBSERVER}),
    "crisis.evaluation.read": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL,
                                         Role.ARS_OBSERVER}),
    # directory: the crisis team reads it to mobilise; the coordinator keeps it
    "directory.read": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL}),
    "directory.manage": frozenset({Role.COORDINATOR}),
    "directory.import": frozenset({Role.COORDINATOR}),
    # the whole directory as a file, mobiles and e-mails included: only who keeps it (see directory/exports.py)
    "directory.export": frozenset({Role.COORDINATOR}),
    # a capped list to mobilise: people of a filter, mobiles only of those who consented to SMS alerts
    "directory.export_list": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL}),
    "audience.manage": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT}),
    "organisation.manage": frozenset({Role.COORDINATOR}),
    # a professional's own directory entry (contact details, availability, consent)
    "directory.self": frozenset({Role.PROFESSIONAL, Role.CRISIS_CELL, Role.CRISIS_REFERENT, Role.QUALITY_REFERENT}),
    # stock: received and corrected by the référents, handed out by the cellule too
    "stock.read": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL}),
    "stock.manage": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT}),
    "stock.distribute": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL}),
    # alerts: the référents broadcast; the cellule follows answers; the coordinator configures channels
    "alerts.read": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL}),
    "alerts.send": frozenset({Role.CRISIS_REFERENT}),
    # a person's answers over the year (asked, answered, available): the référents' view, never other professionals'
    "alerts.history": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT}),
    # drills of the alert chain: the référent and the coordinator plan and launch them; the cellule and the observers
    # (ARS) read their figures and report (per profession and channel, never a person's answer)
    "drills.read": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL, Role.ARS_OBSERVER}),
    "drills.manage": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT}),
    # the outbox: every message sent and its deliveries; attachments (RETEX, minutes) are downloaded by the
    # coordinator and the référents; the demo's "my messages" lets anyone see what they would have received
    # coordinator and the référents; the demo's "my messages" lets anyone see what they would have received.
    # outbox.open opens the pages; what each reader sees there is the messages whose domain permission they hold
    # (outbox.read for the general ones: stock, directory campaigns): the quality référent opens her invitations,
    # minutes and .ics, and nothing of the crisis side.
    "outbox.open": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL, Role.QUALITY_REFERENT}),
    "outbox.read": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL}),
    "outbox.attachments": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.QUALITY_REFERENT}),
    "outbox.mine": ALL_ROLES,
    # plan: the référent and the coordinator write it, the référent validates; the cellule and the ARS read it;
    # a professional sees only what it asks of them
    "plan.read": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.CRISIS_CELL, Role.ARS_OBSERVER}),
    "plan.edit": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT}),
    "plan.validate": frozenset({Role.CRISIS_REFERENT}),
    "plan.publish": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT}),
    # observers (ARS, CPAM, MSA) comment on a draft's sections; the référent and the coordinator answer and resolve
    "plan.comment": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT, Role.ARS_OBSERVER}),
    "plan.comment.resolve": frozenset({Role.COORDINATOR, Role.CRISIS_REFERENT}),
    "plan.self": frozenset({Role.PROFESSIONAL, Role.CRISIS_CELL, Role.CRISIS_REFERENT, Role.QUALITY_REFERENT}),
    # quality: everyone declares (a professional reads back only their own named declarations); the quality
    # referents triage and follow the register; the coordinator sets the zones and the public declaration link
    "quality.declare": ALL_ROLES,
    "quality.manage": frozenset({Role.QUALITY_REFERENT}),
    "quality.configure": frozenset({Role.COORDINATOR}),
    # sessions (CREX, RMM, patient traceur): the quality referents write; a participant reads their own sessions
    "quality.sessions.read": frozenset({Role.QUALITY_REFERENT, Role.PROFESSIONAL, Role.CRISIS_CELL,
                                        Role.CRISIS_REFERENT}),
    # the programme's indicators and the annual report: read by the coordinator and the ARS too
    "quality.indicators.read": frozenset({Role.QUALITY_REFERENT, Role.COORDINATOR, Role.ARS_OBSERVER}),
    # surveys (safety culture, patient satisfaction) and PACTE: results per dimension or question, from 5 answers
    # up, never an answer; the referents write, the coordinator and the ARS read the results
    "quality.surveys.results": frozenset({Role.QUALITY_REFERENT, Role.COORDINATOR, Role.ARS_OBSERVER}),
    # the ACI contract: set by the coordinator, read by the observers; the annual report of both missions
    # ("bilan annuel") is for the meetings with the ARS and the Assurance Maladie
    "contract.read": frozenset({Role.COORDINATOR, Role.ARS_OBSERVER}),
    "contract.manage": frozenset({Role.COORDINATOR}),
    "report.annual.read": frozenset({Role.COORDINATOR, Role.ARS_OBSERVER}),
    # the twice-yearly indicator review: planned and recorded by the coordinator and the référents
    "contract.review": frozenset({Role.COORDINATOR, Role.QUALITY_REFERENT, Role.CRISIS_REFERENT}),
}


def role_may(role: Role | str, permission: str) -> bool:
    """True when ``role`` holds ``permission``; an unknown permission is held by nobody."""
    try:
        return Role(role) in PERMISSIONS.get(permission, frozenset())
    except ValueError:
        return False
