"""The one exception services raise for a refused change, carried to the UI or the API as is."""

from __future__ import annotations


class ServiceError(Exception):
    """A change refused for a reason the user can act on; the message is French, for people."""

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 fields: dict[str, list[str]] | None = None, status: int = 422):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, []).append(message)
        self.status = status
