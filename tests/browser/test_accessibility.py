"""axe-core (vendored in tests/browser/vendor, never served) runs on every main page, as each role sees it, at phone
size; any serious or critical violation fails, WCAG 2.2 target size included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
BLOCKING = ("serious", "critical")

# Each page as a path, or (list page, pattern of the link to follow, …) for a record's page.
PAGES: dict[Role | None, list] = {
    None: ["/connexion"],
    Role.COORDINATOR: [
        "/", "/mon-compte", "/admin/utilisateurs", ("/admin/utilisateurs", r"^/admin/utilisateurs/\d+$"),
        "/admin/audit", "/annuaire/", "/annuaire/?q=a&profession=", "/annuaire/nouveau",
        ("/annuaire/", r"^/annuaire/\d+$"), ("/annuaire/", r"^/annuaire/\d+$", r"^/annuaire/\d+/modifier$"),
        "/annuaire/audiences", "/annuaire/audiences/nouvelle", ("/annuaire/audiences", r"^/annuaire/audiences/\d+$"),
        "/annuaire/organisations", "/annuaire/organisations/nouvelle",
        ("/annuaire/organisations", r"^/annuaire/organisations/\d+$"), "/annuaire/import/",
        "/stock/", "/stock/mouvements", "/stock/distribution", "/stock/reception", "/stock/sortie",
        "/stock/inventaire", "/stock/articles", ("/stock/articles", r"^/stock/articles/\d+$"), "/stock/lieux",
        "/alertes/", "/messages", "/boite-d-envoi",
        "/plan/", ("/plan/", r"^/plan/\d+$"), "/plan/actions", "/plan/indicateurs", "/qualite/parametres",
    ],
    Role.CRISIS_REFERENT: ["/", "/alertes/", "/alertes/nouvelle", "/annuaire/ma-fiche", "/stock/distribution",
                           "/mon-compte"],
    Role.CRISIS_CELL: ["/", "/alertes/", "/stock/", "/annuaire/ma-fiche", "/messages"],
    Role.PROFESSIONAL: ["/", "/annuaire/ma-fiche", "/mon-compte", "/mes-messages", "/plan/mon-role",
                        "/qualite/declarer", "/qualite/mes-declarations", "/admin/audit", "/page-qui-n-existe-pas"],
    Role.QUALITY_REFERENT: ["/", "/mon-compte", "/qualite/registre", "/qualite/declarer",
                            ("/qualite/registre", r"^/qualite/evenements/\d+$"), "/qualite/seances",
                            "/qualite/seances/nouvelle", ("/qualite/seances", r"^/qualite/seances/\d+$"),
                            "/qualite/actions", "/qualite/indicateurs"],
    Role.ARS_OBSERVER: ["/", "/mon-compte"],
}

# target-size is off by default in axe 4.14 (WCAG 2.2); the phone pages must pass it too.
RUN_AXE = """async () => {
  const result = await axe.run(document, {rules: {'target-size': {enabled: true}}, resultTypes: ['violations']});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ') + ' — ' + n.failureSummary.split('\\n').slice(1, 2).join(''))}));
}"""


def blocking_violations(page) -> list[str]:
    """axe's serious and critical findings on the page as loaded, one readable line per element."""
    page.wait_for_load_state("load")  # after a form's POST the stylesheet may still be on its way
    return [f"{v['id']} ({v['impact']}): {v['help']} — {node}"
            for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING for node in v["nodes"]]


def _page_id(spec) -> str:
    return spec if isinstance(spec, str) else "→".join(spec)


@pytest.fixture(scope="module")
def pages_by_role(server, browser):
    """One phone-sized context per role, logged in once, with axe injected before each page's own scripts."""
    contexts, pages = [], {}

    def page_for(role: Role | None):
        if role not in pages:
            context = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True, is_mobile=True)
            context.add_init_script(path=str(AXE))  # an init script is outside the page's CSP: nothing is served
            contexts.append(context)
            pages[role] = context.new_page()
            if role is not None:
                log_in(pages[role], server, role)
        return pages[role]

    yield page_for
    for context in contexts:
        context.close()


def _open(page, base: str, spec) -> None:
    if isinstance(spec, str):
        page.goto(f"{base}{spec}")
        return
    page.goto(f"{base}{spec[0]}")
    for pattern in spec[1:]:
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map((a) => a.getAttribute('href'))")
        target = next((href for href in hrefs if re.search(pattern, href.split("?")[0])), None)
        assert target, f"no link matching {pattern} on {page.url}"
        page.goto(f"{base}{target}")


CASES = [(role, spec) for role, specs in PAGES.items() for spec in specs]


@pytest.mark.parametrize(("role", "spec"), CASES,
                         ids=[f"{role.value if role else 'anonymous'}:{_page_id(spec)}" for role, spec in CASES])
def test_page_has_no_serious_accessibility_violation_on_a_phone(server, pages_by_role, role, spec):
    page = pages_by_role(role)
    _open(page, server, spec)
    assert blocking_violations(page) == []


def test_alert_pages_and_the_public_answer_page_have_no_serious_violation(server, pages_by_role):
    """The composer's last look, the follow-up of a sent alert, the message in the outbox and as received, and
    the no-login page a professional opens from the SMS."""
    page = pages_by_role(Role.CRISIS_REFERENT)
    page.goto(f"{server}/alertes/nouvelle")
    page.get_by_label("Partir d'un modèle").select_option(index=1)
    page.get_by_role("button", name="Charger le modèle").click()
    audience = page.get_by_label("Audience")
    audience.select_option(value=audience.locator("option", has_text="Cellule de crise").first.get_attribute("value"))
    page.get_by_role("button", name="Vérifier avant l'envoi").click()
    expect(page.get_by_test_id("confirm-send")).to_be_visible()
    found = {"confirmation": blocking_violations(page)}
    page.get_by_test_id("confirm-send").click()
    page.wait_for_url(re.compile(r".*/alertes/\d+$"))
    found["follow-up"] = blocking_violations(page)
    _open(page, server, ("/messages", r"^/messages/\d+$"))
    found["message"] = blocking_violations(page)

    member = pages_by_role(Role.CRISIS_CELL)
    link = None
    for _ in range(60):  # the worker delivers within seconds; "my messages" is a plain page: reload it
        member.goto(f"{server}/mes-messages")
        link = member.locator('a[href*="/r/"]').first.get_attribute("href") if member.locator(
            'a[href*="/r/"]').count() else None
        if link:
            break
        member.wait_for_timeout(1000)
    assert link, "no answer link reached the cellule member's messages within a minute"
    found["my messages"] = blocking_violations(member)
    public = pages_by_role(None)
    public.goto(link if link.startswith("http") else f"{server}{link}")
    expect(public.get_by_role("button").first).to_be_visible()
    found["answer page"] = blocking_violations(public)
    assert found == {"confirmation": [], "follow-up": [], "message": [], "my messages": [], "answer page": []}
