"""Former home of the strict JSON fields: they live in ``crisis_app.core.fields`` (one StrictBoolean for every
schema); this name is kept for the imports not yet moved."""

from crisis_app.core.fields import StrictBoolean, StrictInteger

__all__ = ["StrictBoolean", "StrictInteger"]
