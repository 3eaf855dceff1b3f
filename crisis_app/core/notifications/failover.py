"""SMS provider failover: a second SMS provider (another company, or a local GSM gateway such as ``smseagle://`` for
when the internet is down), which provider sends now, and when Vigie switches.

**Never twice through both.** A delivery is claimed for one provider (``Delivery.provider``). It may go to the other
only when its try surely did not leave (``may_move``): no connection could be opened (refused, no route, unknown
host, connect timeout), or the provider answered 503, 429, 408 or 425 — it refused the request before acting on it.
After a read timeout, a connection dropped once the request was written, or a 500/502/504, the provider may have
taken the SMS: the delivery stays with that provider, and its retries go there with the same reference (which
providers that deduplicate use). A delivery left in ``sending`` by a killed worker stays with its provider too.

**When to switch** (pure rules below, time passed in): after ``SMS_FAILOVER_ERRORS`` failed tries in a row on the
active provider (temporary failures: a refusal of one message, such as a bad number, says nothing of the provider);
or when more than ``SMS_FAILOVER_UNSENT_SHARE`` of the SMS queued between an hour and ``SMS_FAILOVER_UNSENT_AFTER``
seconds ago are still unsent (a provider that accepts slowly or not at all). **Back** to the primary after
``SMS_FAILBACK_AFTER`` seconds on the backup (the quiet period); if the primary still fails, the error rule moves
the SMS again. Each switch is a ``ProviderSwitch`` row, an audit row and the ``provider_switched`` signal, sent in
the engine's transaction (a higher package, such as crises for its journal de bord, subscribes to it)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app

from crisis_app.core import audit
from crisis_app.core.db import db
from crisis_app.core.labels import LabelledStrEnum
from crisis_app.core.notifications.base import TransportError
from crisis_app.core.notifications.models import Delivery, DeliveryState, ProviderSwitch
from crisis_app.core.notifications.providerstate import DbStore, RedisStore, State

log = logging.getLogger(__name__)
SMS = "sms"

_signals = Namespace()
# sender: the channel ("sms"); keyword arguments: previous, provider (Provider), reason, at (UTC), summary (French)
provider_switched = _signals.signal("provider-switched")


class Provider(LabelledStrEnum):
    PRIMARY = "primary", "fournisseur principal"
    BACKUP = "backup", "fournisseur de secours"


PRIMARY, BACKUP = Provider.PRIMARY, Provider.BACKUP


@dataclass(frozen=True)
class Rules:
    errors: int  # failed tries in a row that switch
    unsent_share: float  # share of SMS still unsent that switches…
    unsent_after: timedelta  # …this long after they were queued
    quiet: timedelta  # time on the backup before trying the primary again

    @classmethod
    def from_config(cls, config) -> Rules:
        return cls(errors=config["SMS_FAILOVER_ERRORS"], unsent_share=config["SMS_FAILOVER_UNSENT_SHARE"],
                   unsent_after=timedelta(seconds=config["SMS_FAILOVER_UNSENT_AFTER"]),
                   quiet=timedelta(seconds=config["SMS_FAILBACK_AFTER"]))


# --- pure rules ---------------------------------------------------------------------------------------------------

def other(provider: str) -> Provider:
    return BACKUP if provider == PRIMARY else PRIMARY


def may_move(error: TransportError) -> bool:
    """The try surely did not leave, so the other provider may send this delivery (never a message that may have)."""
    return error.unsent and not error.permanent


def errors_in_row(outcomes: list[bool]) -> tuple[bool, int]:
    """From one batch's outcomes in order (True: sent, False: a temporary failure): whether the count restarts (a
    success came) and the failures after the last success."""
    trailing = 0
    for ok in reversed(outcomes):
        if ok:
            break
        trailing += 1
    return trailing < len(outcomes), trailing


def switch_for_errors(count: int, provider: str, rules: Rules) -> str | None:
    """The reason to leave ``provider`` after ``count`` failed tries in a row, or None."""
    if count >= rules.errors:
        return f"{count} envois de suite en échec chez le {Provider(provider).label}"
    return None


def switch_for_backlog(unsent: int, total: int, rules: Rules) -> str | None:
    """The reason to leave the primary when too many SMS queued long enough ago are still unsent, or None."""
    if total and unsent / total > rules.unsent_share:
        minutes = round(rules.unsent_after.total_seconds() / 60)
        return f"{unsent} SMS sur {total} toujours en attente après {minutes} min"
    return None


def fail_back_due(state: State, now: datetime, rules: Rules) -> bool:
    """On the backup for the whole quiet period: time to try the primary again."""
    return state.active == BACKUP and (state.since is None or now - state.since >= rules.quiet)


# --- state, shared by the workers ---------------------------------------------------------------------------------

def configured() -> bool:
    """Two SMS providers are configured and messages really leave (not the built-in outbox)."""
    config = current_app.config
    return bool(config["SMS_URL"] and config["SMS_BACKUP_URL"]) and config["DELIVERY_MODE"] == "live"


def store() -> DbStore | RedisStore:
    ext = current_app.extensions
    if "vigie_provider_store" not in ext:
        url = current_app.config["REDIS_URL"]
        ext["vigie_provider_store"] = RedisStore(url) if url else DbStore()
    return ext["vigie_provider_store"]


def provider_url(provider: str) -> str:
    return current_app.config["SMS_BACKUP_URL" if provider == BACKUP else "SMS_URL"]


def provider_host(provider: str) -> str:
    """What a page may show of a provider's URL: its kind and host, never its credentials or path."""
    parts = urlsplit(provider_url(provider))
    return f"{parts.scheme}://{parts.hostname or ''}" if parts.scheme else ""


def current(channel: str, now: datetime) -> State:
    """The channel's state, switched back to the primary first when the quiet period is over."""
    if channel != SMS or not configured():
        return State()
    state = store().read(channel)
    rules = Rules.from_config(current_app.config)
    if fail_back_due(state, now, rules):
        quiet = round(rules.quiet.total_seconds() / 60)
        switch(channel, BACKUP, PRIMARY, f"retour au fournisseur principal après {quiet} min sur le secours", now)
        state = store().read(channel)
    return state


def observe(channel: str, provider: str, outcomes: list[bool], now: datetime, *, had_errors: bool) -> str:
    """Count one batch's tries on ``provider`` and switch when the rule says so; the provider active afterwards.

    ``had_errors``: the state read before the batch counted failures (a batch of successes then resets it)."""
    restart, trailing = errors_in_row(outcomes)
    if not trailing and not (restart and had_errors):
        return provider
    count = store().observe(channel, provider, reset=restart, add=trailing, now=now)
    if count is not None:
        reason = switch_for_errors(count, provider, Rules.from_config(current_app.config))
        if reason:
            switch(channel, provider, other(provider), reason, now)
    return store().read(channel).active


def switch(channel: str, expected: str, to: str, reason: str, now: datetime) -> bool:
    """Make ``to`` the channel's provider if ``expected`` still is; the one caller that did writes the switch (row,
    audit, signal) into its transaction."""
    if not store().switch(channel, expected, to, reason, now):
        return False
    summary = f"SMS : passage au {Provider(to).label} ({reason})"
    db.session.add(ProviderSwitch(channel=channel, from_provider=expected, to_provider=to, reason=reason[:300],
                                  at=now))
    audit.record(actor=None, action="outbox.provider_switch", object_type="channel", object_id=channel,
                 summary=summary, changes={"from": expected, "to": str(to), "reason": reason})
    log.warning("%s", summary)
    provider_switched.send(channel, previous=Provider(expected), provider=Provider(to), reason=reason, at=now,
                           summary=summary)
    return True


def check(now: datetime) -> str | None:
    """The sweeper's step: back to the primary after the quiet period, or to the backup when too many SMS wait."""
    if not configured():
        return None
    state = current(SMS, now)
    if state.active != PRIMARY:
        return state.active
    rules = Rules.from_config(current_app.config)
    unsent = Delivery.state.in_((DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.TEMPORARY_FAILURE))
    # the usual case, nothing waiting, is answered through the state index; the window is counted only when some wait
    window = sa.and_(Delivery.channel == SMS, Delivery.created_at >= now - timedelta(hours=1),
                     Delivery.created_at <= now - rules.unsent_after)
    if db.session.scalar(sa.select(Delivery.id).where(unsent, window).limit(1)) is None:
        return PRIMARY
    total, waiting = db.session.execute(sa.select(sa.func.count(), sa.func.count().filter(unsent))
                                        .where(window)).one()
    reason = switch_for_backlog(waiting, total, rules)
    if reason and switch(SMS, PRIMARY, BACKUP, reason, now):
        return BACKUP
    return PRIMARY


def status(now: datetime) -> dict:
    """What /healthz and the outbox pages say: which provider sends, since when and why (ok: the primary does)."""
    if not current_app.config["SMS_BACKUP_URL"]:
        return {"ok": True, "failover": False, "active": str(PRIMARY)}
    state = store().read(SMS) if configured() else State()
    return {"ok": state.active == PRIMARY, "failover": True, "active": str(state.active),
            "active_label": Provider(state.active).label, "host": provider_host(state.active),
            "since": state.since.isoformat() if state.since else None, "reason": state.reason,
            "errors_in_row": state.errors_in_row, "store": store().name}


def switches(start: datetime | None = None, end: datetime | None = None, limit: int = 20) -> list[ProviderSwitch]:
    """The switches between two times (a message's sending), newest first."""
    query = sa.select(ProviderSwitch).order_by(ProviderSwitch.at.desc()).limit(limit)
    if start is not None:
        query = query.where(ProviderSwitch.at >= start)
    if end is not None:
        query = query.where(ProviderSwitch.at <= end)
    return list(db.session.scalars(query))


def message_providers(message_id: int, now: datetime) -> dict | None:
    """For a message's page (the outbox's, an alert's): its SMS counted per provider, the switches while it was
    being sent, and the provider active now; None when no backup provider is configured."""
    if not current_app.config["SMS_BACKUP_URL"]:
        return None
    rows = db.session.execute(
        sa.select(Delivery.provider, sa.func.count(), sa.func.min(Delivery.created_at), sa.func.max(Delivery.sent_at))
        .where(Delivery.message_id == message_id, Delivery.channel == SMS, Delivery.state != DeliveryState.QUEUED)
        .group_by(Delivery.provider)).all()
    sent_by = {Provider(p).label: n for p, n, _, _ in rows if p}
    starts = [start for _, _, start, _ in rows if start]
    ends = [end for _, _, _, end in rows if end]
    during = switches(min(starts), max(ends) if ends else now) if starts else []
    state = status(now)
    since = datetime.fromisoformat(state["since"]) if state.get("since") else None
    return {"sent_by": sent_by, "switches": during, "status": state, "since": since, "labels": labels_of_providers()}


def labels_of_providers() -> dict[str, str]:
    return {p.value: p.label for p in Provider}
