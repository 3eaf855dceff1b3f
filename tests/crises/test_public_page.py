"""The population's information page: published and withdrawn by the référent (after a confirmation), read by
anyone at its unguessable address without login or cookie, with the plan's consignes for the crisis's typology and
gradation, the cabinets and pharmacies that said they are open, cache headers (ETag, Last-Modified, 304), 404 once
withdrawn; its A4 poster with a QR code; the API; every other role refused."""

from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader

from crisis_app.alerts import services as alert_services
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from crisis_app.crises import journal, public_page, services
from crisis_app.crises.models import EntryKind
from crisis_app.directory.audiences import services as audiences
from crisis_app.plan import services as plan_services
from tests import factories
from tests.alerts.conftest import alert_data, queued  # noqa: F401 - fixtures
from tests.conftest import csrf_token
from tests.crises.test_situation import bearer
from tests.plan.conftest import complete_data, measure

CANICULE_G1 = "Buvez régulièrement et prenez des nouvelles de vos voisins âgés."


@pytest.fixture
def plan(referent):
    """A published plan whose canicule measure tells the population what to do at gradation 1."""
    people = [factories.reachable_professional() for _ in range(4)]
    partner = factories.organisation(name="ARS (page publique)")
    data = complete_data(people, partner)
    data["adaptation"] = {"measures": [measure(1, 1), measure(1, 2), measure(4, 1, population=CANICULE_G1),
                                       measure(4, 2, population="Salle rafraîchie ouverte.")],
                          "not_applicable": [n for n in data["adaptation"]["not_applicable"] if n["typology"] != 4]}
    version = plan_services.create_draft(actor=referent, year=utcnow().year)
    plan_services.update_sections(actor=referent, plan=version, data=data)
    plan_services.validate_plan(actor=referent, plan=version)
    return plan_services.publish_plan(actor=referent, plan=version)


@pytest.fixture
def published(crisis, referent, plan):
    return public_page.publish(actor=referent, crisis=crisis, text="Épisode de canicule jusqu'à jeudi.",
                               places="Mairie de Balma, salle climatisée, 9 h – 19 h")


def test_anyone_reads_the_page_without_login_nor_cookie_with_cache_headers(app, published):
    anonymous = app.test_client()
    response = anonymous.get(f"/info/{published.slug}")
    assert response.status_code == 200
    body = html.unescape(response.text)
    assert "Épisode de canicule jusqu'à jeudi." in body and CANICULE_G1 in body
    assert "Mairie de Balma, salle climatisée" in body
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers.get("ETag") and response.headers.get("Last-Modified")
    assert "Set-Cookie" not in response.headers and "<script" not in response.text
    again = anonymous.get(f"/info/{published.slug}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_consignes_follow_the_gradation(app, crisis, referent, published):
    services.change_level(actor=referent, crisis=crisis, gradation=2, reason="Surmortalité")
    page = html.unescape(app.test_client().get(f"/info/{published.slug}").text)
    assert "Salle rafraîchie ouverte." in page and CANICULE_G1 not in page and "Gradation 2" in page


def test_the_pharmacies_that_said_they_are_open_are_listed_and_no_person(app, crisis, referent, published,
                                                                        queued):  # noqa: F811
    open_one = factories.reachable_professional(structure_name="Pharmacie des Lilas", structure_type="officine",
                                                structure_phone="+33561000001", commune_name="Balma")
    closed = factories.reachable_professional(structure_name="Cabinet du Parc", structure_type="cabinet")
    aud = audiences.save_audience(actor=referent, data={"name": "Officines", "kind": "list",
                                                        "professional_ids": [open_one.id, closed.id]})
    with atomic():
        alert = alert_services.send_alert(actor=referent, data=alert_data(aud, crisis_id=crisis.id))
    by_pro = {r.professional_id: r for r in alert.recipients}
    with atomic():
        alert_services.record_answer(recipient=by_pro[open_one.id], code="1", comment=None, via="lien")
        alert_services.record_answer(recipient=by_pro[closed.id], code="4", comment=None, via="lien")
    page = html.unescape(app.test_client().get(f"/info/{published.slug}").text)
    assert "Pharmacie des Lilas" in page and "+33561000001" in page
    assert "Cabinet du Parc" not in page
    assert open_one.last_name not in page and open_one.email not in page


def test_the_referent_publishes_after_a_confirmation_then_withdraws_and_the_address_answers_404(
        app, client, login, personas, crisis, plan):
    login(personas[Role.CRISIS_REFERENT])
    url = f"/crises/{crisis.id}/population"
    token = csrf_token(client, url)
    step = client.post(url, data={"csrf_token": token, "text": "Canicule : restez au frais."})
    assert step.status_code == 200 and "aucune donnée personnelle" in step.text
    assert public_page.page_of(crisis) is None
    assert client.post(url, data={"csrf_token": token, "confirm": "1", "text": "Canicule : restez au frais.",
                                  "places": ""}).status_code == 302
    page = public_page.page_of(crisis)
    assert page.live and f"/info/{page.slug}" in client.get(url).text
    assert app.test_client().get(f"/info/{page.slug}").status_code == 200
    poster = client.get(f"{url}/affiche.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(poster.data)).pages)
    assert poster.mimetype == "application/pdf" and page.slug[:20] in text.replace("\n", "")
    assert client.post(f"{url}/retrait", data={"csrf_token": token}).status_code == 200  # the confirmation
    assert public_page.page_of(crisis).live
    assert client.post(f"{url}/retrait", data={"csrf_token": token, "confirm": "1"}).status_code == 302
    gone = app.test_client().get(f"/info/{page.slug}")
    assert gone.status_code == 404 and "Page introuvable" in gone.text
    kinds = [e.text for e in journal.entries(crisis) if e.kind is EntryKind.COMMUNICATION]
    assert kinds == ["Page d'information de la population publiée", "Page d'information de la population retirée"]


def test_bad_input_is_refused_and_nothing_is_published(crisis, referent):
    for text, places in (("", ""), ("x" * 2001, ""), ("ok", "y" * 3001), ("a\x00b", "")):
        with pytest.raises(ServiceError) as refused:
            public_page.publish(actor=referent, crisis=crisis, text=text, places=places)
        assert refused.value.status == 422
    assert public_page.page_of(crisis) is None
    with pytest.raises(ServiceError) as refused:
        public_page.withdraw(actor=referent, crisis=crisis)
    assert refused.value.status == 409


def test_unknown_addresses_are_404(app, published):
    anonymous = app.test_client()
    assert anonymous.get("/info/nimportequoi").status_code == 404
    assert anonymous.get(f"/info/{published.slug[:-1]}").status_code == 404
    assert anonymous.get("/info/" + "a" * 500).status_code == 404


def test_the_api_publishes_reads_and_withdraws(app, client, personas, crisis, plan):
    headers = bearer(personas[Role.CRISIS_REFERENT])
    url = f"/api/v1/crises/{crisis.id}/public-page"
    assert client.get(url, headers=headers).status_code == 404
    assert client.put(url, json={"text": ""}, headers=headers).status_code == 422
    put = client.put(url, json={"text": "Canicule."}, headers=headers)
    assert put.status_code == 200 and put.get_json()["published"] is True
    public = put.get_json()["url"]
    assert "/info/" in public
    assert app.test_client().get(public[public.index("/info/"):]).status_code == 200
    deleted = client.delete(url, headers=headers)
    assert deleted.status_code == 200 and deleted.get_json()["published"] is False
    assert client.delete(url, headers=headers).status_code == 409
    assert app.test_client().get(public[public.index("/info/"):]).status_code == 404


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ARS_OBSERVER, Role.CRISIS_CELL, Role.PROFESSIONAL,
                                  Role.QUALITY_REFERENT])
def test_only_the_referent_publishes_and_withdraws(client, personas, crisis, referent, plan, role):
    url = f"/api/v1/crises/{crisis.id}/public-page"
    assert client.put(url, json={"text": "Canicule."}, headers=bearer(personas[role])).status_code == 403
    assert public_page.page_of(crisis) is None
    public_page.publish(actor=referent, crisis=crisis, text="Canicule.")
    assert client.delete(url, headers=bearer(personas[role])).status_code == 403
    db.session.expire_all()
    assert public_page.page_of(crisis).live
