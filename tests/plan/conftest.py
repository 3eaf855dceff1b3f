"""Plan fixtures: directory entries to name, a partner organisation, a complete draft."""

from __future__ import annotations

import pytest

from crisis_app.core.vocabulary import plan_defaults
from crisis_app.plan import services
from tests import factories


@pytest.fixture
def people(db_session):
    """Four professionals of the directory: référent, suppléant, a cellule member and a backup."""
    return [factories.professional(last_name=name, first_name=first)
            for first, name in (("Julien", "Mercier"), ("Anne", "Martin"), ("Nadia", "Roussel"), ("Yves", "Colin"))]


@pytest.fixture
def partner(db_session):
    return factories.organisation(name="ARS Occitanie (test)")


def measure(typology: int, gradation: int, **overrides) -> dict:
    preset = {**plan_defaults()[0].stored(), "key": f"t{typology}-g{gradation}",
              "name": f"Modèle {typology}/{gradation}"}
    return {"typology": typology, "gradation": gradation, "needs": f"Besoins {typology}/{gradation}",
            "mobilisation": "Médecins et infirmiers", "directory_filter": {"profession_code": ["10", "60"]},
            "presets": [preset], **overrides}


NOT_APPLICABLE = [{"typology": t, "reason": f"Aucun risque de ce type recensé sur le territoire ({t})."}
                  for t in (2, 3, 4, 5)]


def complete_data(people, partner) -> dict:
    referent, suppleant, member, backup = people
    return {
        "anticipation": {"referent_id": referent.id, "suppleant_id": suppleant.id,
                         "directory_notes": "Annuaire revu chaque trimestre."},
        "adaptation": {"measures": [measure(1, 1), measure(1, 2)], "not_applicable": NOT_APPLICABLE},
        "pilotage": {"members": [{"role": "Pilote de la cellule", "professional_id": member.id,
                                  "backup_id": backup.id}],
                     "cellule_place": "Local de la CPTS", "cellule_visio": "https://visio.example.org/cellule",
                     "cellule_first_briefing": "30 min après l'activation"},
        "retex": {"method": "RETEX à chaud puis à froid.", "recipient_ids": [partner.id]},
    }


@pytest.fixture
def draft(db_session, personas):
    from crisis_app.core.roles import Role

    return services.create_draft(actor=personas[Role.CRISIS_REFERENT].user, year=2026)


@pytest.fixture
def complete_draft(draft, people, partner, personas):
    from crisis_app.core.roles import Role

    return services.update_sections(actor=personas[Role.CRISIS_REFERENT].user, plan=draft,
                                    data=complete_data(people, partner))
