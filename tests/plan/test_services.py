"""The plan's life: draft, edit, validate (refused while incomplete), publish (then immutable), next year, diff."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crisis_app.core.errors import ServiceError
from crisis_app.core.models import AuditEvent
from crisis_app.core.roles import Role
from crisis_app.plan import diff, services
from crisis_app.plan.models import PlanStatus, PlanVersion, PublishedPlanChanged
from tests.plan.conftest import NOT_APPLICABLE, measure


def _audit(action: str, plan_id: int) -> list[AuditEvent]:
    from crisis_app.core.db import db

    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action,
                                                               AuditEvent.object_id == str(plan_id))))


def test_a_first_draft_holds_the_default_presets_of_each_typology(draft):
    keys = {p.key for p in [services.Preset(**{**p, "typology": m["typology"], "gradation": m["gradation"]})
                            for m in draft.adaptation["measures"] for p in m["presets"]]}
    assert {"offre-g1", "infectieux-g2", "canicule-g1", "nrc-g2", "blesses-g2"} <= keys
    assert draft.status is PlanStatus.DRAFT and _audit("plan.draft", draft.id)


def test_validating_an_incomplete_draft_is_refused_with_what_is_missing_and_changes_nothing(db_session, draft,
                                                                                            personas):
    before_audit = db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    with pytest.raises(ServiceError) as refused:
        services.validate_plan(actor=personas[Role.CRISIS_REFERENT].user, plan=draft)
    assert refused.value.code == "incomplete"
    missing = services.missing_items(draft)
    assert {m.code for m in missing} == {"referent", "suppleant", "typology", "cellule"}
    # the blank outline: each of the five typologies at both gradations is listed on its own
    assert sorted((m.typology, m.gradation) for m in missing if m.code == "typology") == \
        [(t, g) for t in range(1, 6) for g in (1, 2)]
    assert len(refused.value.fields["missing"]) == 13
    db_session.expire_all()
    assert db_session.get(PlanVersion, draft.id).status is PlanStatus.DRAFT
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before_audit


def test_one_gradation_only_is_not_enough_to_validate(complete_draft, personas):
    referent = personas[Role.CRISIS_REFERENT].user
    services.update_section(actor=referent, plan=complete_draft, section="adaptation",
                            data={"measures": [measure(1, 1), measure(2, 2)], "not_applicable": NOT_APPLICABLE[1:]})
    assert [(m.code, m.typology, m.gradation) for m in services.missing_items(complete_draft)] == \
        [("typology", 1, 2), ("typology", 2, 1)]


def test_a_plan_covering_one_typology_only_is_refused_with_the_four_others_listed(complete_draft, personas):
    referent = personas[Role.CRISIS_REFERENT].user
    services.update_section(actor=referent, plan=complete_draft, section="adaptation",
                            data={"measures": [measure(1, 1), measure(1, 2)]})
    with pytest.raises(ServiceError) as refused:
        services.validate_plan(actor=referent, plan=complete_draft)
    listed = refused.value.fields["missing"]
    assert len(listed) == 8 and all("sans objet sur notre territoire" in m for m in listed)
    assert any(m.startswith("Patients atteints par un agent infectieux") for m in listed)
    assert complete_draft.status is PlanStatus.DRAFT


def test_sans_objet_needs_a_reason_and_covers_both_gradations(complete_draft, personas):
    referent = personas[Role.CRISIS_REFERENT].user
    services.update_section(actor=referent, plan=complete_draft, section="adaptation",
                            data={"measures": [measure(1, 1), measure(1, 2)], "not_applicable": NOT_APPLICABLE[:3]})
    assert {(m.typology, m.gradation) for m in services.missing_items(complete_draft)} == {(5, 1), (5, 2)}
    with pytest.raises(ServiceError) as refused:
        services.set_not_applicable(actor=referent, plan=complete_draft, typology=5, reason="x")
    assert "reason" in str(refused.value.fields)
    services.set_not_applicable(actor=referent, plan=complete_draft, typology=5, reason="Pas de site à risque.")
    assert services.missing_items(complete_draft) == []
    assert services.not_applicable(complete_draft)[5] == "Pas de site à risque."
    # the measures stay when a typology is declared sans objet, and a measure edit keeps the declarations
    services.update_measure(actor=referent, plan=complete_draft, typology=1, gradation=1, data=measure(1, 1,
                            needs="Autres besoins"))
    assert services.missing_items(complete_draft) == []
    services.set_not_applicable(actor=referent, plan=complete_draft, typology=5, reason="  ")
    assert {(m.typology, m.gradation) for m in services.missing_items(complete_draft)} == {(5, 1), (5, 2)}


def test_a_complete_draft_is_validated_then_published_with_frozen_figures(complete_draft, personas, people):
    referent = personas[Role.CRISIS_REFERENT].user
    services.validate_plan(actor=referent, plan=complete_draft)
    assert complete_draft.status is PlanStatus.VALIDATED and complete_draft.validated_by_id == referent.id
    services.publish_plan(actor=referent, plan=complete_draft)
    assert complete_draft.status is PlanStatus.PUBLISHED and complete_draft.published_at
    frozen = complete_draft.frozen
    assert frozen["directory"]["total"] >= 4 and "by_profession" in frozen["directory"]
    assert "below_threshold" in frozen["stock"]
    assert people[0].display_name in frozen["people"][str(people[0].id)]
    assert services.published_plan() == complete_draft
    assert _audit("plan.validate", complete_draft.id) and _audit("plan.publish", complete_draft.id)


def test_publishing_needs_a_validation_first(complete_draft, personas):
    with pytest.raises(ServiceError) as refused:
        services.publish_plan(actor=personas[Role.CRISIS_REFERENT].user, plan=complete_draft)
    assert refused.value.code == "not_validated"


def test_editing_a_validated_version_sends_it_back_to_draft(complete_draft, personas):
    referent = personas[Role.CRISIS_REFERENT].user
    services.validate_plan(actor=referent, plan=complete_draft)
    services.update_section(actor=referent, plan=complete_draft, section="retex",
                            data={**complete_draft.retex, "method": "Autre méthode"})
    assert complete_draft.status is PlanStatus.DRAFT and complete_draft.validated_at is None


@pytest.fixture
def published(complete_draft, personas):
    referent = personas[Role.CRISIS_REFERENT].user
    services.validate_plan(actor=referent, plan=complete_draft)
    return services.publish_plan(actor=referent, plan=complete_draft)


def test_a_published_version_refuses_every_change(db_session, published, personas):
    referent = personas[Role.CRISIS_REFERENT].user
    with pytest.raises(ServiceError) as refused:
        services.update_section(actor=referent, plan=published, section="retex", data={"method": "x"})
    assert refused.value.code == "published"
    with pytest.raises(ServiceError):
        services.validate_plan(actor=referent, plan=published)
    db_session.expire_all()
    assert db_session.get(PlanVersion, published.id).retex["method"] == "RETEX à chaud puis à froid."


def test_even_code_that_skips_the_services_cannot_change_a_published_version(db_session, published):
    published.retex = {"method": "changé en douce", "recipient_ids": []}
    with pytest.raises(PublishedPlanChanged):
        db_session.flush()
    db_session.rollback()


def test_next_year_starts_as_a_copy_and_the_diff_shows_what_changed(published, personas, people):
    referent = personas[Role.CRISIS_REFERENT].user
    nxt = services.start_next_year(actor=referent)
    assert (nxt.year, nxt.status, nxt.source_id) == (2027, PlanStatus.DRAFT, published.id)
    assert nxt.pilotage == published.pilotage
    assert all(not d.added and not d.removed and not d.changed for d in diff.between(published, nxt))
    services.update_sections(actor=referent, plan=nxt, data={
        "anticipation": {**nxt.anticipation, "suppleant_id": people[3].id},
        "adaptation": {**nxt.adaptation, "measures": [*nxt.adaptation["measures"], measure(4, 1)]},
        "retex": {"method": nxt.retex["method"], "recipient_ids": []},
    })
    sections = {d.key: d for d in diff.between(published, nxt)}
    assert sections["anticipation"].changed[0][0] == "Suppléant"
    assert sections["anticipation"].changed[0][2].startswith(people[3].display_name)
    assert any(label.startswith("Prise en charge de malades") for label, _ in sections["adaptation"].added)
    assert sections["retex"].removed[0][0] == "Destinataire : ARS Occitanie (test)"
    assert sections["pilotage"].empty


def test_a_second_version_for_the_same_year_is_refused(draft, personas):
    with pytest.raises(ServiceError) as refused:
        services.create_draft(actor=personas[Role.CRISIS_REFERENT].user, year=2026)
    assert refused.value.status == 409


def test_people_must_be_in_the_directory_and_nothing_changes_otherwise(draft, personas, people):
    with pytest.raises(ServiceError) as refused:
        services.update_section(actor=personas[Role.CRISIS_REFERENT].user, plan=draft, section="anticipation",
                                data={"referent_id": 2_000_000_000, "suppleant_id": people[1].id})
    assert "referent_id" in refused.value.fields
    assert draft.anticipation["referent_id"] is None


def test_the_contract_functions_read_the_published_plan(published, people, partner):
    assert services.typology_section(published, 1, 2)["needs"] == "Besoins 1/2"
    assert services.typology_section(published, 5, 1) == {}
    assert services.cellule_members(published) == [{"role": "Pilote de la cellule",
                                                    "professional_id": people[2].id, "backup_id": people[3].id}]
    assert services.retex_recipients(published) == [partner.id]
    assert [p.key for p in services.presets_for(1, 2)] == ["t1-g2"]
    assert {p.key for p in services.presets_for(1, None)} == {"t1-g1", "t1-g2"}
    assert services.presets_for(3, 1) == []


def test_every_change_writes_its_audit_row(db_session, complete_draft, personas):
    from crisis_app.plan import activities

    referent = personas[Role.CRISIS_REFERENT].user
    edits = _audit("plan.edit", complete_draft.id)
    assert edits and edits[0].actor_id == referent.id and "anticipation.referent_id" in edits[0].changes
    activity = activities.create_activity(actor=referent, year=2026, data={
        "kind": "exercise", "title": "Exercice", "planned_on": "2026-04-01"})
    activities.update_activity(actor=referent, activity=activity, data={
        "kind": "exercise", "title": "Exercice", "planned_on": "2026-04-01", "done_on": "2026-04-01"})
    rows = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "plan_activity")).all()
    assert [r.action for r in rows] == ["plan.activity.create", "plan.activity.update"]
    assert rows[1].changes["done_on"] == [None, "2026-04-01"]


def test_saving_a_section_unchanged_writes_nothing(db_session, complete_draft, personas):
    before = len(_audit("plan.edit", complete_draft.id))
    services.update_section(actor=personas[Role.CRISIS_REFERENT].user, plan=complete_draft, section="retex",
                            data=dict(complete_draft.retex))
    assert len(_audit("plan.edit", complete_draft.id)) == before
