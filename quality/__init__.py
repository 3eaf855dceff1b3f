"""Quality programme: EIAS register, CREX/RMM sessions, corrective actions, indicators.

Imports ``crisis_app.core``; the crisis side never imports this package.
"""

from flask import Blueprint

bp = Blueprint("quality", __name__, url_prefix="/qualite")
