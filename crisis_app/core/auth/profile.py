"""What other domains attach to an account page: the directory entry linked to it, for instance.

Core knows no domain: a domain registers a provider in its ``init_app`` (``LINKED_PROVIDERS.append(...)``); the
account page (``/mon-compte``) and the coordinator's account page show what the providers return, each link only
where the reader may open it (``may_open``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from crisis_app.core.models import User


@dataclass(frozen=True)
class Linked:
    label: str  # "Fiche de l'annuaire"
    text: str  # "Dr Anne Martin, Infirmier"
    own_endpoint: str | None = None  # where the account's owner opens it
    own_args: dict = field(default_factory=dict)
    manager_endpoint: str | None = None  # where the coordinator opens it
    manager_args: dict = field(default_factory=dict)


LINKED_PROVIDERS: list[Callable[[User], list[Linked]]] = []


def linked_to(user: User) -> list[Linked]:
    return [item for provider in LINKED_PROVIDERS for item in provider(user)]
