"""Hostile input classes at the core level: ids beyond the database's integer range (URL and JSON), non-ASCII
digits, enormous page numbers, LIKE wildcards, booleans that are not booleans."""

import html

import pytest
from marshmallow import Schema, ValidationError

from crisis_app.core import audit
from crisis_app.core.auth import services as auth_services
from crisis_app.core.fields import BoundedInteger, Id, StrictBoolean
from crisis_app.core.pagination import contains, escape_like, page_number, page_size, paginate
from crisis_app.core.roles import Role
from crisis_app.core.routing import DB_INT_MAX


@pytest.fixture
def coordinator(client, personas, login):
    return login(personas[Role.COORDINATOR])


@pytest.mark.parametrize("value", [str(DB_INT_MAX + 1), "99999999999999999999", "9" * 5000, "١٢٣", "²", "-1"])
def test_an_id_the_database_cannot_hold_in_a_url_is_a_404(coordinator, value):
    assert coordinator.get(f"/admin/utilisateurs/{value}").status_code == 404
    assert coordinator.get(f"/api/v1/users/{value}").status_code == 404


def test_the_largest_database_id_is_looked_up_and_not_found(coordinator):
    assert coordinator.get(f"/api/v1/users/{DB_INT_MAX}").status_code == 404


def test_the_openapi_document_states_the_id_range(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    param = spec["paths"]["/api/v1/users/{user_id}"]["parameters"][0]
    assert param["schema"]["maximum"] == DB_INT_MAX


class _Body(Schema):
    item_id = Id()
    flag = StrictBoolean()
    quantity = BoundedInteger(min=0)


@pytest.mark.parametrize("value", [0, -1, DB_INT_MAX + 1, 10**30, "12", 12.5, True])
def test_id_field_refuses_what_no_row_can_have(value):
    with pytest.raises(ValidationError) as refused:
        _Body().load({"item_id": value})
    assert "item_id" in refused.value.messages


def test_id_field_takes_a_plain_id():
    assert _Body().load({"item_id": 12, "quantity": 0}) == {"item_id": 12, "quantity": 0}


@pytest.mark.parametrize("value", [0, 1, "true", "yes", "on", None])
def test_strict_boolean_takes_only_true_or_false(value):
    with pytest.raises(ValidationError):
        _Body().load({"flag": value})
    assert _Body().load({"flag": False}) == {"flag": False}


@pytest.mark.parametrize("value", [2**31, -(2**31), 10**30, True])
def test_bounded_integer_refuses_what_an_integer_column_cannot_hold(value):
    with pytest.raises(ValidationError):
        _Body().load({"quantity": value})


def test_user_update_refuses_a_number_for_active_and_changes_nothing(client, personas):
    target = personas[Role.PROFESSIONAL].user
    token = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    response = client.patch(f"/api/v1/users/{target.id}", json={"active": 0},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert "active" in response.get_json()["error"]["fields"]
    assert target.active is True


@pytest.mark.parametrize("raw, expected", [(None, 1), ("3", 3), ("0", 1), ("-4", 1), (str(10**30), 1),
                                           ("١٢", 1), ("abc", 1), ("999999", 999999)])
def test_page_number_is_a_plain_bounded_number(raw, expected):
    assert page_number({} if raw is None else {"page": raw}) == expected


@pytest.mark.parametrize("raw, expected", [(None, 20), ("-1", 20), ("0", 1), ("10000", 100), ("x", 20)])
def test_page_size_is_clamped(raw, expected):
    assert page_size({} if raw is None else {"per_page": raw}, default=20, maximum=100) == expected


def test_a_page_beyond_the_last_shows_the_last(db_session, personas):
    result = paginate(audit.select_events(audit.AuditFilter()), page=10**6, per_page=2)
    assert result.total >= 6 and result.page == result.pages and result.items


def test_like_wildcards_are_taken_literally(db_session, personas):
    from crisis_app.core.models import User

    assert escape_like("50%_a\\b") == "50\\%\\_a\\\\b"
    every = db_session.scalars(__import__("sqlalchemy").select(User).where(contains(User.email, "%"))).all()
    assert every == []


@pytest.mark.parametrize("query", ["page=" + "9" * 30, "page=-1", "page=١٢", "auteur=%", "auteur=_",
                                   "depuis=٢٠٢٦-01-01", "depuis=99999-99-99", "endpoint=x", "_method=TRACE",
                                   "action=" + "x" * 5000])
def test_the_audit_trail_survives_hostile_query_strings(coordinator, query):
    response = coordinator.get(f"/admin/audit?{query}")
    assert response.status_code == 200


def test_actor_search_with_a_percent_matches_nobody(coordinator):
    assert "Aucune entrée ne correspond." in coordinator.get("/admin/audit?auteur=%25").text


def test_the_audit_trail_reads_in_french(coordinator, personas):
    page = html.unescape(coordinator.get("/admin/audit").text)
    assert "Connexion" in page and "Création d'un compte" in page
    assert "auth.login" not in page.split("</select>")[1] and "user #" not in page
    assert "Claire Coordination" in page
    assert "Compte de Paul Professionnel" in page
    assert "(UTC)" not in page
    assert "Rôle : ∅ → Professionnel de santé" in page and "→ professional<" not in page


def test_an_unknown_query_argument_is_refused_not_ignored(client, personas):
    token = auth_services.issue_token(actor=None, user=personas[Role.COORDINATOR].user)
    response = client.get("/api/v1/audit-events?acteur=claire", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert "acteur" in response.get_json()["error"]["fields"]


def test_one_strict_boolean_for_every_schema_with_one_french_message():
    from crisis_app.core import strict_fields

    assert strict_fields.StrictBoolean is StrictBoolean
    with pytest.raises(ValidationError) as refused:
        _Body().load({"flag": 1})
    assert refused.value.messages == {"flag": ["Booléen attendu : true ou false."]}
