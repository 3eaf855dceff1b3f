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
    all_crises: Callable[[], list[CrisisInfo]] = lambda: []


_provider = _Provider()


def register(*, current: Callable[[], CrisisInfo | None], get: Callable[[int], CrisisInfo | None],
             all_crises: Callable[[], list[CrisisInfo]]) -> None:
    _provider.current, _provider.get, _provider.all_crises = current, get, all_crises


def current() -> CrisisInfo | None:
    """The open crisis that is not an exercise, most recently opened first."""
    return _provider.current()


def get(crisis_id: int) -> CrisisInfo | None:
    return _provider.get(crisis_id)


def all_crises() -> list[CrisisInfo]:
    return _provider.all_crises()
