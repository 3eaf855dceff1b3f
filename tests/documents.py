"""Fetch a document route (core.documents) as a browser would, with the worker's part done in between."""

from __future__ import annotations

import re

from crisis_app.core.documents.tasks import make_document


def made_id(response) -> int | None:
    """The document a route sent its user to wait for (303 to /documents/<id>), if it did."""
    match = re.search(r"/documents/(\d+)(?:\?telecharger=1)?$", response.headers.get("Location", ""))
    return int(match.group(1)) if response.status_code == 303 and match else None


def fetch(client, url: str):
    """GET ``url``; when it answers the wait page, run the worker's task for that document and get the file."""
    response = client.get(url)
    document_id = made_id(response)
    if document_id is None:
        return response
    make_document(document_id)  # what the worker does
    return client.get(f"/documents/{document_id}/fichier")


def make_attachments(message_id: int) -> list[int]:
    """Do the worker's part for the kept documents a message carries (its attachments wait for them); their ids."""
    import sqlalchemy as sa

    from crisis_app.core.db import db
    from crisis_app.core.notifications.models import MessageAttachment

    ids = db.session.scalars(sa.select(MessageAttachment.document_id).where(
        MessageAttachment.message_id == message_id, MessageAttachment.document_id.isnot(None))).all()
    for document_id in ids:
        make_document(document_id)
    db.session.expire_all()
    return list(ids)


def fetch_api(client, url: str, headers: dict):
    """GET an API route that gives a document: on 202 do the worker's part, then get the file it points to."""
    response = client.get(url, headers=headers)
    if response.status_code != 202:
        return response
    make_document(response.get_json()["id"])
    return client.get(response.get_json()["download_url"], headers=headers)
