"""Equipment stock: items, locations, lots and the movement ledger."""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the stock's pages, API, beat entries, home cards and demo data."""
