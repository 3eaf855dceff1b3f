"""The action plan: the corrective actions of both missions, with their reminders.

An action follows a source — an EIAS or its analysis, a CREX/RMM session, a patient traceur, a crisis RETEX, an
indicator review — named by ``(source_type, source_id)`` and a display title, so the action plan knows neither
quality nor crises: it uses ``core`` and ``directory`` only, and both missions use it.
"""
