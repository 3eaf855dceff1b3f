"""Extensions created unbound here and bound in ``create_app``."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from crisis_app.core.api import VigieApi
from crisis_app.core.db import db

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
api = VigieApi()

__all__ = ["api", "csrf", "db", "login_manager", "migrate"]
