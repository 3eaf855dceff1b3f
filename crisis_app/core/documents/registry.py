"""The makers of documents, one per kind, registered by the domains that own the sources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crisis_app.core.models import User

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Kind:
    """What core needs to make, name and guard one kind of document."""

    name: str
    make: Callable[[str, Progress], bytes]
    may_read: Callable[[User, str], bool]
    filename: Callable[[str], str]
    title: str
    mimetype: str = "application/pdf"


_KINDS: dict[str, Kind] = {}


def maker(kind: str, *, may_read: Callable[[User, str], bool], filename: Callable[[str], str], title: str,
          mimetype: str = "application/pdf"):
    """Register ``make(key, progress) -> bytes`` for ``kind``; ``may_read(user, key)`` guards every page of it."""

    def register(make: Callable[[str, Progress], bytes]):
        _KINDS[kind] = Kind(name=kind, make=make, may_read=may_read, filename=filename, title=title,
                            mimetype=mimetype)
        return make

    return register


def kind_of(name: str) -> Kind | None:
    return _KINDS.get(name)
