"""Labels everywhere (issue 18): every page and every PDF a role may open, over the demo world, reads in French —
no stored code, no English word, no number written the English way, no word left hanging.

The walk uses the Flask test client (no browser): for each role, every GET route outside the API whose declared
permission the role holds, its parameters filled with ids of the demo world; HTML pages are read as a user sees
them (text, plus the attributes a screen reader says), PDFs through pypdf. A failure names the role, the page, what
was found and the text around it.
"""

from __future__ import annotations

import io
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crisis_app.core.db import db
from crisis_app.core.labels import LabelledStrEnum
from crisis_app.core.roles import Role
from tests.documents import fetch
from tests.hostile import forget_user, login_demo
from tests.page_walk import pages_for, row_ids

pytestmark = pytest.mark.usefixtures("no_task_dispatch")

# Words and codes a French reader must never meet (issue 18's list, then what the walks found).
FORBIDDEN_WORDS = [
    "quality.session.invite", "crises.retex", "reception", "attendance", "hold", "public link", "pending",
    "sending", "delivered", "failed", "None", "True", "False", "null", "undefined", "draft", "published", "open",
    "closed", "status", "email", "sms", "exercise", "identified", "held", "scheduled", "cancelled", "queued",
    "answered", "availability", "ack", "member", "partner", "referent", "suppleant", "prefecture", "feedback",
    "reminder", "invite", "decision",
]
# Written the English way or by hand: each pattern with what a French page shows instead.
FORBIDDEN_PATTERNS = {
    r"sur sms, email": "canaux en toutes lettres (« SMS et e-mail »)",
    r"typologie \d+, gradation \d+": "typologie en toutes lettres",
    r"\(version 0\)": "numéro de version d'un brouillon",
    r"(?<![\d.\w])\d+\.\d+(?![\d.])": "nombre à l'anglaise (|nombre, |pourcent, |duree)",
    r"\b\d+,0\s?%": "pourcentage « ,0 » (|pourcent)",
    r"\b\d{4}-\d{2}-\d{2}\b": "date à l'anglaise (|paris_date)",
    r"\w\(s\)": "pluriel « (s) » (|pluriel)",
    r"—[ ]*—": "tiret doublé (valeur vide)",
    r"\b[a-z]+_[a-z_]+\b": "identifiant de code (snake_case)",
    r"\b[a-z]+\.[a-z]+\.[a-z_]+\b(?!@)": "clé de code (a.b.c)",
    r"\{\{|\}\}|\{%|%\}": "gabarit non rendu",
}


def _enum_codes() -> set[str]:
    """Every stored code that cannot be a French word: values of labelled enums with '_' or '.' in them."""
    codes, pending = set(), list(LabelledStrEnum.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        codes.update(m.value for m in cls if ("_" in m.value or "." in m.value) and m.value != m.label)
    return codes


DUMP = Path(os.environ["VIGIE_WALK_DUMP"]) if os.environ.get("VIGIE_WALK_DUMP") else None
SPOKEN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class _Text(HTMLParser):
    """The text a reader sees or hears: text nodes outside script/style, and the attributes read aloud."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._skip += 1
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value:
                self.parts.append(value)
        if tag in {"br", "p", "div", "li", "tr", "td", "th", "dt", "dd", "h1", "h2", "h3", "option", "section"}:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"[ \t\u00a0\u202f]+", " ", " ".join(parser.parts))


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return re.sub(r"[ \t\u00a0\u202f]+", " ", "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data))
                                                        .pages))


# e-mail addresses, links, paths
ADDRESSES = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|(?<![\w/])/[A-Za-z_][\w./-]*")


def findings(text: str) -> list[str]:
    """What a French reader should not meet in ``text``, each with the words around it (e-mail addresses and
    links aside: they are what they are)."""
    text = ADDRESSES.sub("<adresse>", text)
    found = []
    words = FORBIDDEN_WORDS + sorted(_enum_codes())
    checks = [(rf"(?<![\w.@/-]){re.escape(w)}(?![\w@/-]|\.\w)", f"« {w} »") for w in words]
    checks += [(p, why) for p, why in FORBIDDEN_PATTERNS.items()]
    for m in re.finditer(r"\b([A-ZÉ]\w{4,})\s[—,]\s([a-zé]\w{4,})", text):
        if m.group(1)[:5].lower() == m.group(2)[:5]:  # « Validée — validé »: the state said twice
            found.append(f"mot répété : …{m.group(0)}…")
    for pattern, why in checks:
        for m in re.finditer(pattern, text):
            around = text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ").strip()
            found.append(f"{why} : …{around}…")
    return sorted(set(found))


def walk(app, role: Role, ids) -> tuple[dict[str, list[str]], list[str]]:
    """The findings per page for ``role`` and the pages read."""
    client, _ = login_demo(app, role)
    found, read = {}, []
    for _endpoint, url in pages_for(app, role, ids):
        forget_user()
        response = fetch(client, url)  # a kept document's route: its wait page, then the file the worker made
        if DUMP:
            with (DUMP / "statuses.txt").open("a") as f:
                f.write(f"{role.value} {response.status_code} {response.mimetype} {url}\n")
        if response.status_code != 200:
            continue
        kind = response.mimetype
        if kind == "text/html":
            text = page_text(response.text)
        elif kind == "application/pdf":
            text = pdf_text(response.data)
        else:
            continue
        read.append(url)
        if DUMP:  # VIGIE_WALK_DUMP=folder: the text read, one file per role and page, to look at by eye
            (DUMP / f"{role.value}{url.replace('/', '_')}.txt").write_text(text)
        if problems := findings(text):
            found[url] = problems
    db.session.remove()  # the module's app context outlives the requests: hold no transaction (SQLite's lock)
    return found, read


@pytest.fixture(scope="module")
def demo_ids(app, demo_world):
    """The demo world's ids, with an alert of the exercise under way (the demo has none) sent through the API by
    the référent, so its follow-up page is read too (nothing leaves: no worker)."""
    from celery.app.task import Task

    with pytest.MonkeyPatch.context() as mp, app.app_context():
        mp.setattr(Task, "apply_async", lambda self, *a, **k: None)
        client, token = login_demo(app, Role.CRISIS_REFERENT)
        with db.engine.connect() as connection:
            ids = row_ids(connection, db.metadata)
        audiences = client.get("/api/v1/audiences").get_json()
        test_group = next(a["id"] for a in audiences.get("items", audiences) if a["name"] == "Groupe test")
        forget_user()
        sent = client.post("/api/v1/alerts", headers={"X-CSRFToken": token}, json={
            "title": "Exercice : point de regroupement", "sms_text": "Exercice NRC : rendez-vous au local CPTS.",
            "email_text": "Exercice NRC : rendez-vous au local de la CPTS.", "audience_id": test_group,
            "channels": ["sms", "email"], "crisis_id": ids["crisis_id"][-1], "is_exercise": True,
            "question": "availability"})
        assert sent.status_code == 201, sent.text[:400]
        with db.engine.connect() as connection:
            ids = row_ids(connection, db.metadata)
        db.session.remove()
    return ids


# Where the findings of 2026-12-06 come from (texts written in Python by their domain, not in a template): named in
# the failure so whoever fixes it goes straight there. A hint does not excuse a finding: the test fails until fixed.
WHERE_TO_FIX = {
    r"autre\(s\) rôle\(s\)": "crisis_app/plan/home.py (|pluriel / formats.pluriel)",
    r"\d alerte\(s\)": "crisis_app/stock/views.py, stock/checks.py (formats.pluriel)",
    r"disponible\(s\)": "crisis_app/stock/views.py _lot_choice (formats.pluriel)",
    r"typologie \d+, gradation \d+": "crisis_app/plan/demo.py _preset: a preset's name from Typology's label",
    r"quality\.session|quality\.|crises\.retex": "outbox.TOPIC_LABELS: quality, crises label their topics",
    r"sur sms, email|personne\(s\) de l'audience|message\(s\) sur": "crisis_app/alerts/services.py send summary",
    r"participant\(s\)|présent\(s\)|destinataire\(s\)|UTC \(": "quality/sessions/services.py audit summaries",
    r"action\(s\)\)": "crisis_app/crises/retex.py audit summary",
}


def _hint(problem: str) -> str:
    hints = [where for pattern, where in WHERE_TO_FIX.items() if re.search(pattern, problem)]
    return f"  [à corriger : {hints[0]}]" if hints else ""


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_page_and_pdf_reads_in_french(app, demo_ids, role):
    found, read = walk(app, role, demo_ids)
    assert read, f"{role.value}: no page read"
    if found:
        pytest.fail("\n".join(f"{role.value} {url}:\n  " + "\n  ".join(p + _hint(p) for p in problems)
                              for url, problems in found.items()), pytrace=False)


def public_pages(ids) -> list[str]:
    """The pages reached without an account: the login, an answer link of the demo alert, the public declaration
    page, an unknown link (each answers in French too)."""
    import sqlalchemy as sa

    from crisis_app.alerts.links import token_for

    pages = ["/connexion", "/r/lien-inconnu", "/declarer/lien-inconnu", "/suivi/lien-inconnu", "/confirmer/inconnu"]
    with db.engine.connect() as connection:
        recipient = connection.execute(sa.text("SELECT id, alert_id FROM alert_recipient ORDER BY id LIMIT 1")).first()
        public = connection.scalar(sa.text("SELECT public_token FROM quality_settings WHERE public_token IS NOT NULL"))
    if recipient is not None:
        pages.append(f"/r/{token_for(recipient.alert_id, recipient.id)}")
    if public:
        pages.append(f"/declarer/{public}")
    return pages


def test_public_pages_read_in_french(app, demo_ids):
    db.session.remove()
    with app.app_context():
        pages = public_pages(demo_ids)
        client, _ = login_demo(app, None)
        found, read = {}, []
        for url in pages:
            forget_user()
            response = client.get(url)
            if response.mimetype == "text/html" and response.status_code < 500:
                read.append((url, response.status_code))
                if problems := findings(page_text(response.text)):
                    found[url] = problems
        db.session.remove()
    assert len(read) == len(pages) >= 7, read  # the answer page and the public declaration page included
    assert [status for url, status in read[-2:]] == [200, 200], read
    if found:
        pytest.fail("\n".join(f"anonyme {url}:\n  " + "\n  ".join(p) for url, p in found.items()), pytrace=False)


def test_a_refusal_and_a_missing_page_read_in_french(app, demo_ids):
    db.session.remove()
    with app.app_context():
        client, _ = login_demo(app, Role.PROFESSIONAL)
        forget_user()
        refused = client.get("/admin/audit")
        forget_user()
        missing = client.get(f"/crises/{demo_ids['crisis_id'][-1] + 1000}")
        db.session.remove()
    assert refused.status_code == 403 and missing.status_code in (403, 404)
    for response in (refused, missing):
        text = page_text(response.text)
        assert findings(text) == [] and ("Accès refusé" in text or "introuvable" in text), text[:300]


def test_the_walk_reads_pdfs_and_both_demo_crises(app, demo_ids):
    """The walk is not empty: it reaches the RETEX and journal PDFs and both crises of the demo."""
    _, read = walk(app, Role.CRISIS_REFERENT, demo_ids)
    assert len(demo_ids["crisis_id"]) >= 2
    for crisis_id in demo_ids["crisis_id"][:2]:
        assert f"/crises/{crisis_id}" in read
    assert any(u.endswith("retex.pdf") for u in read) and any(u.endswith("journal.pdf") for u in read)
    assert f"/alertes/{demo_ids['alert_id'][0]}" in read


def test_the_checks_catch_what_issue_18_saw():
    text = ("Invitation quality.session.invite — Stock : reception — envoyé sur sms, email — Durée 0.1 h — "
            "100.0 % — 5 jointe(s) — None — — → Gradation 2 — Disponibilité — typologie 4, gradation 2 (version 0) "
            "— Statut : Validée — validé le 06/12/2026")
    found = "\n".join(findings(text))
    for expected in ("quality.session.invite", "reception", "sur sms, email", "0.1 h", "100.0 %", "jointe(s)",
                     "« None »", "tiret doublé", "typologie 4, gradation 2", "(version 0)", "mot répété"):
        assert expected in found
    assert findings("Réception de 12 boîtes, 100 % servies en 1 h 05 ; écrire à jean.dupont@demo.example.org") == []


# --- the audit trail in words (crisis_app/core/audit_labels.py) ---------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
ACTION_LITERAL = re.compile(r"""\baction=f?["']([a-z_.{}]+)["']""")


def _audited_actions() -> set[str]:
    """Every audit action written as a literal in the code (``stock.{kind.value}`` expanded over the movement
    kinds)."""
    from crisis_app.stock.models import MovementKind

    found = set()
    for folder in ("crisis_app", "quality"):
        for path in (ROOT / folder).rglob("*.py"):
            found.update(ACTION_LITERAL.findall(path.read_text(encoding="utf-8")))
    expanded = {a for a in found if "{" not in a}
    if "stock.{kind.value}" in found:
        expanded |= {f"stock.{kind.value}" for kind in MovementKind}
    return expanded


def test_every_audited_action_reads_in_french(app):
    from crisis_app.core.audit_labels import ACTION_LABELS, action_label

    actions = _audited_actions()
    assert len(actions) > 50, "the scan found the audited actions"
    unlabelled = {a: action_label(a) for a in actions if a not in ACTION_LABELS}
    assert unlabelled == {}, "label these actions in core/audit_labels.py (or the domain's register_labels)"


def test_an_unlabelled_action_reads_from_its_parts_in_french():
    from crisis_app.core.audit_labels import action_label

    assert action_label("quality.session.hold") == "Séance qualité : tenue"
    assert action_label("quality.traceur.rate") == "Patient traceur : cotation"
    assert action_label("crisis.need.close") == "Besoin : clôture"


def test_changes_read_with_labels_not_codes(app):
    from crisis_app.core.audit_labels import field_label, value_label
    from crisis_app.core.vocabulary import Typology

    assert (field_label("state"), value_label("en_tri", "state", "adverse_event")) == ("État", "En tri")
    assert value_label("held", "status", "quality_session") == "Tenue"
    assert value_label(4, "typology") == Typology(4).label
    assert value_label(3, "referent_severity") == "Majeure"
    assert (value_label(True, "consent_sms"), value_label(None, "consent_sms")) == ("oui", "∅")
    assert value_label("2026-07-14T08:05:00+00:00", "closed_at") == "14/07/2026 10:05"  # Paris, summer time
    assert value_label("2027-01-29", "eigs_part2_due_on") == "29/01/2027"
    assert value_label("Cabinet de Balma", "structure_name") == "Cabinet de Balma"
    assert field_label("pilotage.cellule_place") == "Cellule place" and field_label("consent_sms") == "Consentement SMS"


def test_a_record_history_shows_field_labels_and_words(app, client, personas, login):
    """The directory record's history (a page of AUTH's) reads its changes through the same labels."""
    from tests import factories

    login(personas[Role.COORDINATOR])
    person = factories.professional(channels=("sms",))
    db.session.flush()
    text = page_text(client.get(f"/annuaire/{person.id}").text)
    assert "Consentement SMS : ∅ → oui" in text and "Prénom : ∅ → " in text
    assert "consent_sms" not in text and "first_name" not in text and "True" not in text
