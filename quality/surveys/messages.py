"""What surveys send through the outbox: one invitation message for a safety-culture survey, each delivery
written with its own personal link at send time (the stored message holds no link: whoever reads the outbox cannot
answer in someone's place). The link is signed on the invitation's id (core.links) and answers once."""

from __future__ import annotations

from crisis_app.core import links
from crisis_app.core.db import db
from crisis_app.core.formats import pluriel
from crisis_app.core.models import User
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.outbox import Recipient
from crisis_app.directory.contacts import recipient_for
from crisis_app.directory.professionals.models import Professional
from quality.surveys.models import Survey, SurveyInvitation

TOPIC = "quality.survey.invite"
PURPOSE = "survey"
REF_TYPE = "quality_survey_invitation"
LINK_LINE = "Votre lien personnel (il ne sert qu'une fois) : {link}"
INVALID = "Ce lien de questionnaire n'est pas valide."
SIGNATURE = "\n\nVigie — qualité et sécurité des soins"


def token_for(invitation: SurveyInvitation) -> str:
    return links.make_token(PURPOSE, "survey", invitation.survey_id, invitation.id)


def link_for(invitation: SurveyInvitation) -> str:
    return links.public_url(f"/questionnaire/{token_for(invitation)}")


def invitation_for_token(token: str) -> SurveyInvitation:
    """The invitation a token designates; ``LinkError(404)`` when malformed or forged."""
    invitation_id, sig = links.subject_of(token, INVALID)
    invitation = db.session.get(SurveyInvitation, invitation_id)
    if invitation is None or not links.verify(sig, PURPOSE, "survey", invitation.survey_id, invitation.id):
        raise links.LinkError(404, INVALID)
    return invitation


def _recipient(invitation: SurveyInvitation) -> Recipient:
    if invitation.professional_id:
        person = recipient_for(db.session.get(Professional, invitation.professional_id), ("email",))
        return Recipient(name=person.name, email=person.email, ref_type=REF_TYPE, ref_id=invitation.id)
    user = db.session.get(User, invitation.user_id)
    return Recipient(name=invitation.name, email=user.email if user and user.active else None, ref_type=REF_TYPE,
                     ref_id=invitation.id)


def _text(survey: Survey, link: str) -> str:
    return (f"Bonjour,\n\nLa CPTS mesure la culture de sécurité de son équipe : « {survey.title} ».\n"
            f"{pluriel(len(survey.questions), 'question', 'questions')}, cinq minutes, sans compte.\n\n"
            f"{LINK_LINE.format(link=link)}\n\n"
            "Vos réponses ne sont liées ni à votre nom ni à ce lien : Vigie garde seulement que vous avez répondu. "
            "Les résultats sont donnés par dimension, à partir de cinq réponses." + SIGNATURE)


def send_invitations(survey: Survey, invitations: list[SurveyInvitation], *, author=None) -> outbox.Message:
    return outbox.send_message(
        topic=TOPIC, subject=f"Questionnaire : {survey.title}", email_text=_text(survey, "[lien personnel]"),
        recipients=[_recipient(i) for i in invitations], channels=("email",), first_channel_only=True,
        about=("quality_survey", survey.id), read_permission="quality.manage", author=author,
        label=f"Invités — {survey.title}")


@outbox.renderer(TOPIC)
def render(ctx: outbox.RenderContext) -> outbox.Rendered:
    """Each delivery with its own link (signed at send time, never stored)."""
    text = ctx.message.email_text
    recipient = ctx.recipient
    if recipient is not None and recipient.ref_type == REF_TYPE and recipient.ref_id:
        invitation = db.session.get(SurveyInvitation, recipient.ref_id)
        if invitation is not None:
            text = text.replace("[lien personnel]", link_for(invitation))
    return outbox.Rendered(subject=ctx.message.subject, sms_text=ctx.message.sms_text, email_text=text)
