"""Directory services: every change validated, audited, and refused whole."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from crisis_app.core.db import db, utcnow
from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from crisis_app.directory.professionals import query, services
from crisis_app.directory.professionals.models import Professional
from tests import factories


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Professional))


def test_create_records_the_entry_its_consents_and_audit_rows_confirmed_now(db_session, personas):
    coordinator = personas[Role.COORDINATOR].user
    p = factories.reachable_professional(actor=coordinator, tags=["Vaccination", " pédiatrie "])
    assert p.reachable_on("sms") and p.reachable_on("email")
    assert p.skill_list == ["pédiatrie", "vaccination"]
    assert p.consent_for("sms").method == "formulaire d'adhésion"
    assert utcnow() - p.confirmed_at < timedelta(minutes=1)
    actions = [e.action for e in services.history(p)]
    assert sorted(actions) == ["professional.consent", "professional.consent", "professional.create"]


def test_duplicate_rpps_is_refused_with_409_and_nothing_saved(db_session, personas):
    first = factories.professional()
    before = _count()
    with pytest.raises(ServiceError) as caught:
        factories.professional(rpps=first.rpps)
    assert caught.value.status == 409 and "rpps" in caught.value.fields
    assert _count() == before


def test_invalid_fields_refuse_the_whole_entry(db_session):
    before = _count()
    with pytest.raises(ServiceError) as caught:
        factories.professional(mobile_phone="0123", email="nope")
    assert set(caught.value.fields) == {"mobile_phone", "email"}
    assert _count() == before


def test_consent_on_an_unknown_channel_is_refused_and_the_entry_not_created(db_session):
    before = _count()
    with pytest.raises(ServiceError) as caught:
        services.create_professional(actor=None, data=_data(), consents={"fax": True}, consent_method="papier")
    assert caught.value.status == 422 and "channel" in caught.value.fields
    assert _count() == before


def test_an_update_cannot_remove_the_last_identifier(db_session):
    p = factories.professional()
    with pytest.raises(ServiceError) as caught:
        services.update_professional(actor=None, professional=p, data={"rpps": ""})
    assert "rpps" in caught.value.fields
    db.session.refresh(p)
    assert p.rpps


def test_update_audits_only_what_changed(db_session, personas):
    p = factories.professional()
    services.update_professional(actor=personas[Role.COORDINATOR].user, professional=p,
                                 data={"specialty": "Soins palliatifs", "last_name": p.last_name})
    event = services.history(p)[0]
    assert event.action == "professional.update" and set(event.changes) == {"specialty"}


def test_withdrawn_consent_takes_effect_at_once_and_is_audited_with_its_method(db_session, personas):
    p = factories.reachable_professional()
    reach_before = query.reach_of(query.filter_statement({}))
    services.set_consent(actor=personas[Role.COORDINATOR].user, professional=p, channel="sms", granted=False,
                         method="par téléphone")
    assert not p.reachable_on("sms") and p.reachable_on("email")
    reach_after = query.reach_of(query.filter_statement({}))
    assert reach_after["phones"] == reach_before["phones"] - 1
    assert reach_after["emails"] == reach_before["emails"]
    event = services.history(p)[0]
    assert event.changes["consent_sms"] == [True, False] and "par téléphone" in event.summary


def test_consent_without_method_is_refused(db_session):
    p = factories.professional()
    with pytest.raises(ServiceError) as caught:
        services.set_consent(actor=None, professional=p, channel="email", granted=True, method="  ")
    assert "method" in caught.value.fields
    assert p.consent_for("email") is None


def test_an_inactive_entry_is_never_reachable(db_session):
    p = factories.reachable_professional()
    services.set_active(actor=None, professional=p, active=False)
    assert not p.reachable_on("sms")
    ids = [row.id for row in db.session.scalars(
        query.filter_statement({"include_inactive": True, "consent": "sms"}))]
    assert p.id not in ids


def test_entries_to_confirm_are_the_active_ones_older_than_6_months_or_never_confirmed(db_session):
    fresh = factories.professional()
    old = services.create_professional(actor=None, data=_data(), confirmed_at=utcnow() - timedelta(days=200))
    never = services.create_professional(actor=None, data=_data(), confirmed_at=None)
    gone = services.create_professional(actor=None, data=_data(), confirmed_at=None)
    services.set_active(actor=None, professional=gone, active=False)
    ids = [p.id for p in services.entries_to_confirm()]
    assert never.id in ids and old.id in ids and fresh.id not in ids and gone.id not in ids
    assert ids.index(never.id) < ids.index(old.id)
    services.confirm_details(actor=None, professional=old)
    assert old.id not in [p.id for p in services.entries_to_confirm()]


def test_only_a_role_that_keeps_an_entry_can_be_linked_and_only_to_one_entry(db_session, personas):
    first, second = factories.professional(), factories.professional()
    professional_user = personas[Role.PROFESSIONAL].user
    services.link_user(actor=None, professional=first, user=professional_user)
    with pytest.raises(ServiceError) as caught:
        services.link_user(actor=None, professional=second, user=professional_user)
    assert caught.value.status == 409 and second.user_id is None
    with pytest.raises(ServiceError):
        services.link_user(actor=None, professional=second, user=personas[Role.ARS_OBSERVER].user)
    assert services.professional_for_user(professional_user).id == first.id


def test_history_lists_only_that_entry_newest_first(db_session):
    a, b = factories.professional(), factories.professional()
    services.confirm_details(actor=None, professional=a)
    rows = services.history(a)
    assert [r.action for r in rows] == ["professional.confirm", "professional.create"]
    assert all(r.object_id == str(a.id) for r in rows)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.object_id == str(b.id), AuditEvent.object_type == "professional")) == 1


def _data() -> dict:
    import random

    from crisis_app.core.demo import fake

    p = fake.person(random.Random(), 1)
    return {"rpps": p.rpps, "last_name": p.last_name, "first_name": p.first_name, "profession_code": "60"}


def test_demo_seed_builds_a_realistic_directory_through_the_services(db_session):
    import random

    from crisis_app.core.demo.seed import DEMO_ACCOUNTS
    from crisis_app.directory import demo
    from crisis_app.directory.audiences import services as audiences
    from crisis_app.directory.organisations import services as organisations
    from crisis_app.directory.professionals.models import CrisisRole

    for role, email in DEMO_ACCOUNTS.items():
        factories.user(role=role, email=email)
    demo.seed(random.Random(31))
    people = list(db.session.scalars(sa.select(Professional)))
    assert len(people) == demo.PEOPLE and len({p.rpps for p in people}) == demo.PEOPLE
    roles = [p.crisis_role for p in people]
    assert roles.count(CrisisRole.REFERENT) == 1 and roles.count(CrisisRole.SUPPLEANT) == 1
    assert roles.count(CrisisRole.CELLULE) == 4
    assert all(p.email.endswith("@example.org") for p in people)
    withdrawn = [p for p in people if any(not c.granted for c in p.consents)]
    without = [p for p in people if not p.consents]
    assert withdrawn and without and sum(p.reachable_on("sms") for p in people) > 150
    assert services.entries_to_confirm() and any(p.confirmed_at is None for p in people)
    linked = services.professional_for_user(factories.auth_services.get_user_by_email(DEMO_ACCOUNTS[Role.PROFESSIONAL]))
    assert linked is not None and linked.full_name == "Paul Garnier"
    assert {a.name for a in audiences.list_audiences()} == {"Tous les professionnels", "Infirmiers de Toulouse",
                                                          "Cellule de crise", "Groupe test"}
    cell = next(a for a in audiences.list_audiences() if a.name == "Cellule de crise")
    assert audiences.reach(cell)["people"] == 6
    assert {o.name for o in organisations.list_organisations()} >= {"ARS Occitanie", "CHU de Toulouse"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "professional.create")) == demo.PEOPLE
    assert demo.seed(random.Random(1)) == ["Annuaire : déjà rempli, rien à semer."]
