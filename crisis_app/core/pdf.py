"""The one way a PDF is made: WeasyPrint over HTML, fetching nothing but the files the application ships.

A free text that reaches a document (a journal line, a RETEX, minutes…) may carry ``<img src="file:///etc/passwd">``
or a stylesheet on some server: rendering must neither read the machine's files nor call anyone (SSRF). The
fetcher below serves ``file:`` URLs under ``templates/`` and ``crisis_app/static/`` and refuses everything else
(other files, ``http(s)``, ``data:``, ``ftp``…); WeasyPrint then leaves the resource out and the PDF is made.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
SHIPPED = (TEMPLATES, ROOT / "crisis_app" / "static")


def shipped_file(url: str) -> Path | None:
    """The file a ``file:`` URL names if the application ships it (symlinks and ``..`` resolved), else None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if any(path.is_relative_to(root) for root in SHIPPED) and path.is_file():
        return path
    return None


@cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # imported here: WeasyPrint loads Pango

    class ShippedFilesOnly(URLFetcher):
        """A WeasyPrint fetcher that opens no socket and reads no file outside the application's own assets."""

        def __init__(self):
            super().__init__(allowed_protocols=("file",), allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            path = shipped_file(url)
            if path is None:
                self.refused.append(url)
                log.warning("PDF: outside resource refused: %s", url[:120])
                raise ValueError(f"outside resource refused: {url[:80]}")
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})

    return ShippedFilesOnly


def shipped_files_fetcher():
    """A new fetcher refusing all but the shipped files; ``.refused`` lists the URLs it turned down."""
    return _fetcher_class()()


def render_pdf(html: str, *, stylesheets: Sequence[str] = ()) -> bytes:
    """``html`` (and extra CSS texts) as PDF bytes; relative URLs resolve under ``templates/``."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time the other pages do not need

    fetcher = shipped_files_fetcher()
    base_url = TEMPLATES.as_uri() + "/"
    css = [CSS(string=text, base_url=base_url, url_fetcher=fetcher) for text in stylesheets]
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(stylesheets=css)
