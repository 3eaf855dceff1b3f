"""Every free text of the programme passes the one screen (issue 17 item 15's unscreened fields, issue 19's names):
refused with the passage named and how to rewrite it, nothing stored; single-line fields refuse line breaks."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest

from crisis_app.core.db import db
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from quality.action_followup import actions
from quality.register import declaring, services
from quality.sessions import themes
from quality.sessions.models import QualitySession, QualityTheme
from tests import factories
from tests.conftest import csrf_token
from tests.quality.conftest import declaration, row_counts
from tests.quality.sessionkit import action_for, crex, event_for_crex


@pytest.fixture
def referent(personas):
    return personas[Role.QUALITY_REFERENT].user


def test_a_declaration_naming_the_patient_is_refused_with_how_to_rewrite_it(db_session):
    before = row_counts()
    with pytest.raises(ServiceError) as refused:
        declaring.declare(actor=None, anonymous=True,
                         data=declaration(description="Mme Josette Martin a reçu une double dose."))
    [message] = refused.value.fields["description"]
    assert "« Mme Josette Martin »" in message and "« Mme X »" in message
    assert row_counts() == before
    assert declaring.declare(actor=None, anonymous=True,
                            data=declaration(description="Mme X a reçu une double dose.")).event.id


def test_a_declaration_naming_a_professional_of_the_directory_is_refused(db_session):
    factories.professional(first_name="Odile", last_name="Sarrazin")
    with pytest.raises(ServiceError) as refused:
        declaring.declare(actor=None, anonymous=True,
                         data=declaration(description="Pilulier préparé par Odile Sarrazin sans double contrôle."))
    assert "professionnel de la CPTS" in refused.value.fields["description"][0]


def test_a_session_link_with_a_line_break_is_a_clear_refusal_not_a_500(referent):
    with pytest.raises(ServiceError) as refused:
        crex(referent, place=None, video_url="https://visio.exemple.fr/crex\r\nBcc: x@y.fr")
    assert "Une seule ligne" in refused.value.fields["video_url"][0]
    assert db.session.query(QualitySession).count() == 0


def test_a_session_link_carrying_a_phone_number_is_refused(referent):
    with pytest.raises(ServiceError) as refused:
        crex(referent, video_url="https://visio.exemple.fr/salle?rappel=0612345678")
    assert "numéro de téléphone" in refused.value.fields["video_url"][0]


def test_a_theme_label_naming_a_patient_is_refused(referent):
    with pytest.raises(ServiceError) as refused:
        themes.add_theme(actor=referent, label="Chutes de Mme Lefèvre")
    assert "« Mme Lefèvre »" in refused.value.fields["label"][0]
    assert db.session.query(QualityTheme).filter_by(label="Chutes de Mme Lefèvre").count() == 0


def test_an_ars_reference_holding_a_nir_is_refused(referent, personas):
    from tests.quality.conftest import declare

    event = declare(personas[Role.PROFESSIONAL].user, severity=5, likelihood=2).event
    services.triage(actor=referent, event=event, severity=5, likelihood=2, decision="eigs")
    with pytest.raises(ServiceError) as refused:
        services.record_eigs(actor=referent, event=event, part1_sent_on=date.today(),
                             ars_reference="ARS 1850578006084")
    assert "NIR" in refused.value.fields["ars_reference"][0]
    db.session.refresh(event)
    assert event.ars_reference is None


def test_a_text_evidence_file_naming_a_patient_is_not_kept(login, personas, referent):
    action = action_for(referent, event_for_crex(referent, personas[Role.PROFESSIONAL].user))
    client = login(personas[Role.QUALITY_REFERENT])
    response = client.post(f"/qualite/actions/{action.id}/preuve", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/qualite/actions"),
        "evidence_file": (BytesIO(b"Audit fait avec M. Benali, IPP 2026004512."), "audit.txt",
                          "text/plain")}, follow_redirects=True)
    assert "IPP 2026004512" in response.text and "rien n&#39;a été enregistré" in response.text
    db.session.refresh(action)
    assert action.evidence_filename is None


def test_an_evidence_file_of_three_megabytes_is_kept_as_the_form_promises_five(login, personas, referent):
    action = action_for(referent, event_for_crex(referent, personas[Role.PROFESSIONAL].user))
    client = login(personas[Role.QUALITY_REFERENT])
    content = b"%PDF-1.4 " + b"0" * (3 * 1024 * 1024)
    response = client.post(f"/qualite/actions/{action.id}/preuve", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/qualite/actions"),
        "evidence_file": (BytesIO(content), "audit.pdf", "application/pdf")})
    assert response.status_code == 302
    db.session.refresh(action)
    assert action.evidence_file == content
    assert len(content) < actions.EVIDENCE_MAX_BYTES
