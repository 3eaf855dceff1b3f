"""Accounts: the coordinator invites (no default role, no invented password), the person chooses their password
from a signed single-use link (72 h), "mot de passe oublié" answers the same for every address, and an account is
linked to its directory entry by e-mail."""

import html
import re
import time
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from crisis_app.core.auth import passwords
from crisis_app.core.auth import services as auth_services
from crisis_app.core.db import db
from crisis_app.core.models import User
from crisis_app.core.notifications.models import Message, OutboxMessage
from crisis_app.core.roles import Role
from tests import factories
from tests.conftest import csrf_token, form_post

LINK = re.compile(r"https?://\S+(/mot-de-passe/\d+\.[A-Za-z0-9_-]+)")
NEW_PASSWORD = "une phrase que je retiens"


@pytest.fixture
def eager_tasks(app, monkeypatch):
    monkeypatch.setattr(app.extensions["celery"].conf, "task_always_eager", True)


def _sent_to(address):
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.address == address)
                              .order_by(OutboxMessage.id)).all()


def _link_in(row) -> str:
    return LINK.search(row.body).group(1)


def _invite(client, personas, login, email="ines.martin@example.org", role="crisis_cell"):
    login(personas[Role.COORDINATOR])
    response = form_post(client, "/admin/utilisateurs", {"full_name": "Inès Martin", "email": email, "role": role})
    assert response.status_code == 302, response.text
    client.post("/deconnexion", headers={"X-CSRFToken": csrf_token(client, "/mon-compte")})
    return auth_services.get_user_by_email(email)


def test_the_account_form_has_no_password_and_no_role_chosen_in_advance(client, personas, login):
    login(personas[Role.COORDINATOR])
    page = client.get("/admin/utilisateurs").text
    form = page.split("Créer un compte")[1]
    assert 'type="password"' not in form
    options = re.findall(r"<option[^>]*>[^<]*</option>", form)
    assert options[0] == '<option value="">— Choisissez un rôle —</option>'  # first, so the browser shows it
    assert len(options) == 7 and not [o for o in options if "selected" in o]
    response = form_post(client, "/admin/utilisateurs", {"full_name": "Inès Martin",
                                                         "email": "ines.martin@example.org", "role": ""})
    assert response.status_code == 400 and "Choisissez le rôle du compte." in response.text
    assert auth_services.get_user_by_email("ines.martin@example.org") is None


def test_an_invitation_lets_the_person_choose_their_password_once(client, personas, login, eager_tasks):
    user = _invite(client, personas, login)
    assert user is not None and user.role is Role.CRISIS_CELL
    [mail] = _sent_to("ines.martin@example.org")
    assert mail.channel == "email" and "72 heures" in mail.body
    path = _link_in(mail)
    page = client.get(path)
    assert page.status_code == 200 and "Bienvenue sur Vigie" in page.text and user.email in page.text
    response = form_post(client, path, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/connexion"
    assert form_post(client, "/connexion", {"email": user.email, "password": NEW_PASSWORD}).status_code == 302
    client.post("/deconnexion", headers={"X-CSRFToken": csrf_token(client, "/mon-compte")})
    again = client.get(path)
    assert again.status_code == 404 and "déjà servi" in html.unescape(again.text)
    refused = client.post(path, data={"new": "un autre mot de passe", "confirm": "un autre mot de passe",
                                      "csrf_token": csrf_token(client, "/connexion")})
    assert refused.status_code == 404
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_nobody_else_reads_the_link(client, personas, login, eager_tasks):
    """The stored message holds no link (the outbox's readers see it); the outbox page masks it."""
    user = _invite(client, personas, login)
    message = db.session.scalar(sa.select(Message).where(Message.topic == passwords.INVITATION))
    assert "/mot-de-passe/" not in message.email_text
    login(personas[Role.CRISIS_REFERENT])
    sink = client.get("/boite-d-envoi").text
    assert user.email in sink and "[lien personnel]" in sink
    assert _link_in(_sent_to(user.email)[0]) not in sink


def test_an_invitation_link_expires_after_72_hours(client, personas, login, eager_tasks, monkeypatch):
    user = _invite(client, personas, login)
    path = _link_in(_sent_to(user.email)[0])
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 73 * 3600)
    response = client.get(path)
    assert response.status_code == 410 and "expiré" in response.text


@pytest.mark.parametrize("path", ["/mot-de-passe/1.abc", "/mot-de-passe/x", "/mot-de-passe/99999999999.aaaaaaaaa",
                                  "/mot-de-passe/1." + "A" * 700])
def test_a_forged_link_is_a_french_404(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "n'est pas valide" in html.unescape(response.text)


def test_a_short_or_mismatched_password_is_refused_and_the_link_still_works(client, personas, login, eager_tasks):
    user = _invite(client, personas, login)
    path = _link_in(_sent_to(user.email)[0])
    response = form_post(client, path, {"new": "court", "confirm": "court"})
    assert response.status_code == 400 and "au moins 10 caractères" in response.text
    response = form_post(client, path, {"new": NEW_PASSWORD, "confirm": "autre chose encore"})
    assert response.status_code == 400 and "pas identiques" in response.text
    assert client.get(path).status_code == 200


def test_the_api_creates_an_account_with_an_invitation(client, personas, eager_tasks):
    token = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    response = client.post("/api/v1/users", json={"email": "lea@example.org", "role": "crisis_cell",
                                                  "full_name": "Léa Petit"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    assert "/mot-de-passe/" in _sent_to("lea@example.org")[0].body


def test_the_coordinator_resends_an_invitation(client, personas, login, eager_tasks):
    user = _invite(client, personas, login)
    login(personas[Role.COORDINATOR])
    response = client.post(f"/admin/utilisateurs/{user.id}/invitation",
                           data={"csrf_token": csrf_token(client, f"/admin/utilisateurs/{user.id}")})
    assert response.status_code == 302
    assert len(_sent_to(user.email)) == 2


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.COORDINATOR])
def test_only_the_coordinator_resends_an_invitation(client, personas, login, role, eager_tasks):
    target = personas[Role.CRISIS_CELL].user
    login(personas[role])
    response = client.post(f"/admin/utilisateurs/{target.id}/invitation",
                           data={"csrf_token": csrf_token(client, "/mon-compte")})
    assert response.status_code == 403
    assert _sent_to(target.email) == []


# --- mot de passe oublié ---

def _forgot(client, email):
    return form_post(client, "/mot-de-passe-oublie", {"email": email})


def test_forgot_password_answers_the_same_whether_the_address_exists_or_not(client, personas, eager_tasks):
    persona = personas[Role.CRISIS_REFERENT]
    known, unknown = _forgot(client, persona.user.email), _forgot(client, "personne@example.org")
    assert known.status_code == unknown.status_code == 200

    def answer(r):
        return r.text.split("<h1>", 1)[1].split("</section>")[0]

    assert answer(known) == answer(unknown) and "Si un compte actif utilise cette adresse" in answer(known)
    assert _sent_to("personne@example.org") == []
    [mail] = _sent_to(persona.user.email)
    path = _link_in(mail)
    assert "2 heures" in mail.body
    response = form_post(client, path, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert form_post(client, "/connexion", {"email": persona.user.email,
                                            "password": NEW_PASSWORD}).status_code == 302


def test_a_reset_ends_every_session_of_the_account(app, client, personas, login, eager_tasks):
    persona = personas[Role.CRISIS_REFERENT]
    other_device = app.test_client()
    form_post(other_device, "/connexion", {"email": persona.user.email, "password": persona.password})
    assert other_device.get("/mon-compte").status_code == 200
    _forgot(client, persona.user.email)
    form_post(client, _link_in(_sent_to(persona.user.email)[0]), {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert other_device.get("/mon-compte").status_code == 302


def test_forgot_password_is_rate_limited_the_same_for_every_address(client, personas, eager_tasks):
    persona = personas[Role.PROFESSIONAL]
    assert [_forgot(client, persona.user.email).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert len(_sent_to(persona.user.email)) == 3
    app_client = client.application.test_client()
    assert [_forgot(app_client, "personne@example.org").status_code for _ in range(1)] == [429]  # same address


def test_forgot_password_does_the_same_work_in_the_request_whether_the_account_exists(client, personas,
                                                                                     monkeypatch):
    from crisis_app.core import tasks

    queued = []
    monkeypatch.setattr(tasks.send_password_reset, "delay", queued.append)
    persona = personas[Role.CRISIS_REFERENT]
    for email in (persona.user.email.upper(), "personne@example.org"):
        assert _forgot(client, email).status_code == 200
    # the request only queued the work, the same for both: no message, no audit row tells them apart
    assert queued == [persona.user.email, "personne@example.org"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)
                             .where(Message.topic == passwords.RESET)) == 0
    sent = [passwords.send_reset_link(email) for email in queued]
    db.session.commit()
    assert sent == [True, False]
    [message] = db.session.scalars(sa.select(Message).where(Message.topic == passwords.RESET)).all()
    assert message.label.endswith(persona.user.email)


def test_the_login_page_offers_forgot_password(client):
    assert 'href="/mot-de-passe-oublie"' in client.get("/connexion").text


# --- the account and its directory entry ---

def test_a_new_account_is_linked_to_the_directory_entry_with_its_email(client, personas, login, eager_tasks):
    entry = factories.professional(email="Anne.Martin@Example.org")
    db.session.commit()
    user = _invite(client, personas, login, email="anne.martin@example.org", role="professional")
    db.session.refresh(entry)
    assert entry.user_id == user.id
    login(personas[Role.COORDINATOR])
    admin_page = html.unescape(client.get(f"/admin/utilisateurs/{user.id}").text)
    assert "Fiche de l'annuaire" in admin_page and f'href="/annuaire/{entry.id}"' in admin_page
    client.post("/deconnexion", headers={"X-CSRFToken": csrf_token(client, "/mon-compte")})
    path = _link_in(_sent_to(user.email)[0])
    form_post(client, path, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    form_post(client, "/connexion", {"email": user.email, "password": NEW_PASSWORD})
    own = html.unescape(client.get("/mon-compte").text)
    assert "Fiche de l'annuaire" in own and 'href="/annuaire/ma-fiche"' in own and entry.last_name in own


def test_an_account_whose_role_keeps_no_entry_is_not_linked(client, personas, login, eager_tasks):
    entry = factories.professional(email="agathe@example.org")
    db.session.commit()
    _invite(client, personas, login, email="agathe@example.org", role="ars_observer")
    db.session.refresh(entry)
    assert entry.user_id is None


def test_the_link_path_is_masked_like_every_personal_link():
    from crisis_app.core.notifications.views import mask_links

    sample = "https://vigie.example.org/mot-de-passe/12." + "a" * 120
    assert mask_links(f"Lien : {sample}") == "Lien : [lien personnel]"
    assert urlsplit(sample).path.startswith("/mot-de-passe/")
