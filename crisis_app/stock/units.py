"""Quantities said with their unit, in French: « 20 boîtes de 20 = 400 masques »."""

from __future__ import annotations

INVARIABLE_ENDINGS = ("s", "x", "z")


def plural(phrase: str, quantity: int) -> str:
    """The phrase's first word in the plural when ``quantity`` > 1: « boîte de 20 » → « boîtes de 20 »."""
    if quantity <= 1 or not phrase:
        return phrase
    first, _, rest = phrase.partition(" ")
    if not first.endswith(INVARIABLE_ENDINGS):
        first += "s"
    return f"{first} {rest}".strip()


def quantity_text(quantity: int, unit: str) -> str:
    """« 20 boîtes de 20 », « 1 flacon de 500 mL »."""
    return f"{quantity} {plural(unit, quantity)}"


def content_text(quantity: int, pack_size: int | None, pack_content: str | None) -> str:
    """What the packs hold in all, « 400 masques », or "" when the item has no per-pack count."""
    if not pack_size or not pack_content:
        return ""
    total = quantity * pack_size
    return f"{total} {plural(pack_content, total)}"


def handed_out_text(quantity: int, unit: str, pack_size: int | None, pack_content: str | None) -> str:
    """« 20 boîtes de 20 = 400 masques », or « 3 flacons de 500 mL » without a per-pack count."""
    packs = quantity_text(quantity, unit)
    content = content_text(quantity, pack_size, pack_content)
    return f"{packs} = {content}" if content else packs
