"""Alert presets per typology and gradation, offered to the alert composer.

The composer (alerts) may not import the plan, which holds the presets: the plan registers a provider here at
start-up (``plan.init_app``): a registry, because here a lower package hears from a higher one. The first provider
that answers something wins; with none, the composer uses the built-in presets of ``core.vocabulary``. A preset is a
``core.vocabulary.Preset``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

PresetProvider = Callable[[int | None, int | None], Sequence[Any]]
_PROVIDERS: list[PresetProvider] = []


def register_provider(fn: PresetProvider) -> PresetProvider:
    """Add ``fn(typology, gradation) -> presets``; registering twice is harmless."""
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)
    return fn


def presets(typology: int | None, gradation: int | None) -> list:
    """The presets for a typology and gradation (None: any), from the first provider that has some."""
    for provider in _PROVIDERS:
        found = list(provider(typology, gradation))
        if found:
            return found
    return []
