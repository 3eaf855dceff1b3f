"""Quality programme: EIAS register (declaration, triage, EIGS deadlines); later CREX/RMM sessions and actions.

Imports ``crisis_app.core`` and the directory's services only; the crisis side never imports this package.
"""

from __future__ import annotations


def init_app(app, api) -> None:
    """Register the quality pages, API, beat entry, home cards and demo data."""
    from quality import models  # noqa: F401 - tables
