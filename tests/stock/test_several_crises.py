"""A distribution belongs to its crisis: the form pre-selects the only real crisis open (an exercise beside it does
not count) and asks when several real crises are open."""

from __future__ import annotations

import re

from crisis_app.core.roles import Role
from crisis_app.crises import services as crisis_services


def _selected(page: str) -> list[str]:
    select = page.split('name="crisis_id"')[1].split("</select>")[0]
    return re.findall(r'<option selected value="(\d*)"|<option value="(\d*)" selected', select)


def test_the_only_real_crisis_is_preselected_beside_an_exercise(client, personas, login, shelf):
    referent = personas[Role.CRISIS_REFERENT].user
    heat = crisis_services.open_crisis(actor=referent, title="Canicule", typology=4, gradation=1)
    crisis_services.open_crisis(actor=referent, title="Exercice NRC", typology=2, gradation=1, is_exercise=True)
    login(personas[Role.CRISIS_CELL])
    selected = [a or b for a, b in _selected(client.get("/stock/distribution").text)]
    assert selected == [str(heat.id)]


def test_with_two_real_crises_open_the_form_asks(client, personas, login, shelf):
    referent = personas[Role.CRISIS_REFERENT].user
    crisis_services.open_crisis(actor=referent, title="Canicule", typology=4, gradation=1)
    crisis_services.open_crisis(actor=referent, title="Accident de bus", typology=5, gradation=1)
    login(personas[Role.CRISIS_CELL])
    page = client.get("/stock/distribution").text
    assert "Canicule" in page and "Accident de bus" in page
    assert [a or b for a, b in _selected(page)] in ([], [""])
