"""The quality programme's pages and API over its corrective actions (list, move, evidence, reminder period).

The actions themselves (model, rules, reminders) are the shared action plan's (``quality.actions`` today)."""
