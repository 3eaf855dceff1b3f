"""The ACI contract: its calendar, the variable crisis amount, the annual report of both missions and the
twice-yearly indicator review. Above quality, plan, crises and alerts: it reads them and calls their services."""

from __future__ import annotations

import importlib

# Modules that register something when imported: tables, Celery tasks, pages on the blueprint, home cards, the demo
# seeder.
REGISTERING = ("crisis_app.contract.models", "crisis_app.contract.documents", "crisis_app.contract.views",
               "crisis_app.contract.views_report", "crisis_app.contract.views_review", "crisis_app.contract.demo")


def init_app(app, api) -> None:
    """Register the contract's pages, API, home cards, audit labels and demo data."""
    for name in REGISTERING:
        importlib.import_module(name)
    from crisis_app.contract import api as contract_api
    from crisis_app.contract import api_report, views
    from crisis_app.contract.reviews import TOPIC
    from crisis_app.core.audit_labels import register_labels
    from crisis_app.core.notifications import outbox

    app.register_blueprint(views.bp)
    api.register_blueprint(contract_api.bp)
    api.register_blueprint(api_report.bp)
    register_labels(actions={"contract.save": "Contrat ACI enregistré",
                             "contract.variable_trigger": "Montant variable crise déclenché",
                             "quality.indicator.target": "Cible annuelle d'un indicateur",
                             "contract.annual_report": "Bilan annuel demandé",  # rows from before core.documents
                             "contract.review.plan": "Revue des indicateurs planifiée",
                             "contract.review.decision": "Décision de revue des indicateurs",
                             "contract.review.held": "Revue des indicateurs tenue"},
                    objects={"aci_contract": "Contrat ACI", "indicator_target": "Cible d'un indicateur",
                             "aci_annual_report": "Bilan annuel", "aci_indicator_review": "Revue des indicateurs"},
                    fields={"signed_on": "Date de signature", "size": "Taille de la CPTS",
                            "over_100_members": "Plus de 100 adhérents", "missions": "Missions choisies",
                            "target_value": "Cible", "conditions_variable": "Conditionne la part variable"})
    outbox.TOPIC_LABELS[TOPIC] = "Invitation à la revue des indicateurs"
