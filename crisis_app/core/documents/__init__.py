"""Documents made in the background and kept until their source changes (PDFs of journals, RETEX, EIGS…).

A domain registers a maker per kind, with who may read it; a view asks for the document of one source:

    @documents.maker("journal", may_read=..., filename=lambda key: f"journal-crise-{key}.pdf", title="…")
    def make_journal(key: str, progress: Callable[[int], None]) -> bytes: ...

    doc = documents.request(kind="journal", key=str(crisis.id), fingerprint=fingerprint(crisis), actor=user)
    return documents.respond(doc)   # the file when kept, else the wait page (progress bar) until a worker made it

The fingerprint is a cheap value read from the source rows (a count, a last hash, an updated_at): the same
fingerprint gives the kept document, a changed one makes a new document.
"""

from crisis_app.core.documents.jobs import download, fingerprint, request, respond, retry, run, status
from crisis_app.core.documents.registry import Kind, kind_of, maker

__all__ = ["Kind", "download", "fingerprint", "kind_of", "maker", "request", "respond", "retry", "run", "status"]
