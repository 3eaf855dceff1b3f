"""Vigie's own journal lines: alerts sent, cancelled or ended, equipment handed out during a crisis, and the SMS
provider switched (failover) while a crisis is open.

The alerts and stock packages send signals (they may not import crises); these receivers write the journal entry
in the sender's session, so it commits (or rolls back) with the sender's change.
"""

from __future__ import annotations

from crisis_app.alerts import signals as alert_signals
from crisis_app.core.db import db
from crisis_app.core.models import User
from crisis_app.core.notifications import failover
from crisis_app.crises import journal
from crisis_app.crises.models import Crisis, EntryKind
from crisis_app.stock import signals as stock_signals


def _write(kind: EntryKind, crisis_id: int | None, summary: str, actor: User | None) -> None:
    if not crisis_id or not summary:
        return
    crisis = db.session.get(Crisis, crisis_id)
    if crisis is not None:  # a closed crisis still takes what Vigie saw happen (an alert's end, a late hand-out)
        journal.append(crisis=crisis, actor=actor, kind=kind, text=summary)


def on_alert(sender, *, crisis_id: int | None = None, summary: str = "", actor: User | None = None, **_) -> None:
    _write(EntryKind.ALERT, crisis_id, summary, actor)


def on_handed_out(sender, *, crisis_id: int | None = None, summary: str = "", actor: User | None = None,
                  **_) -> None:
    _write(EntryKind.EQUIPMENT, crisis_id, summary, actor)


def on_provider_switched(sender, *, summary: str = "", **_) -> None:
    """The SMS provider changed (failover): every open crisis's journal says so, at the time it happened."""
    from crisis_app.crises.services import open_crises

    for crisis in open_crises():
        journal.append(crisis=crisis, actor=None, kind=EntryKind.ALERT, text=summary)


def connect() -> None:
    """Subscribe (idempotent: blinker keeps one connection per receiver)."""
    for signal in (alert_signals.alert_sent, alert_signals.alert_cancelled, alert_signals.alert_ended,
                   alert_signals.alert_complemented, alert_signals.alert_mobilised):
        signal.connect(on_alert)
    stock_signals.handed_out.connect(on_handed_out)
    failover.provider_switched.connect(on_provider_switched)
