"""The home page is a list of cards; each domain registers the cards its roles need."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crisis_app.core.models import User


@dataclass(frozen=True)
class Card:
    title: str
    value: str
    detail: str = ""
    url: str | None = None
    action: str | None = None
    tone: str = "neutral"  # neutral | ok | warn | alert


CardProvider = Callable[[User], Iterable[Card]]
_PROVIDERS: list[tuple[int, str, CardProvider]] = []


def card_provider(permission: str, *, order: int = 50) -> Callable[[CardProvider], CardProvider]:
    """Register ``func`` to add cards for users whose role holds ``permission``; low ``order`` first."""

    def decorator(func: CardProvider) -> CardProvider:
        _PROVIDERS.append((order, permission, func))
        _PROVIDERS.sort(key=lambda entry: entry[0])
        return func

    return decorator


def cards_for(user: User) -> list[Card]:
    return [card for _, permission, provider in _PROVIDERS if user.may(permission) for card in provider(user)]
