"""No page wider than a phone (issue 18): at 390 × 844, as each role, every page the role may open over the demo
world is no wider than the screen (``document.documentElement.scrollWidth`` ≤ 390); a failure names the page, its
width and the element that sticks out furthest, with a screenshot in test-artifacts/.

One browser, one page per role (parametrized by role, so a CI could run the roles side by side); downloads (PDF,
CSV, JSON) are checked for their status only, a redirect is followed, pages missing from the demo world (404) are
skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db
from crisis_app.core.roles import Role
from tests.browser.conftest import log_in, screenshot
from tests.page_walk import pages_for, row_ids

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The page's width (every <details> unfolded) and, when wider than the screen, the element that reaches furthest
# right (the deepest one of those that reach as far), named by tag, id, classes and its first words, with its two
# parents.
MEASURE = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });  // what a tap unfolds must fit too
  const screen = document.documentElement.clientWidth;
  const width = document.documentElement.scrollWidth;
  if (width <= screen) return {width};
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  let worst = null, right = screen + 0.5;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right >= right) { worst = el; right = r.right; }
  }
  // a word longer than its box overflows it without widening it: measure the text too
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width > 0 && r.right >= right) { worst = node.parentElement; right = r.right; }
  }
  if (!worst) return {width, widest: '?'};
  const parents = [worst.parentElement, worst.parentElement && worst.parentElement.parentElement]
    .filter(Boolean).map(name).reverse().join(' > ');
  const text = (worst.innerText || worst.value || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
  return {width, widest: `${parents} > ${name(worst)} « ${text} » (jusqu'à ${Math.round(right)} px)`};
}"""


@pytest.fixture(scope="module")
def server_db(server, tmp_path_factory):
    """The database of the browser server (its SQLite file), to read ids from."""
    database = next(tmp_path_factory.getbasetemp().glob("embedded*/vigie.sqlite"))
    engine = sa.create_engine(f"sqlite:///{database}", poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_ids(server_db):
    """Ids of the demo world the browser server runs on."""
    with server_db.connect() as connection:
        return row_ids(connection, db.metadata)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True, is_mobile=True,
                                  accept_downloads=False)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_no_page_is_wider_than_a_phone(app, server, demo_ids, phone, role):
    log_in(phone, server, role)
    too_wide, broken, seen = {}, {}, []
    for _endpoint, path in pages_for(app, role, demo_ids):
        answer = phone.request.get(f"{server}{path}")  # redirects followed: the page a tap lands on is measured
        kind = answer.headers.get("content-type", "").split(";")[0]
        if answer.status == 404:
            continue
        if answer.status != 200:
            broken[path] = answer.status
            continue
        if kind != "text/html":
            continue
        # where the request landed: a kept document's route answers its wait page (then, once made, the file
        # itself); measured without "telecharger=1", which would start the download from the page
        phone.goto(answer.url.removesuffix("?telecharger=1"))
        seen.append(path)
        measure = phone.evaluate(MEASURE)
        if measure["width"] > PHONE["width"]:
            too_wide[path] = f"{measure['width']} px — {measure['widest']}"
            if len(too_wide) <= 3:
                screenshot(phone, f"trop-large-{role.value}-{path.strip('/').replace('/', '-') or 'accueil'}.png")
    assert seen, f"{role.value}: no page visited"
    assert broken == {}, f"{role.value}: pages that did not open (status)"
    if too_wide:
        pytest.fail(f"{role.value}: {len(too_wide)} page(s) sur {len(seen)} plus large(s) que 390 px :\n"
                    + "\n".join(f"  {path} : {why}" for path, why in too_wide.items()), pytrace=False)


def test_the_walk_sees_both_crises_and_the_record_pages(app, demo_ids):
    """The walk is not empty: both demo crises, a directory record, the account page."""
    paths = [path for _, path in pages_for(app, Role.CRISIS_REFERENT, demo_ids)]
    for crisis_id in demo_ids["crisis_id"][:2]:
        assert f"/crises/{crisis_id}" in paths and f"/crises/{crisis_id}/niveau" in paths
    assert f"/annuaire/{demo_ids['professional_id'][0]}" in paths and "/mon-compte" in paths


def _measure(phone, url: str) -> str | None:
    phone.goto(url)
    measure = phone.evaluate(MEASURE)
    if measure["width"] > PHONE["width"]:
        return f"{measure['width']} px — {measure['widest']}"
    return None


def test_pages_without_an_account_fit_a_phone(server, server_db, phone):
    """The login, the public declaration page, an unknown link, and the personal links a member finds in their
    messages (answer to an alert, confirmation of an entry: there when an earlier test sent one)."""
    with server_db.connect() as connection:
        public = connection.scalar(sa.text("SELECT public_token FROM quality_settings WHERE public_token IS NOT NULL"))
    assert public, "the demo sets a public declaration address"
    pages = [f"{server}/connexion", f"{server}/declarer/{public}", f"{server}/r/lien-inconnu"]
    log_in(phone, server, Role.CRISIS_CELL)
    phone.goto(f"{server}/mes-messages")
    links = phone.eval_on_selector_all('a[href*="/r/"], a[href*="/confirmer/"]', "els => els.map(e => e.href)")
    pages += list(dict.fromkeys(links))[:3]
    phone.context.clear_cookies()
    too_wide = {url: why for url in pages if (why := _measure(phone, url))}
    assert too_wide == {}


def test_the_measure_names_what_sticks_out(phone):
    """The detector itself: a long address in a narrow box, inside a folded <details>, is found and named."""
    phone.set_content('<html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body>'
                      '<p>court</p><details><summary>détail</summary><dl class="facts"><dt>E-mail</dt>'
                      '<dd style="width:10rem">tres.long.nom.de.professionnel.de.sante.du.territoire'
                      '@cabinetmedical.example.org'
                      '</dd></dl></details></body></html>')
    measure = phone.evaluate(MEASURE)
    assert measure["width"] > PHONE["width"] and "dd" in measure["widest"]
    assert "tres.long.nom" in measure["widest"]
    # Vigie's stylesheet breaks the address inside its box: the page fits again
    phone.add_style_tag(path=str(Path(__file__).resolve().parents[2] / "crisis_app/static/css/vigie.css"))
    assert phone.evaluate(MEASURE)["width"] <= PHONE["width"]
