"""Numbers, percents, durations and plurals as a French reader writes them, from Babel's CLDR data.

One home for what every page, PDF and message prints: ``12,5`` not ``12.5``, ``100 %`` not ``100.0 %``,
``1 h 05`` not ``1.08 h``, ``73 boîtes`` and ``1 boîte`` (French says ``0 boîte``: CLDR's plural rule for ``fr``).
In templates: ``{{ x|nombre }}``, ``{{ r|pourcent }}``, ``{{ d|duree }}``, ``{{ n|pluriel("boîte", "boîtes") }}``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from babel import Locale
from babel.dates import format_timedelta
from babel.numbers import format_decimal, format_percent

LOCALE = Locale.parse("fr_FR")


def nombre(value: int | float | Decimal | None, decimals: int | None = None) -> str:
    """``1 234,5``; ``decimals`` fixes the digits after the comma (``12,50``); ``""`` for ``None``."""
    if value is None:
        return ""
    if decimals is None:
        return format_decimal(value, locale=LOCALE)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def pourcent(ratio: float | Decimal | None, decimals: int = 0) -> str:
    """A ratio (0.5) as ``50 %``; ``decimals`` digits after the comma at most (``12,5 %``)."""
    if ratio is None:
        return ""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "") + "\u00a0%"
    return format_percent(ratio, format=pattern, locale=LOCALE)


def duree(value: timedelta | int | float | None) -> str:
    """A duration as read on a French page: ``45 s``, ``12 min``, ``1 h 05``, ``26 h 10``, ``3 jours``.

    ``value`` is a ``timedelta`` or a number of seconds. Under a minute and at two days or more, Babel's own
    wording (rounded to the unit); in between, hours and zero-padded minutes, the way a journal reads times.
    """
    if value is None:
        return ""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    seconds = max(0, round(seconds))
    if seconds < 60:
        return format_timedelta(timedelta(seconds=seconds), granularity="second", threshold=1,
                                format="short", locale=LOCALE).replace(" ", "\u00a0")
    if seconds >= 48 * 3600:
        return format_timedelta(timedelta(seconds=seconds), granularity="day", threshold=1,
                                format="long", locale=LOCALE).replace(" ", "\u00a0")
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes}\u00a0min"
    return f"{hours}\u00a0h\u00a0{minutes:02d}"


def plural_form(count: int | float | Decimal) -> str:
    """CLDR's category for ``count`` in French: ``one`` (0, 1, 1,5) or ``other`` (or ``many`` for millions)."""
    return LOCALE.plural_form(count)


def pluriel(count: int | float | Decimal | None, singular: str, plural: str, *, with_count: bool = True) -> str:
    """``1 boîte``, ``0 boîte``, ``73 boîtes``, ``1 500 boîtes`` (the count formatted by :func:`nombre`)."""
    count = count or 0
    word = singular if plural_form(count) == "one" else plural
    return f"{nombre(count)}\u00a0{word}" if with_count else word


def register_filters(app) -> None:
    """The formats as Jinja filters, in every template and PDF."""
    app.add_template_filter(nombre, "nombre")
    app.add_template_filter(pourcent, "pourcent")
    app.add_template_filter(duree, "duree")
    app.add_template_filter(pluriel, "pluriel")
