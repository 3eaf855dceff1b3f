"""What lower packages (alerts, stock) may know of crises without importing them: the crises package
registers a provider at start-up; without it, there is simply no crisis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CrisisInfo:
    id: int
    title: str
    typology: int
    gradation: int
    is_exercise: bool
    active: bool


@dataclass
class _Provider:
    current: Callable[[], CrisisInfo | None] = lambda: None
    get: Callable[[int], CrisisInfo | None] = lambda _id: None
    open_crises: Callable[[], list[CrisisInfo]] = lambda: []
    all_crises: Callable[[], list[CrisisInfo]] = lambda: []


_provider = _Provider()


def register(*, current: Callable[[], CrisisInfo | None], get: Callable[[int], CrisisInfo | None],
             all_crises: Callable[[], list[CrisisInfo]],
             open_crises: Callable[[], list[CrisisInfo]] = lambda: []) -> None:
    _provider.current, _provider.get, _provider.all_crises = current, get, all_crises
    _provider.open_crises = open_crises


def current() -> CrisisInfo | None:
    """The open crisis that is not an exercise, most recently opened first."""
    return _provider.current()


def open_crises() -> list[CrisisInfo]:
    """Every open crisis, real ones first (newest first), then the exercises: several may run at once."""
    return _provider.open_crises()


def only_open_crisis() -> CrisisInfo | None:
    """The open crisis when exactly one is open and it is real; None when none or several are (a page that must
    tie something to a crisis then asks which one rather than picking the newest), or when only an exercise runs
    (a real message is never tied to an exercise by default)."""
    crises = open_crises()
    return crises[0] if len(crises) == 1 and not crises[0].is_exercise else None


def get(crisis_id: int) -> CrisisInfo | None:
    return _provider.get(crisis_id)


def all_crises() -> list[CrisisInfo]:
    return _provider.all_crises()
