"""Audiences: a filter resolved when used, a fixed list, their reach."""

import pytest

from crisis_app.core.errors import ServiceError
from crisis_app.core.roles import Role
from crisis_app.directory.audiences import services as audiences
from crisis_app.directory.audiences.models import AudienceKind
from crisis_app.directory.professionals import services
from tests import factories


@pytest.fixture
def coordinator(personas):
    return personas[Role.COORDINATOR].user


def test_a_filter_audience_is_resolved_when_used_not_when_saved(db_session, coordinator):
    nurse = factories.reachable_professional(profession_code="60", commune_code="31555")
    audience = audiences.save_audience(actor=coordinator, data={
        "name": "Infirmiers", "kind": "filter", "criteria": {"profession_code": ["60"], "commune_code": ["31555"]}})
    later = factories.reachable_professional(profession_code="60", commune_code="31555")
    members = {p.id for p in audiences.resolve(audience)}
    assert {nurse.id, later.id} <= members
    assert all(p.profession_code == "60" and p.commune_code == "31555" for p in audiences.resolve(audience))


def test_an_opt_out_leaves_every_audience_reach_at_once(db_session, coordinator):
    p = factories.reachable_professional(profession_code="91")
    by_filter = audiences.save_audience(actor=coordinator, data={
        "name": "Orthophonistes", "kind": "filter", "criteria": {"profession_code": ["91"]}})
    by_list = audiences.save_audience(actor=coordinator, data={
        "name": "Liste", "kind": "list", "professional_ids": [p.id]})
    before = [audiences.reach(a) for a in (by_filter, by_list)]
    services.set_consent(actor=coordinator, professional=p, channel="sms", granted=False, method="par SMS STOP")
    after = [audiences.reach(a) for a in (by_filter, by_list)]
    for b, a in zip(before, after, strict=True):
        assert a["phones"] == b["phones"] - 1 and a["people"] == b["people"] and a["emails"] == b["emails"]


def test_a_deactivated_member_leaves_a_fixed_list(db_session, coordinator):
    kept, gone = factories.reachable_professional(), factories.reachable_professional()
    audience = audiences.save_audience(actor=coordinator, data={
        "name": "Binôme", "kind": "list", "professional_ids": [kept.id, gone.id], "for_exercises": True})
    services.set_active(actor=None, professional=gone, active=False)
    assert [p.id for p in audiences.resolve(audience)] == [kept.id]
    assert audiences.reach(audience) == {"people": 1, "phones": 1, "emails": 1}


def test_updating_a_list_replaces_its_members(db_session, coordinator):
    a, b, c = (factories.professional() for _ in range(3))
    audience = audiences.save_audience(actor=coordinator, data={
        "name": "Groupe", "kind": "list", "professional_ids": [a.id, b.id]})
    audiences.save_audience(actor=coordinator, audience=audience, data={
        "name": "Groupe", "kind": "list", "professional_ids": [b.id, c.id]})
    assert sorted(m.professional_id for m in audience.members) == sorted([b.id, c.id])


def test_an_empty_list_an_unknown_member_and_a_taken_name_are_refused(db_session, coordinator):
    with pytest.raises(ServiceError) as caught:
        audiences.save_audience(actor=coordinator, data={"name": "Vide", "kind": "list"})
    assert "professional_ids" in caught.value.fields
    with pytest.raises(ServiceError):
        audiences.save_audience(actor=coordinator, data={"name": "X", "kind": "list", "professional_ids": [999999]})
    audiences.save_audience(actor=coordinator, data={"name": "Tous", "kind": "filter"})
    with pytest.raises(ServiceError) as caught:
        audiences.save_audience(actor=coordinator, data={"name": "Tous", "kind": "filter"})
    assert caught.value.status == 409
    assert [a.name for a in audiences.list_audiences()] == ["Tous"]


def test_pasted_rpps_numbers_become_list_members_and_unknown_ones_are_named(db_session):
    a, b = factories.professional(), factories.professional()
    assert audiences.ids_for_numbers(f"{a.rpps}\n{b.rpps}, {a.rpps}") == sorted([a.id, b.id])
    with pytest.raises(ServiceError) as caught:
        audiences.ids_for_numbers(f"{a.rpps} 10000000000")
    assert "10000000000" in caught.value.fields["numbers"][0]


def test_delete_removes_the_audience_and_is_audited(db_session, coordinator):
    audience = audiences.save_audience(actor=coordinator, data={"name": "Éphémère", "kind": "filter"})
    assert audience.kind is AudienceKind.FILTER
    audiences.delete_audience(actor=coordinator, audience=audience)
    assert audiences.list_audiences() == []
