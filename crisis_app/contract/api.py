"""Contract API: the contract (read by the coordinator and the observers, set by the coordinator)."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from crisis_app.contract import services
from crisis_app.contract.schemas import ContractInSchema, ContractOutSchema
from crisis_app.core.access import permission_required
from crisis_app.core.api import error_responses

bp = Blueprint("api_contract", __name__, url_prefix="/api/v1/contract",
               description="Contrat ACI : signature, taille, missions, calendrier, montant variable crise")


def _out(contract) -> dict:
    return {"id": contract.id, "signed_on": contract.signed_on, "size": contract.size,
            "over_100_members": contract.over_100_members, "missions": contract.missions,
            "calendar": [m.as_dict() for m in services.calendar_of(contract)],
            "variable_amounts": {str(k): v for k, v in services.variable_amounts().items()},
            "variable_triggers": services.triggers()}


@bp.route("")
class ContractResource(MethodView):
    @permission_required("contract.read")
    @error_responses(bp, 401, 403, 404)
    @bp.response(200, ContractOutSchema)
    def get(self):
        """The CPTS's contract with its calendar and the variable crisis amounts triggered (404 until set)."""
        contract = services.get_contract()
        if contract is None:
            abort(404)
        return _out(contract)

    @permission_required("contract.manage")
    @error_responses(bp, 401, 403, 422)
    @bp.arguments(ContractInSchema)
    @bp.response(200, ContractOutSchema)
    def put(self, data):
        """Set the contract: date signed, size 1–4, more than 100 members or not, missions chosen."""
        return _out(services.save_contract(actor=current_user._get_current_object(), data=data))
