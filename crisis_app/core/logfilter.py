"""Access logs that keep no secret and no declarer: a filter on werkzeug's (``make run``) and gunicorn's access logs.

* A secret carried in a path (the anonymous declarer's follow-up link ``/suivi/<secret>``, the public declaration
  link ``/declarer/<token>``, an answer link ``/r/<token>``, a password link ``/mot-de-passe/<token>``, a contact
  confirmation ``/confirmer/<token>``, a survey's personal link ``/questionnaire/<token>`` or a cabinet's
  satisfaction link ``/avis/<token>``) is masked wherever the line holds it: whoever reads the log cannot open the
  page nor act as its owner.
* A request about a declaration or a survey answer (the public page, ``/qualite/declarer``, the API's
  ``adverse-events``, the follow-up pages, the questionnaires) is logged without the client's address, user agent,
  referrer or exact time, and with its status class only (a 201 told an anonymous declaration from a named one's
  302).

``install()`` adds the filter to both loggers (``wsgi.py`` calls it); it is idempotent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping

MASK = "[masqué]"
_SECRET_PATH = re.compile(r"(/(?:suivi|declarer|mot-de-passe|confirmer|r|questionnaire|avis)/)[^\s/?#\"]+")
_DECLARATION = re.compile(r"/(?:suivi|declarer|questionnaire|avis)/|/qualite/declarer\b|/qualite/mes-declarations|"
                          r"/adverse-events\b")
# werkzeug's line: "<address> - - [<time>] " then the message with its arguments.
_WERKZEUG_PREFIX = re.compile(r"^\S+ - - \[[^\]]*\]")
# gunicorn's atoms that say who or when: address, user agent, referrer, time, and the headers/environ holding them.
_WHO = ("h", "a", "f", "t", "u")
_WHO_KEYS = re.compile(r"^\{(?:x-forwarded-for|x-real-ip|forwarded|user-agent|referer|cookie|remote_addr|"
                       r"remote_port|http_x_forwarded_for|http_x_real_ip|http_forwarded|http_user_agent|"
                       r"http_referer|http_cookie|authorization|http_authorization)\}[ie]$", re.IGNORECASE)
LOGGERS = ("werkzeug", "gunicorn.access")


def mask(text: str) -> str:
    """``text`` with the secret of a follow-up or declaration path masked."""
    return _SECRET_PATH.sub(lambda m: m.group(1) + MASK, text)


def _status_class(value) -> str:
    text = str(value)
    return f"{text[0]}xx" if text[:1].isdigit() else text


class AccessLogFilter(logging.Filter):
    """Rewrites access-log records in place (never drops them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, MutableMapping):  # gunicorn: one dict of atoms
            self._gunicorn(args)
        elif isinstance(args, tuple) and args:  # werkzeug: (request line, status, size)
            record.args = self._werkzeug(record, args)
        elif isinstance(record.msg, str):
            record.msg = mask(record.msg)
        return True

    @staticmethod
    def _werkzeug(record: logging.LogRecord, args: tuple) -> tuple:
        line = " ".join(str(a) for a in args[:1])
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        masked = [mask(a) if isinstance(a, str) else a for a in args]  # every secret path, declaration or not
        if not _DECLARATION.search(line):
            return tuple(masked)
        if isinstance(record.msg, str):
            record.msg = _WERKZEUG_PREFIX.sub("- - - [-]", record.msg)
        if len(masked) > 1:
            masked[1] = _status_class(masked[1])
        return tuple(masked)

    @staticmethod
    def _gunicorn(atoms: MutableMapping) -> None:
        request = f"{atoms.get('r', '')} {atoms.get('U', '')}"
        for key, value in list(atoms.items()):
            if isinstance(value, str) and _SECRET_PATH.search(value):
                dict.__setitem__(atoms, key, mask(value))
        if not _DECLARATION.search(request):
            return
        for key in list(atoms.keys()):
            if key in _WHO or _WHO_KEYS.match(str(key)):
                dict.__setitem__(atoms, key, "-")
        if "s" in atoms:
            dict.__setitem__(atoms, "s", _status_class(atoms["s"]))


_FILTER = AccessLogFilter()


def install() -> None:
    """Add the filter to werkzeug's and gunicorn's access loggers (once)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
