"""The home page is a list of cards; each domain registers the cards its roles need."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from flask import url_for

from crisis_app.core.models import User
from crisis_app.core.roles import Role


@dataclass(frozen=True)
class Card:
    title: str
    value: str
    detail: str = ""
    url: str | None = None
    action: str | None = None
    # red ("alert") is kept for crises and alerts: a stale record or a low stock is "warn" at most
    tone: str = "neutral"  # neutral | ok | warn | alert
    # something happening now (an active crisis, a live alert): shown above every fixed card
    urgent: bool = False


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
    """The user's cards: urgent ones first, then in their providers' order."""
    cards = [card for _, permission, provider in _PROVIDERS if user.may(permission) for card in provider(user)]
    return sorted(cards, key=lambda card: not card.urgent)  # sorted() is stable: the order holds within each rank


# What each role can expect from Vigie next, for the roles whose page would otherwise say little of it.
@dataclass(frozen=True)
class _Expectation:
    card: Card
    link: tuple[str, str, str] | None = None  # (permission, endpoint, action)


EXPECTATIONS: dict[Role, _Expectation] = {
    Role.PROFESSIONAL: _Expectation(Card(
        title="Si une alerte arrive", value="SMS ou e-mail",
        detail="En cas de crise, la CPTS vous écrit aux coordonnées de votre fiche. Répondez « disponible » ou "
               "« pas disponible » depuis le lien du message, sans vous connecter.")),
    Role.CRISIS_CELL: _Expectation(Card(
        title="Si une crise est déclarée", value="Cellule de crise",
        detail="Le référent vous alerte par SMS ; la crise, sa gradation et les réponses s'affichent en tête de "
               "cette page. Le matériel se distribue depuis le stock."),
        link=("stock.distribute", "stock.distribution", "Distribuer du matériel")),
    Role.ARS_OBSERVER: _Expectation(Card(
        title="Après chaque crise", value="Évaluation (RETEX)",
        detail="La CPTS vous adresse son évaluation post-crise par e-mail, avec le PDF ; chaque évaluation "
               "envoyée s'affiche aussi sur cette page, avec son lien.")),
}


@card_provider("home.view", order=95)
def _what_comes_card(user: User):
    expectation = EXPECTATIONS.get(user.role)
    if expectation is None:
        return
    card = expectation.card
    if expectation.link and user.may(expectation.link[0]):
        permission, endpoint, action = expectation.link
        card = replace(card, url=url_for(endpoint), action=action)
    yield card
