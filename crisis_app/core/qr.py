"""QR codes as inline SVG, for the posters that carry a public link (nothing fetched, nothing stored)."""

from __future__ import annotations

import segno


def qr_svg(link: str, *, scale: int = 4, title: str = "QR code du lien") -> str:
    """The QR code of ``link`` as inline SVG."""
    return segno.make(link, error="m").svg_inline(scale=scale, title=title)
