"""Quality pages: the declaration form (signed in and public), the follow-up link, the register, triage, EIGS,
settings, and the refusals per role."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
import sqlalchemy as sa
from stdnum.fr import nir

from crisis_app.core.db import db
from crisis_app.core.roles import Role
from quality.register import services
from quality.register.models import AdverseEvent
from quality.register.vocab import State
from tests.conftest import csrf_token, form_post
from tests.documents import fetch
from tests.quality.conftest import declaration, declare, row_counts

NOT_REFERENTS = [r for r in Role if r is not Role.QUALITY_REFERENT]
NOT_COORDINATOR = [r for r in Role if r is not Role.COORDINATOR]
VALID_NIR = "1850578006084" + nir.calc_check_digits("1850578006084")


def _form(**overrides) -> dict:
    data = declaration(**overrides)
    data["occurred_on"] = data["occurred_on"].isoformat()
    return data


def _text(response) -> str:
    return html.unescape(response.text)


def test_the_form_warns_against_patient_data_before_anything_is_typed(client, login, personas):
    login(personas[Role.PROFESSIONAL])
    page = _text(client.get("/qualite/declarer"))
    warning = page.index("Aucune donnée identifiant un patient")
    assert warning < page.index('name="description"')
    assert "js/eias-draft.js" in page and 'data-draft-key="vigie-eias-draft"' in page
    assert "5 — Catastrophique" in page and "5 — Très probable à certain" in page  # both scales with their words


def test_a_named_declaration_from_the_form_lands_in_my_declarations(client, login, personas, sent):
    login(personas[Role.PROFESSIONAL])
    response = form_post(client, "/qualite/declarer", {**_form(), "anonymous": "non"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/qualite/mes-declarations")
    event = db.session.scalar(sa.select(AdverseEvent).order_by(AdverseEvent.id.desc()))
    mine = _text(client.get("/qualite/mes-declarations"))
    assert event.reference in mine and "Déclaré" in mine
    assert client.get(f"/qualite/mes-declarations/{event.id}").status_code == 200
    assert [m.topic for m in sent] == ["quality.ack", "quality.new_event"]


def test_a_nir_in_the_form_is_named_with_its_field_and_nothing_is_stored(client, login, personas):
    login(personas[Role.PROFESSIONAL])
    token = csrf_token(client, "/qualite/declarer")
    before = row_counts()
    response = client.post("/qualite/declarer", data={**_form(immediate_measures=f"NIR {VALID_NIR}"),
                                                      "anonymous": "oui", "csrf_token": token})
    assert response.status_code == 422
    page = _text(response)
    assert "numéro de sécurité sociale (NIR)" in page and VALID_NIR in page
    assert 'data-draft-restore="0"' in page  # what was sent stays on screen, the draft does not overwrite it
    assert row_counts() == before


def test_an_anonymous_declaration_shows_its_follow_up_link_once_and_the_link_shows_the_status(
        client, login, personas):
    login(personas[Role.PROFESSIONAL])
    response = form_post(client, "/qualite/declarer", {**_form(), "anonymous": "oui"})
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    assert 'data-draft-clear="vigie-eias-draft"' in response.text
    link = re.search(r'data-testid="follow-up-link" href="[^"]*?(/suivi/[^"]+)"|href="[^"]*?(/suivi/[^"]+)"',
                     response.text)
    path = next(g for g in link.groups() if g)
    page = _text(client.get(path))
    assert "Déclaré" in page and "Pas encore de retour" in page
    added = form_post(client, path, {"text": "Le prescripteur a rappelé."})
    assert added.status_code == 302 and "Le prescripteur a rappelé." in _text(client.get(path))
    assert client.get("/suivi/pas-un-secret").status_code == 404


def test_the_public_page_works_without_an_account_and_stops_when_renewed(client, personas):
    coordinator = personas[Role.COORDINATOR].user
    old = services.renew_public_link(actor=coordinator)
    page = _text(client.get(f"/declarer/{old}"))
    assert "anonyme" in page and 'name="anonymous"' not in page
    response = form_post(client, f"/declarer/{old}", _form())
    assert response.status_code == 201 and "/suivi/" in response.text
    services.renew_public_link(actor=coordinator)
    assert client.get(f"/declarer/{old}").status_code == 404
    assert client.get("/declarer/inconnu").status_code == 404


def test_the_public_page_limits_declarations_per_address(app, client, personas, monkeypatch):
    monkeypatch.setitem(app.config, "QUALITY_PUBLIC_RATE", "2/hour")
    app.extensions.pop("vigie_quality_limiter", None)
    link = services.renew_public_link(actor=personas[Role.COORDINATOR].user)
    client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    statuses = [form_post(client, f"/declarer/{link}", _form()).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    client.environ_base["REMOTE_ADDR"] = "198.51.100.10"
    assert form_post(client, f"/declarer/{link}", _form()).status_code == 201
    app.extensions.pop("vigie_quality_limiter", None)


@pytest.fixture
def register(personas):
    author = personas[Role.PROFESSIONAL].user
    events = [declare(author, category="chute", place="domicile", severity=2, likelihood=2,
                      description="Chute dans la salle de bains.").event,
              declare(author, category="medicament", place="officine", severity=4, likelihood=4,
                      description="=HYPERLINK(\"http://x\") erreur de dose").event,
              declare(None, anonymous=True, category="medicament", place="ehpad", severity=3, likelihood=1).event]
    return events


def test_the_register_filters_searches_and_exports_formula_safe(client, login, personas, register):
    login(personas[Role.QUALITY_REFERENT])
    everything = _text(client.get("/qualite/registre"))
    assert all(e.reference in everything for e in register)
    by_category = _text(client.get("/qualite/registre?category=chute"))
    assert register[0].reference in by_category and register[1].reference not in by_category
    unacceptable = _text(client.get("/qualite/registre?zone=inacceptable"))
    assert register[1].reference in unacceptable and register[0].reference not in unacceptable
    assert register[2].reference in _text(client.get("/qualite/registre?place=ehpad&severity=3"))
    searched = _text(client.get("/qualite/registre?q=SALLE de bains"))
    assert register[0].reference in searched and register[1].reference not in searched
    assert register[0].reference in _text(client.get("/qualite/registre?q=chuté"))  # accents and case ignored
    assert "Aucun événement" in _text(client.get("/qualite/registre?q=100%25_"))
    assert register[1].reference in _text(client.get(f"/qualite/registre?q={register[1].reference}"))
    assert register[0].reference in _text(client.get("/qualite/registre?state=a_trier"))
    assert "Aucun événement" in _text(client.get("/qualite/registre?since=2099-01-01&severity=9&state=x"))
    export = client.get("/qualite/registre.csv?category=medicament")
    body = export.data.decode("utf-8-sig")
    assert export.status_code == 200 and "'=HYPERLINK" in body and "Chute dans" not in body


def test_the_register_paginates_on_the_database(app, client, login, personas, monkeypatch):
    monkeypatch.setitem(app.config, "QUALITY_PAGE_SIZE", 2)
    author = personas[Role.PROFESSIONAL].user
    events = [declare(author).event for _ in range(5)]
    login(personas[Role.QUALITY_REFERENT])
    first, third = _text(client.get("/qualite/registre")), _text(client.get("/qualite/registre?page=3"))
    assert events[-1].reference in first and events[0].reference not in first and "Page 1 / 3" in first
    assert events[0].reference in third and events[-1].reference not in third


def test_triage_from_the_page_asks_eigs_at_severity_four_and_records_the_decision(client, login, personas):
    event = declare(personas[Role.PROFESSIONAL].user, severity=4, likelihood=3).event
    login(personas[Role.QUALITY_REFERENT])
    page = _text(client.get(f"/qualite/evenements/{event.id}"))
    assert "EIGS ? RMM ?" in page
    refused = form_post(client, f"/qualite/evenements/{event.id}/tri",
                        {"severity": 4, "likelihood": 3, "decision": "crex"},
                        token_from=f"/qualite/evenements/{event.id}")
    assert refused.status_code == 422 and "EIGS ? RMM ?" in _text(refused)
    done = form_post(client, f"/qualite/evenements/{event.id}/tri",
                     {"severity": 4, "likelihood": 3, "decision": "eigs", "feedback": "Déclaré à l'ARS, merci."},
                     token_from=f"/qualite/evenements/{event.id}")
    assert done.status_code == 302
    db.session.expire_all()
    assert event.state is State.EIGS and event.referent_severity == 4 and event.is_eigs


def test_the_eigs_page_computes_part2_and_prefills_both_parts(client, login, personas):
    referent = personas[Role.QUALITY_REFERENT].user
    event = declare(personas[Role.PROFESSIONAL].user, severity=5, likelihood=2).event
    services.triage(actor=referent, event=event, severity=5, likelihood=2, decision="eigs")
    login(personas[Role.QUALITY_REFERENT])
    response = form_post(client, f"/qualite/evenements/{event.id}/eigs",
                         {"part1_sent_on": "2026-01-31", "ars_reference": "ARS-OCC-42"})
    assert response.status_code == 302
    page = _text(client.get(f"/qualite/evenements/{event.id}/eigs"))
    assert "au plus tard le 30/04/2026" in page and "PARTIE 1" in page and "PARTIE 2" in page
    assert "ARS-OCC-42" in page and "Deux anticoagulants" in page


def test_an_invalid_transition_from_the_page_answers_409_and_changes_nothing(client, login, personas):
    event = declare(personas[Role.PROFESSIONAL].user).event
    login(personas[Role.QUALITY_REFERENT])
    response = form_post(client, f"/qualite/evenements/{event.id}/transition", {"to": "cloture"},
                         token_from=f"/qualite/evenements/{event.id}")
    assert response.status_code == 409 and "Transition impossible" in _text(response)
    db.session.expire_all()
    assert event.state is State.DECLARE


def test_the_follow_up_link_shows_the_referents_decision_and_feedback(client, login, personas):
    declared = declare(None, anonymous=True)
    services.triage(actor=personas[Role.QUALITY_REFERENT].user, event=declared.event, severity=2, likelihood=2,
                    decision="traitement_simple", feedback="Consigne diffusée à l'équipe.")
    page = _text(client.get(f"/suivi/{declared.follow_up_secret}"))
    assert "Traitement simple" in page and "Consigne diffusée à l'équipe." in page


@pytest.mark.parametrize("role", NOT_REFERENTS)
def test_only_quality_referents_reach_the_register_and_triage(client, login, personas, role):
    event = declare(personas[Role.PROFESSIONAL].user).event
    login(personas[role])
    token = csrf_token(client, "/qualite/declarer")  # a page every role opens: the token is valid
    for url in ["/qualite/registre", "/qualite/registre.csv", f"/qualite/evenements/{event.id}",
                f"/qualite/evenements/{event.id}/eigs", f"/qualite/evenements/{event.id}/eigs/partie-1.pdf"]:
        assert client.get(url).status_code == 403, url
    response = client.post(f"/qualite/evenements/{event.id}/tri", data={
        "severity": 2, "likelihood": 2, "decision": "traitement_simple", "csrf_token": token})
    assert response.status_code == 403
    db.session.expire_all()
    assert event.state is State.DECLARE


@pytest.mark.parametrize("role", NOT_COORDINATOR)
def test_only_the_coordinator_sets_zones_and_the_public_link(client, login, personas, role):
    login(personas[role])
    token = csrf_token(client, "/qualite/declarer")
    assert client.get("/qualite/parametres").status_code == 403
    response = client.post("/qualite/parametres", data={"acceptable_max": 3, "unacceptable_min": 10,
                                                         "csrf_token": token})
    assert response.status_code == 403 and services.zones().acceptable_max == 4
    assert client.post("/qualite/parametres/lien-public", data={"csrf_token": token}).status_code == 403
    assert services.settings().public_token is None


def test_the_coordinator_sets_zones_and_creates_the_public_link(client, login, personas):
    login(personas[Role.COORDINATOR])
    assert form_post(client, "/qualite/parametres", {"acceptable_max": 6, "unacceptable_min": 12}).status_code == 302
    assert services.zones().unacceptable_min == 12
    bad = form_post(client, "/qualite/parametres", {"acceptable_max": 20, "unacceptable_min": 12})
    assert bad.status_code == 422 and services.zones().acceptable_max == 6
    form_post(client, "/qualite/parametres/lien-public", {}, token_from="/qualite/parametres")
    assert f"/declarer/{services.settings().public_token}" in client.get("/qualite/parametres").text


def test_a_professional_cannot_open_another_professionals_declaration(client, login, personas):
    other = declare(personas[Role.CRISIS_CELL].user).event
    anonymous = declare(None, anonymous=True).event
    login(personas[Role.PROFESSIONAL])
    assert client.get(f"/qualite/mes-declarations/{other.id}").status_code == 404
    assert client.get(f"/qualite/mes-declarations/{anonymous.id}").status_code == 404
    assert other.reference not in client.get("/qualite/mes-declarations").text


def test_home_cards_invite_to_declare_and_show_referents_what_waits(client, login, personas):
    referent = personas[Role.QUALITY_REFERENT].user
    declare(personas[Role.PROFESSIONAL].user)
    eigs = declare(personas[Role.PROFESSIONAL].user, severity=5).event
    services.triage(actor=referent, event=eigs, severity=5, likelihood=2, decision="eigs")
    services.record_eigs(actor=referent, event=eigs, part1_sent_on=date.today())
    login(personas[Role.PROFESSIONAL])
    assert "Déclarer un EIAS" in _text(client.get("/"))
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    login(personas[Role.QUALITY_REFERENT])
    home = _text(client.get("/"))
    assert "EIAS à trier" in home and "EIGS en cours (1)" in home and eigs.reference in home


def test_each_eigs_part_downloads_as_a_pdf_holding_the_prefilled_text(client, login, personas):
    from io import BytesIO

    from pypdf import PdfReader

    referent = personas[Role.QUALITY_REFERENT].user
    event = declare(personas[Role.PROFESSIONAL].user, severity=5, likelihood=2).event
    services.triage(actor=referent, event=event, severity=5, likelihood=2, decision="eigs")
    services.record_eigs(actor=referent, event=event, part1_sent_on=date(2026, 1, 31), ars_reference="ARS-OCC-42")
    login(personas[Role.QUALITY_REFERENT])
    for part, expected in ((1, "Premières mesures prises"), (2, "30/04/2026")):
        response = fetch(client, f"/qualite/evenements/{event.id}/eigs/partie-{part}.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
        assert f"PARTIE {part}" in text and expected in text and "ARS-OCC-42" in text
    assert client.get(f"/qualite/evenements/{event.id}/eigs/partie-3.pdf").status_code == 404
    plain = declare(personas[Role.PROFESSIONAL].user).event
    assert client.get(f"/qualite/evenements/{plain.id}/eigs/partie-1.pdf").status_code == 404


def test_a_flagged_word_marked_as_not_a_person_is_accepted_and_only_counted(client, personas):
    database = db
    link = services.renew_public_link(actor=personas[Role.COORDINATOR].user)
    text = "Relais par Zorvexil oublié à la sortie, patiente revue le lendemain."
    refused = form_post(client, f"/declarer/{link}", _form(description=text))
    assert refused.status_code == 422 and 'data-testid="not-a-person"' in refused.text
    assert "« Zorvexil »" in refused.text and "« Mme X »" in refused.text
    accepted = form_post(client, f"/declarer/{link}", {**_form(description=text), "not_person": "Zorvexil"})
    assert accepted.status_code == 201
    event = database.session.scalar(sa.select(AdverseEvent).order_by(AdverseEvent.id.desc()))
    assert event.not_person_marks == 1 and event.description == text
    row = " ".join(str(c) for c in database.session.execute(
        sa.select(AdverseEvent.__table__).where(AdverseEvent.id == event.id)).one() if c != text)
    assert "Zorvexil" not in row.replace(event.search_text, "")


def test_marking_a_name_as_not_a_person_does_not_let_a_title_through(client, personas):
    link = services.renew_public_link(actor=personas[Role.COORDINATOR].user)
    text = "Mme Lefèvre a reçu une double dose."
    for marked in ("Lefèvre", "Mme Lefèvre"):
        response = form_post(client, f"/declarer/{link}", {**_form(description=text), "not_person": marked})
        assert response.status_code == 422 and 'data-testid="not-a-person"' not in response.text


def test_renewing_the_public_link_asks_first_and_the_poster_carries_the_new_one(client, login, personas):
    from io import BytesIO

    from pypdf import PdfReader

    login(personas[Role.COORDINATOR])
    form_post(client, "/qualite/parametres/lien-public", {}, token_from="/qualite/parametres")
    first = services.settings().public_token
    page = client.get("/qualite/parametres").text
    assert 'name="confirm"' in page and "cessera aussitôt de fonctionner" in page
    unconfirmed = form_post(client, "/qualite/parametres/lien-public", {}, token_from="/qualite/parametres")
    assert unconfirmed.status_code == 302 and services.settings().public_token == first
    form_post(client, "/qualite/parametres/lien-public", {"confirm": "oui"}, token_from="/qualite/parametres")
    second = services.settings().public_token
    assert second != first
    poster = client.get("/qualite/parametres/affiche.pdf")
    assert poster.status_code == 200 and poster.data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(poster.data)).pages).replace("\n", "")
    assert second in text and first not in text and "anonyme" in text


@pytest.mark.parametrize("role", NOT_COORDINATOR)
def test_only_the_coordinator_prints_the_poster(client, login, personas, role):
    services.renew_public_link(actor=personas[Role.COORDINATOR].user)
    login(personas[role])
    assert client.get("/qualite/parametres/affiche.pdf").status_code == 403


def test_the_declarer_keeps_the_link_by_reference_qr_and_an_e_mail_not_stored(client, personas):
    from crisis_app.core.notifications.models import MessageRecipient

    link = services.renew_public_link(actor=personas[Role.COORDINATOR].user)
    response = form_post(client, f"/declarer/{link}", _form())
    assert response.status_code == 201
    event = db.session.scalar(sa.select(AdverseEvent).order_by(AdverseEvent.id.desc()))
    assert f'data-testid="declared-reference">{event.reference}<' in response.text
    assert 'data-copy="follow-up"' in response.text and "<svg" in response.text
    secret = re.search(r'name="secret" value="([^"]+)"', response.text).group(1)
    before = row_counts()
    sent = client.post("/suivi/envoyer", data={"csrf_token": csrf_token(client, f"/suivi/{secret}"),
                                               "secret": secret, "email": "moi.perso@exemple.fr"})
    assert sent.status_code == 200 and "Lien envoyé" in sent.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageRecipient)
                             .where(MessageRecipient.email == "moi.perso@exemple.fr")) == 0
    changed = {t: n for t, n in row_counts().items() if n != before.get(t)}
    assert set(changed) <= {"outbox_message"}  # only the embedded mode's "what would have left" page
    bad = client.post("/suivi/envoyer", data={"csrf_token": csrf_token(client, f"/suivi/{secret}"),
                                              "secret": secret, "email": "pas-une-adresse"})
    assert bad.status_code == 422 and "Adresse e-mail invalide" in bad.text
    unknown = client.post("/suivi/envoyer", data={"csrf_token": csrf_token(client, f"/suivi/{secret}"),
                                                  "secret": secret + "x", "email": "moi.perso@exemple.fr"})
    assert unknown.status_code == 404
