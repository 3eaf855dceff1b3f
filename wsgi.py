"""Entry point: ``flask --app wsgi …``, ``gunicorn wsgi:app``, ``celery -A wsgi:celery worker``."""

from crisis_app import create_app
from crisis_app.core import logfilter

logfilter.install()  # werkzeug's and gunicorn's access logs keep no follow-up secret and no declarer's address
app = create_app()
celery = app.extensions["celery"]
