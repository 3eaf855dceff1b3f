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
