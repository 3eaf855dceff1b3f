"""Quality's side of the action plan: the sources quality knows (``actions``), and its pages and API over the
corrective actions (list, move, evidence, reminder period). The actions themselves, their rules and reminders are
the shared action plan's (``crisis_app.actionplan``)."""
