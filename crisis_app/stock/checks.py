"""The daily check: items under their threshold, lots expiring soon; the findings replace the previous ones and
are sent to the référents, all in one unit of work (a failed send leaves the previous findings and sends nothing)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from crisis_app.core import audit
from crisis_app.core.db import atomic, db, utcnow
from crisis_app.core.formats import pluriel
from crisis_app.core.notifications import outbox
from crisis_app.directory import contacts
from crisis_app.stock import query
from crisis_app.stock.models import StockLot, StockWarning, WarningKind


def threshold_warning(stock: query.ItemStock) -> StockWarning | None:
    """A warning when an active item is under its threshold (an alert when none is left)."""
    item = stock.item
    if not item.active or not stock.below_threshold:
        return None
    if stock.quantity == 0:
        return StockWarning(kind=WarningKind.BELOW_THRESHOLD, item_id=item.id, tone="alert",
                            message=f"{item.name} : stock épuisé (seuil d'alerte {item.alert_threshold})")
    return StockWarning(kind=WarningKind.BELOW_THRESHOLD, item_id=item.id, tone="warn",
                        message=f"{item.name} : {stock.quantity} × {item.unit}, sous le seuil d'alerte "
                                f"({item.alert_threshold})")


def expiry_warning(lot: StockLot, *, today: date, days: int) -> StockWarning | None:
    """A warning for a lot that still holds something and expires within ``days`` (an alert once expired)."""
    if lot.quantity <= 0 or lot.expires_on is None or (lot.expires_on - today).days > days:
        return None
    where = f"{lot.item.name} ({lot.location.name}{', lot ' + lot.lot_number if lot.lot_number else ''})"
    if lot.expires_on < today:
        return StockWarning(kind=WarningKind.EXPIRED, item_id=lot.item_id, lot_id=lot.id, tone="alert",
                            message=f"{where} : {pluriel(lot.quantity, 'périmé', 'périmés')} "
                                    f"depuis le {lot.expires_on:%d/%m/%Y}")
    return StockWarning(kind=WarningKind.EXPIRING, item_id=lot.item_id, lot_id=lot.id, tone="warn",
                        message=f"{where} : {lot.quantity} expirent le {lot.expires_on:%d/%m/%Y}")


@atomic()
def run_daily_check(*, today: date | None = None, warning_days: int = query.DEFAULT_EXPIRY_WARNING_DAYS
                    ) -> list[StockWarning]:
    """Flag items under their threshold and lots expiring within ``warning_days``; replace the last findings."""
    today = today or utcnow().date()
    found = [w for s in query.item_stocks() if (w := threshold_warning(s))]
    found += [w for lot in query.lots() if (w := expiry_warning(lot, today=today, days=warning_days))]
    now = utcnow()
    db.session.execute(sa.delete(StockWarning))
    for warning in found:
        warning.checked_at = now
        db.session.add(warning)
    audit.record(actor=None, action="stock.check", object_type="stock", summary=(
        f"Contrôle du stock : {pluriel(len(found), 'alerte', 'alertes')} (péremption à {warning_days} jours)"))
    return found


TOPIC = "stock.warnings"
outbox.TOPIC_LABELS[TOPIC] = "Contrôle du stock"


class _NobodyToTell(Exception):
    """The message reached nobody: it is not kept."""


@atomic()
def notify_referents(found: list[StockWarning]) -> int:
    """Send the day's warnings to the directory's référents and suppléants (e-mail first, else SMS).

    Returns how many people the message went to (0 when nothing is wrong, nobody is reachable, or no channel is
    configured: the warnings still show on the home page).
    """
    if not found:
        return 0
    channels = ("email", "sms")
    lines = "\n".join(f"- {w.message}" for w in found)
    try:
        with atomic(savepoint=True):
            message = outbox.send_message(
                topic=TOPIC, subject=f"Stock : {pluriel(len(found), 'alerte', 'alertes')}",
                sms_text=(f"Stock de crise : {pluriel(len(found), 'alerte', 'alertes')} (seuils, péremptions). "
                          "Détail sur Vigie.").replace("\u00a0", " "),  # GSM-7: no non-breaking space
                email_text=f"Bonjour,\n\nLe contrôle quotidien du stock signale :\n{lines}\n\nVigie",
                recipients=contacts.recipients_for(contacts.crisis_referents(), channels), channels=channels,
                first_channel_only=True, label="Référents crise (contrôle du stock)", about=("stock", 0))
            if not message.delivery_count:  # no delivery: nothing was queued after the commit either
                raise _NobodyToTell
    except _NobodyToTell:
        return 0
    audit.record(actor=None, action="stock.notify", object_type="message", object_id=message.id,
                 summary=f"Message « {message.subject} » envoyé à "
                         f"{pluriel(message.recipient_count, 'référent', 'référents')}")
    return message.recipient_count


@atomic()
def check_and_notify(*, warning_days: int = query.DEFAULT_EXPIRY_WARNING_DAYS) -> tuple[list[StockWarning], int]:
    """The daily check and its message to the référents, one unit of work: whole or nothing.

    Returns the findings and how many people the message went to."""
    found = run_daily_check(warning_days=warning_days)
    return found, notify_referents(found)
