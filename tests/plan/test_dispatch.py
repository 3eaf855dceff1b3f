"""Publishing sends the plan's PDF to the tutelles it names (ARS, CPAM, MSA with an e-mail), after a confirmation
listing them; each delivery is followed and may be sent again; the tutelle's observer reads what it received."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.notifications import outbox
from crisis_app.core.notifications.models import DeliveryState, Message, MessageAttachment, MessageRecipient
from crisis_app.core.roles import Role
from crisis_app.plan import dispatch, services
from tests import factories
from tests.conftest import csrf_token
from tests.documents import make_attachments


@pytest.fixture
def tutelles(complete_draft, partner, personas, db_session):
    """The plan names the ARS (the partner), a CPAM, and a hospital (not a tutelle): the plan is validated."""
    cpam = factories.organisation(name="CPAM de la Haute-Garonne", kind="cpam",
                                  contacts=[{"name": "Service prévention", "email": "prevention@cpam.example.org"}])
    hospital = factories.organisation(name="CHU (test)", kind="hopital",
                                      contacts=[{"name": "Direction", "email": "direction@chu.example.org"}])
    referent = personas[Role.CRISIS_REFERENT].user
    services.update_section(actor=referent, plan=complete_draft, section="retex",
                            data={**complete_draft.retex, "recipient_ids": [partner.id, cpam.id, hospital.id]})
    services.validate_plan(actor=referent, plan=complete_draft)
    return {"ars": partner, "cpam": cpam, "hospital": hospital, "plan": complete_draft}


def test_publishing_sends_the_pdf_to_the_ars_and_the_cpam_only(tutelles, personas, partner):
    plan = services.publish_plan(actor=personas[Role.CRISIS_REFERENT].user, plan=tutelles["plan"])
    message = dispatch.message_of(plan)
    assert message.about_type == "plan" and message.about_id == plan.id and message.recipient_count == 2
    assert sorted(d.address for d in dispatch.deliveries(plan)) == [partner.contacts[0].email,
                                                                   "prevention@cpam.example.org"]
    [attachment] = db.session.scalars(sa.select(MessageAttachment).where(MessageAttachment.message_id == message.id))
    assert attachment.filename == f"plan-action-{plan.year}.pdf"
    assert attachment.content is None  # no PDF made in the publishing request: the worker's, then the message leaves
    make_attachments(message.id)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.content)).pages)
    assert "Sans objet sur notre territoire" in text


def test_the_observer_attached_to_the_ars_is_among_the_readers_and_the_cpams_is_not_needed(tutelles, personas):
    observer = personas[Role.ARS_OBSERVER].user
    observer.organisation_id = tutelles["ars"].id
    db.session.flush()
    plan = services.publish_plan(actor=personas[Role.CRISIS_REFERENT].user, plan=tutelles["plan"])
    refs = {(r.ref_type, r.ref_id) for r in db.session.scalars(
        sa.select(MessageRecipient).where(MessageRecipient.message_id == dispatch.message_of(plan).id))}
    assert refs & outbox.reader_refs(observer) == {("organisation_contact", tutelles["ars"].contacts[0].id)}


def test_the_confirmation_lists_the_recipients_before_anything_leaves(client, login, personas, tutelles):
    login(personas[Role.CRISIS_REFERENT])
    plan = tutelles["plan"]
    token = csrf_token(client, f"/plan/{plan.id}")
    step = client.post(f"/plan/{plan.id}/publier", data={"csrf_token": token})
    assert step.status_code == 200
    assert "prevention@cpam.example.org" in step.text and "direction@chu.example.org" not in step.text
    assert "2\u00a0destinataires" in step.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0
    done = client.post(f"/plan/{plan.id}/publier", data={"csrf_token": token, "confirm": "1"})
    assert done.status_code == 302
    page = client.get(f"/plan/{plan.id}").text
    assert 'data-testid="plan-deliveries"' in page and "prevention@cpam.example.org" in page


def test_a_failed_delivery_is_sent_again_and_a_queued_one_is_not(client, login, personas, tutelles):
    referent = personas[Role.CRISIS_REFERENT].user
    plan = services.publish_plan(actor=referent, plan=tutelles["plan"])
    first = dispatch.deliveries(plan)[0]
    with pytest.raises(ServiceError) as caught:
        dispatch.resend(actor=referent, plan=plan, delivery_id=first.id)
    assert caught.value.status == 409
    first.state = DeliveryState.PERMANENT_FAILURE
    db.session.flush()
    login(personas[Role.CRISIS_REFERENT])
    token = csrf_token(client, f"/plan/{plan.id}")
    assert client.post(f"/plan/{plan.id}/envois/{first.id}/renvoi", data={"csrf_token": token}).status_code == 302
    again = dispatch.deliveries(plan)
    assert len(again) == 3 and again[-1].address == first.address and again[-1].round == 1


@pytest.mark.parametrize("role", [Role.ARS_OBSERVER, Role.CRISIS_CELL, Role.PROFESSIONAL, Role.QUALITY_REFERENT])
def test_other_roles_may_not_resend(client, login, personas, tutelles, role):
    plan = services.publish_plan(actor=personas[Role.CRISIS_REFERENT].user, plan=tutelles["plan"])
    first = dispatch.deliveries(plan)[0]
    first.state = DeliveryState.SENT
    db.session.flush()
    login(personas[role])
    token = csrf_token(client, "/mon-compte")
    assert client.post(f"/plan/{plan.id}/envois/{first.id}/renvoi", data={"csrf_token": token}).status_code == 403
    assert len(dispatch.deliveries(plan)) == 2


def test_a_plan_naming_no_tutelle_is_published_and_sent_to_nobody(complete_draft, personas):
    referent = personas[Role.CRISIS_REFERENT].user
    services.update_section(actor=referent, plan=complete_draft, section="retex",
                            data={**complete_draft.retex, "recipient_ids": []})
    services.validate_plan(actor=referent, plan=complete_draft)
    plan = services.publish_plan(actor=referent, plan=complete_draft)
    assert plan.is_published and dispatch.message_of(plan) is None and dispatch.deliveries(plan) == []


def test_the_api_follows_each_tutelles_copy_of_the_published_plan(client, tutelles, personas, partner):
    from tests.plan.test_access import bearer

    plan = tutelles["plan"]
    draft = client.get(f"/api/v1/plans/{plan.id}", headers=bearer(personas[Role.ARS_OBSERVER])).json
    assert draft["deliveries"] == []  # nothing left before publication
    services.publish_plan(actor=personas[Role.CRISIS_REFERENT].user, plan=plan)
    shown = client.get(f"/api/v1/plans/{plan.id}", headers=bearer(personas[Role.ARS_OBSERVER])).json["deliveries"]
    assert sorted(d["address"] for d in shown) == sorted([partner.contacts[0].email, "prevention@cpam.example.org"])
    assert {d["channel"] for d in shown} == {"email"} and not any(d["resend"] for d in shown)
    assert {d["state"] for d in shown} <= {s.value for s in DeliveryState}
    assert all(d["state_label"] == DeliveryState(d["state"]).label for d in shown)
