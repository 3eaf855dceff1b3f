"""The ACI contract: its calendar, the variable crisis amount, the annual report of both missions and the
twice-yearly indicator review. Above quality, plan, crises and alerts: it reads them and calls their services."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the contract's pages, API, home cards and audit labels."""
    from crisis_app.contract import api as contract_api
    from crisis_app.contract import api_report, models, tasks, views, views_report  # noqa: F401 - tables, tasks
    from crisis_app.core.audit_labels import register_labels

    app.register_blueprint(views.bp)
    api.register_blueprint(contract_api.bp)
    api.register_blueprint(api_report.bp)
    register_labels(actions={"contract.save": "Contrat ACI enregistré",
                             "contract.variable_trigger": "Montant variable crise déclenché",
                             "quality.indicator.target": "Cible annuelle d'un indicateur",
                             "contract.annual_report": "Bilan annuel demandé"},
                    objects={"aci_contract": "Contrat ACI", "indicator_target": "Cible d'un indicateur",
                             "aci_annual_report": "Bilan annuel"})
