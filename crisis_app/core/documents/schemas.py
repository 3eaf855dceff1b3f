"""The API's view of a document being made or made (what ``jobs.status`` gives), for endpoints answering 202."""

from __future__ import annotations

from marshmallow import Schema, fields


class DocumentStatusSchema(Schema):
    """A document's state and progress; ``download_url`` is where the caller gets the file once ready."""

    id = fields.Integer()
    status = fields.String()
    label = fields.String()
    progress = fields.Integer()
    error = fields.String(allow_none=True)
    waiting = fields.Boolean()
    ready = fields.Boolean()
    download_url = fields.String()
    kind = fields.String(metadata={"description": "la sorte de document (plan, journal, retex, annual_report…)"})
    status_url = fields.String(metadata={"description": "où suivre son état (API)"})
