"""Single-line text: a title, a name, a link, an e-mail subject never holds a line break or a control character.

A line feed in a session title made every e-mail of it fail ("Header values may not contain linefeed"), a CR/LF in
a visio link broke the invitation. One rule, for forms (WTForms) and JSON bodies (marshmallow):
``validators=[SingleLine()]`` on a form field, ``validate=single_line`` on a schema field.
"""

from __future__ import annotations

import re
import unicodedata

from marshmallow import ValidationError as SchemaError
from wtforms.validators import ValidationError as FormError

MESSAGE = "Une seule ligne : retirez les retours à la ligne et les caractères de contrôle."
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def is_single_line(value: str | None) -> bool:
    """True when ``value`` holds no control character (tab included) and no line or paragraph separator."""
    if not value:
        return True
    return not _CONTROL.search(value) and not any(unicodedata.category(c) == "Cc" for c in value)


def single_line(value: str | None) -> None:
    """marshmallow validator."""
    if not is_single_line(value):
        raise SchemaError(MESSAGE)


class SingleLine:
    """WTForms validator."""

    def __init__(self, message: str = MESSAGE):
        self.message = message

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and not is_single_line(field.data):
            raise FormError(self.message)
