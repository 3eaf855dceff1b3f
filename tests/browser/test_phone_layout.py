"""At phone size (390 × 844) the controls are big enough for a thumb, their edges are visible and a keyboard user
can skip the menu: measured in Chromium on the pages a tired user reaches first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crisis_app.core.roles import Role
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Returns the controls that are too small: [{what, width, height}]. Links inside running text are exempt
# (WCAG 2.5.5 "inline" exception), every other link, button, select and text field must be 44 px tall;
# a checkbox must be 24 px with a label at least 44 px tall around it.
TOO_SMALL = """() => {
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(el).visibility !== 'hidden'; };
  const inText = (a) => { const p = a.parentElement;
    return ['P', 'LI', 'DD', 'SPAN'].includes(p.tagName) && p.textContent.trim() !== a.textContent.trim(); };
  const name = (el) => `${el.tagName.toLowerCase()} « ${(el.innerText || el.value || el.name || '').trim()
    .slice(0, 40)} »`;
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, select, textarea, input')) {
    if (!visible(el) || el.type === 'hidden' || el.closest('.skip-link') || el.matches('.skip-link')) continue;
    const r = el.getBoundingClientRect();
    if (el.type === 'checkbox' || el.type === 'radio') {
      const label = el.closest('label');
      const labelHeight = label ? label.getBoundingClientRect().height : 0;
      if (r.width < 24 || r.height < 24 || labelHeight < 44)
        out.push({what: name(label || el), width: r.width, height: r.height, label: labelHeight});
    } else if (el.tagName === 'A' && inText(el)) {
      continue;
    } else if (r.height < 44) {
      out.push({what: name(el), width: r.width, height: r.height});
    }
  }
  return out;
}"""

# Returns the form fields whose border contrasts less than 3:1 with what is behind them (WCAG 1.4.11).
FAINT_BORDERS = """() => {
  const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => { const c = [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const behind = (el) => { for (let e = el.parentElement; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) return c; }
    return [255, 255, 255]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
  const out = [];
  const fields = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea';
  for (const el of document.querySelectorAll(fields)) {
    const style = getComputedStyle(el);
    const r = ratio(rgb(style.borderBottomColor), behind(el));
    if (style.borderBottomStyle === 'none' || r < 3) out.push({field: el.name, ratio: r.toFixed(2)});
  }
  return out;
}"""

PAGES = {
    Role.CRISIS_REFERENT: ["/", "/alertes/", "/alertes/nouvelle", "/annuaire/", "/stock/", "/stock/distribution",
                           "/mon-compte"],
    Role.COORDINATOR: ["/annuaire/audiences", "/annuaire/organisations", "/admin/utilisateurs", "/admin/audit"],
}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", has_touch=True, is_mobile=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("role", list(PAGES))
def test_on_a_phone_every_control_is_a_44px_target_and_checkboxes_24px(server, phone, role):
    log_in(phone, server, role)
    found = {}
    for path in PAGES[role]:
        phone.goto(f"{server}{path}")
        found[path] = phone.evaluate(TOO_SMALL)
    assert found == {path: [] for path in PAGES[role]}


def test_the_login_page_controls_are_44px_targets(server, phone):
    phone.goto(f"{server}/connexion")
    assert phone.evaluate(TOO_SMALL) == []


@pytest.mark.parametrize("role", list(PAGES))
def test_form_field_borders_contrast_at_least_3_to_1(server, phone, role):
    log_in(phone, server, role)
    found = {}
    for path in PAGES[role]:
        phone.goto(f"{server}{path}")
        found[path] = phone.evaluate(FAINT_BORDERS)
    assert found == {path: [] for path in PAGES[role]}


def test_the_first_tab_shows_the_skip_link_which_moves_focus_past_the_menu(server, phone):
    log_in(phone, server, Role.CRISIS_CELL)
    phone.keyboard.press("Tab")
    skip = phone.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] >= 44
    phone.keyboard.press("Enter")
    expect(phone.locator("main#contenu")).to_be_focused()
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('header')") is None


def test_keyboard_focus_is_drawn_on_links_buttons_and_fields(server, phone):
    phone.goto(f"{server}/connexion")
    for _ in range(4):
        phone.keyboard.press("Tab")
        style = phone.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                               " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
        assert style[0] != "none" and style[1] >= 2, phone.evaluate("document.activeElement.outerHTML")


def test_the_current_page_is_marked_in_the_menu_in_the_browser(server, phone):
    log_in(phone, server, Role.CRISIS_CELL)
    phone.get_by_role("link", name="Stock", exact=True).click()
    expect(phone.locator('nav[aria-label="Navigation principale"] [aria-current="page"]')).to_have_text("Stock")
