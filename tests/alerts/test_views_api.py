"""Pages and API of alerts: a référent sends and follows; other roles are refused what they may not do."""

import re

import pytest
import sqlalchemy as sa

from crisis_app.alerts import services
from crisis_app.alerts.models import Alert
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from tests import factories
from tests.alerts.conftest import alert_data
from tests.conftest import csrf_token

NOT_SENDERS = [r for r in Role if r is not Role.CRISIS_REFERENT]
NOT_READERS = [Role.PROFESSIONAL, Role.QUALITY_REFERENT, Role.ARS_OBSERVER]


def _bearer(user):
    return {"Authorization": f"Bearer {auth_services.issue_token(actor=None, user=user)}"}


def test_referent_sends_from_the_form_and_follows_the_counters(client, personas, login, audience, eager):
    login(personas[Role.CRISIS_REFERENT])
    page = client.get("/alertes/nouvelle?modele=infectieux-g2")
    assert page.status_code == 200 and "centre de consultation dédié" in page.text
    form = {"title": "Renfort", "sms_text": "Renfort demandé", "email_text": "Renfort demandé.",
            "audience_id": str(audience.id), "channels": ["sms", "email"], "question": "availability",
            "escalation_max": "0", "action": "review", "csrf_token": csrf_token(client, "/alertes/nouvelle")}
    review = client.post("/alertes/nouvelle", data=form)
    assert review.status_code == 200 and db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 0
    assert 'data-testid="confirm-people">3<' in review.text and 'data-testid="confirm-channel-sms">3<' in review.text
    assert "Répondre : http" in review.text and personas[Role.CRISIS_REFERENT].user.full_name in review.text
    response = client.post("/alertes/nouvelle", data={**form, "action": "send"})
    assert response.status_code == 302
    detail = client.get(response.headers["Location"])
    assert detail.status_code == 200
    assert 'data-testid="count-recipients">3<' in detail.text and 'data-testid="count-reached">3<' in detail.text
    silent = client.get(response.headers["Location"] + "?sans_reponse=1")
    assert silent.text.count('data-testid="person"') == 3  # one row per person, not per delivery
    assert silent.text.count('href="tel:+33') == 3  # a call link to each silent person's mobile


def test_form_with_missing_fields_names_them_in_french_and_sends_nothing(client, personas, login, audience):
    login(personas[Role.CRISIS_REFERENT])
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Alert))
    response = client.post("/alertes/nouvelle", data={"title": "", "sms_text": "", "email_text": "x",
                                                      "action": "send",
                                                      "csrf_token": csrf_token(client, "/alertes/nouvelle")})
    assert response.status_code == 400
    for message in ("Entre 1 et 200 caractère(s).", "Ce champ est obligatoire.", "Choisissez au moins un canal."):
        assert message in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == count


@pytest.mark.parametrize("role", NOT_SENDERS)
def test_only_the_referent_sends_alerts(client, personas, login, role, audience):
    login(personas[role])
    assert client.get("/alertes/nouvelle").status_code == 403
    token = {"X-CSRFToken": csrf_token(client, "/")}
    assert client.post("/api/v1/alerts", json=alert_data(audience), headers=token).status_code == 403


@pytest.mark.parametrize("role", NOT_READERS)
def test_roles_outside_the_crisis_team_cannot_read_alerts(client, personas, login, role):
    login(personas[role])
    assert client.get("/alertes/").status_code == 403
    assert client.get("/alertes/boite-d-envoi").status_code == 403
    assert client.get("/api/v1/alerts").status_code == 403


def test_cellule_follows_answers_and_exports_them(client, personas, login, referent, audience, eager):
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    services.record_answer(recipient=alert.recipients[0], code="1", comment="j'arrive", via="lien")
    login(personas[Role.CRISIS_CELL])
    refused = client.post(f"/alertes/{alert.id}/annuler", data={"csrf_token": csrf_token(client, "/")})
    assert refused.status_code == 403
    export = client.get(f"/alertes/{alert.id}/export.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    text = export.get_data(as_text=True)
    assert "Disponible immédiatement" in text and "j'arrive" in text
    outbox = client.get("/boite-d-envoi")
    assert outbox.status_code == 200 and "[lien personnel]" in outbox.text
    assert "/r/" not in outbox.text  # nobody answers on someone else's behalf


def test_api_sends_lists_who_is_silent_and_ends(client, personas, audience, eager):
    headers = _bearer(personas[Role.CRISIS_REFERENT].user)
    created = client.post("/api/v1/alerts", json=alert_data(audience), headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    # the answer describes the unit of work as written: nothing leaves before it commits
    assert body["counts"]["recipients"] == 3 and body["counts"]["by_state"] == {"queued": 6}
    sent = client.get(f"/api/v1/alerts/{body['id']}", headers=headers).get_json()
    assert sent["counts"]["recipients"] == 3 and sent["counts"]["by_state"] == {"sent": 6}
    alert = db.session.get(Alert, body["id"])
    services.record_answer(recipient=alert.recipients[0], code="4", comment=None, via="lien")
    silent = client.get(f"/api/v1/alerts/{alert.id}/deliveries?answered=false", headers=headers).get_json()
    assert silent["total"] == 4 and alert.recipients[0].name not in {d["name"] for d in silent["items"]}
    ended = client.post(f"/api/v1/alerts/{alert.id}/end", json={"text": "Fin, merci."}, headers=headers)
    assert ended.status_code == 200 and ended.get_json()["status"] == "ended"
    again = client.post(f"/api/v1/alerts/{alert.id}/end", json={"text": "Fin."}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_ended"


def test_api_refuses_invalid_alert_with_field_messages(client, personas, audience):
    headers = _bearer(personas[Role.CRISIS_REFERENT].user)
    response = client.post("/api/v1/alerts", json={**alert_data(audience), "channels": [], "question": "maybe"},
                           headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"channels", "question"}


def test_referent_home_offers_a_new_alert_and_the_cellule_home_does_not(client, personas, login):
    login(personas[Role.CRISIS_REFERENT])
    assert "Nouvelle alerte" in client.get("/").text
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    login(personas[Role.CRISIS_CELL])
    page = client.get("/").text
    assert "Nouvelle alerte" not in page and "Aucune alerte envoyée" in page


def test_declared_unavailability_is_shown_to_the_cellule_but_the_person_is_still_alerted(client, personas, login,
                                                                                         referent, audience, eager):
    from datetime import timedelta

    from crisis_app.core.db import utcnow

    away = audience.people[0]
    away.unavailable_until = utcnow() + timedelta(days=3)
    db.session.commit()
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    recipient = next(r for r in alert.recipients if r.professional_id == away.id)
    assert recipient.unavailable_until is not None and len(alert.recipients) == 3
    login(personas[Role.CRISIS_CELL])
    assert "indisponible jusqu'au" in client.get(f"/alertes/{alert.id}").text


def test_an_answer_comment_typed_as_a_formula_stays_text_in_the_export(client, personas, login, referent,
                                                                          audience, eager):
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    services.record_answer(recipient=alert.recipients[0], code="1", comment='=HYPERLINK("http://x.example")',
                           via="lien")
    login(personas[Role.CRISIS_CELL])
    export = client.get(f"/alertes/{alert.id}/export.csv")
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    import csv
    import io

    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 1 + 3  # one row per person
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(\"http://x.example\")" in cells and not any(c.startswith("=") for c in cells)


def test_the_sender_is_not_their_own_recipient_and_is_named_in_the_message(referent, audience, eager):
    from crisis_app.core.notifications.models import OutboxMessage
    from crisis_app.directory.audiences.models import AudienceMember
    from tests import factories

    me = factories.reachable_professional()
    me.user_id = referent.id
    db.session.add(AudienceMember(audience_id=audience.id, professional_id=me.id))
    db.session.commit()
    alert = services.send_alert(actor=referent, data=alert_data(audience))
    assert me.id not in {r.professional_id for r in alert.recipients}
    sms = db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.channel == "sms")).all()
    assert sms and all(referent.full_name in body for body in sms)


def test_the_composer_relaunches_the_silent_by_default(client, personas, login):
    login(personas[Role.CRISIS_REFERENT])
    page = client.get("/alertes/nouvelle").text
    assert 'name="escalation_minutes" inputmode="numeric" value="10"' in page
    assert 'name="escalation_max" inputmode="numeric" value="1"' in page


def test_ids_beyond_the_database_integer_are_refused_not_a_500(client, personas, audience):
    headers = _bearer(personas[Role.CRISIS_REFERENT].user)
    for field in ("audience_id", "crisis_id"):
        response = client.post("/api/v1/alerts", json={**alert_data(audience), field: 2**31}, headers=headers)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_a_long_alert_page_is_paged_and_searchable(client, login, personas):
    referent = personas[Role.CRISIS_REFERENT]
    people = [factories.reachable_professional(channels=("sms",)) for _ in range(60)]
    audience = audiences.save_audience(actor=referent.user, data={"name": "Tout le territoire", "kind": "list",
                                                                   "professional_ids": [p.id for p in people]})
    alert = services.send_alert(actor=referent.user, data={
        "title": "Renfort", "sms_text": "Renfort demandé.", "email_text": "Renfort demandé.",
        "audience_id": audience.id, "channels": ["sms"], "question": "availability"})
    login(referent)
    first = client.get(f"/alertes/{alert.id}").text
    assert first.count('data-testid="person"') == 50 and "page 1 sur 2" in first and "Page suivante" in first
    second = client.get(f"/alertes/{alert.id}?page=2").text
    assert second.count('data-testid="person"') == 10 and "Page précédente" in second
    target = people[17]
    found = client.get(f"/alertes/{alert.id}?q={target.last_name}").text
    names = re.findall(r'<div class="person-head">\s*<strong>([^<]+)</strong>', found)
    assert target.display_name in names and len(names) < 60
    assert client.get(f"/alertes/{alert.id}?q=%25&page=99999999999").status_code == 200
