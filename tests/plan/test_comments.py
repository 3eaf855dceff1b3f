"""Observers comment on a draft's sections; the référent answers and resolves; the threads stay with the version.
Every other role is refused, with a request otherwise valid (the same request by an observer succeeds)."""

from __future__ import annotations

import pytest

from crisis_app.core.roles import Role
from crisis_app.plan import comments, services
from tests.conftest import form_post
from tests.plan.test_access import bearer


@pytest.fixture
def observer(personas, partner, db_session):
    """The ARS observer's account, attached to the ARS organisation."""
    persona = personas[Role.ARS_OBSERVER]
    persona.user.organisation_id = partner.id
    db_session.flush()
    return persona


def test_an_observer_comments_a_section_and_the_referent_answers_then_resolves_in_the_pages(
        client, login, personas, observer, draft):
    login(observer)
    page = client.get(f"/plan/{draft.id}").text
    assert "Nouveau commentaire sur cette section" in page and "Marquer comme résolu" not in page
    sent = form_post(client, f"/plan/{draft.id}/commentaires",
                     {"section": "pilotage", "text": "Le lieu de repli de la cellule n'est pas indiqué."},
                     token_from=f"/plan/{draft.id}")
    assert sent.status_code == 302
    (thread,) = comments.threads(draft)
    assert thread.first.section == "pilotage"
    assert thread.first.author_label.endswith("(ARS Occitanie (test))")

    form_post(client, "/deconnexion", {}, token_from=f"/plan/{draft.id}")
    login(personas[Role.CRISIS_REFERENT])
    form_post(client, f"/plan/{draft.id}/commentaires", {"section": "pilotage", "thread_id": thread.first.id,
                                                        "text": "Ajouté : la MSP de Colomiers."},
              token_from=f"/plan/{draft.id}")
    form_post(client, f"/plan/{draft.id}/commentaires/{thread.first.id}/resoudre", {},
              token_from=f"/plan/{draft.id}")
    page = client.get(f"/plan/{draft.id}").text
    block = page[page.index('data-testid="comments-pilotage"'):page.index('id="retex"')]
    assert "Le lieu de repli de la cellule" in block and "Ajouté : la MSP de Colomiers." in block
    assert "Résolu le" in block
    (thread,) = comments.threads(draft)
    assert [a.text for a in thread.answers] == ["Ajouté : la MSP de Colomiers."] and thread.resolved


def test_the_comment_api_writes_answers_resolves_and_keeps_the_threads_after_publication(
        client, personas, observer, complete_draft):
    url = f"/api/v1/plans/{complete_draft.id}/comments"
    created = client.post(url, json={"section": "adaptation", "text": "Et la canicule ?"}, headers=bearer(observer))
    assert created.status_code == 201 and created.get_json()["section"] == "adaptation"
    thread_id = created.get_json()["id"]
    referent = bearer(personas[Role.CRISIS_REFERENT])
    answer = client.post(url, json={"thread_id": thread_id, "text": "Déclarée sans objet : voir la raison."},
                         headers=referent)
    assert answer.status_code == 201 and answer.get_json()["section"] == "adaptation"
    resolved = client.post(f"{url}/{thread_id}/resolve", headers=referent)
    assert resolved.status_code == 200 and resolved.get_json()["resolved_by"]
    late = client.post(url, json={"thread_id": thread_id, "text": "Encore une question"}, headers=bearer(observer))
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "resolved"

    user = personas[Role.CRISIS_REFERENT].user
    services.validate_plan(actor=user, plan=complete_draft)
    services.publish_plan(actor=user, plan=complete_draft)
    listing = client.get(url, headers=bearer(observer)).get_json()
    assert listing["total"] == 1 and listing["items"][0]["answers"][0]["text"].startswith("Déclarée sans objet")
    closed = client.post(url, json={"section": "retex", "text": "Trop tard ?"}, headers=bearer(observer))
    assert closed.status_code == 409 and closed.get_json()["error"]["code"] == "published"


def test_bad_comments_answer_422_or_404_and_add_nothing(client, observer, draft):
    url = f"/api/v1/plans/{draft.id}/comments"
    assert client.post(url, json={"section": "budget", "text": "x"}, headers=bearer(observer)).status_code == 422
    assert client.post(url, json={"section": "retex", "text": "   "}, headers=bearer(observer)).status_code == 422
    assert client.post(url, json={"section": "retex", "text": "x" * 4001}, headers=bearer(observer)).status_code \
        == 422
    assert client.post(url, json={"thread_id": 99999, "text": "x"}, headers=bearer(observer)).status_code == 404
    assert client.post(url, json={"text": "sans section"}, headers=bearer(observer)).status_code == 422
    assert comments.threads(draft) == []


@pytest.mark.parametrize("role", [Role.CRISIS_CELL, Role.PROFESSIONAL, Role.QUALITY_REFERENT])
def test_roles_other_than_observers_and_editors_may_not_comment(client, personas, observer, draft, role):
    url = f"/api/v1/plans/{draft.id}/comments"
    body = {"section": "retex", "text": "Une remarque"}
    assert client.post(url, json=body, headers=bearer(personas[role])).status_code == 403
    assert comments.threads(draft) == []
    assert client.post(url, json=body, headers=bearer(observer)).status_code == 201


@pytest.mark.parametrize("role", [Role.ARS_OBSERVER, Role.CRISIS_CELL, Role.PROFESSIONAL, Role.QUALITY_REFERENT])
def test_only_the_referent_and_the_coordinator_resolve(client, personas, observer, draft, role):
    first = comments.add_comment(actor=observer.user, plan=draft, section="retex", text="Une remarque")
    url = f"/api/v1/plans/{draft.id}/comments/{first.id}/resolve"
    assert client.post(url, headers=bearer(personas[role])).status_code == 403
    assert not comments.threads(draft)[0].resolved
    assert client.post(url, headers=bearer(personas[Role.COORDINATOR])).status_code == 200


def test_the_pages_refuse_comments_from_the_cellule(client, login, personas, draft):
    login(personas[Role.CRISIS_CELL])
    assert "Nouveau commentaire" not in client.get(f"/plan/{draft.id}").text
    refused = form_post(client, f"/plan/{draft.id}/commentaires", {"section": "retex", "text": "x"},
                        token_from=f"/plan/{draft.id}")
    assert refused.status_code == 403 and comments.threads(draft) == []


def test_the_referent_and_the_coordinator_find_the_open_remarks_on_their_home_until_resolved(
        client, login, personas, observer, draft):
    comments.add_comment(actor=observer.user, plan=draft, section="anticipation",
                         text="Les pharmacies de garde manquent à l'annuaire de crise.")
    comments.add_comment(actor=observer.user, plan=draft, section="pilotage", text="Qui tient le journal de nuit ?")
    for role in (Role.CRISIS_REFERENT, Role.COORDINATOR):
        login(personas[role])
        home = client.get("/").text
        assert "Remarques des tutelles" in home and "2\u00a0remarques à traiter" in home, role
        assert f'href="/plan/{draft.id}"' in home
        assert observer.user.full_name in home  # who spoke last
        form_post(client, "/deconnexion", {}, token_from="/")
    login(observer)  # the observer wrote them: nothing for them to treat
    assert "Remarques des tutelles" not in client.get("/").text
    form_post(client, "/deconnexion", {}, token_from="/")

    for thread in comments.threads(draft):
        comments.resolve(actor=personas[Role.CRISIS_REFERENT].user, plan=draft, thread_id=thread.first.id)
    login(personas[Role.CRISIS_REFERENT])
    assert "Remarques des tutelles" not in client.get("/").text


def test_an_observer_whose_name_already_says_the_organisation_is_not_labelled_twice(personas, observer, partner):
    observer.user.full_name = f"Agathe Lambert ({partner.name})"
    assert comments.author_label(observer.user) == f"Agathe Lambert ({partner.name})"
    observer.user.full_name = "Agathe Lambert"
    assert comments.author_label(observer.user) == f"Agathe Lambert ({partner.name})"
