"""One rule for single-line text, in forms and JSON bodies."""

import pytest
from marshmallow import Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField

from crisis_app.core.singleline import MESSAGE, SingleLine, single_line


class _Body(Schema):
    title = fields.String(validate=single_line)


class _Form(Form):
    title = StringField(validators=[SingleLine()])


@pytest.mark.parametrize("bad", ["Réunion\nCREX", "a\rb", "tab\there", "nul\x00", "sep\u2028x", "c1\x85"])
def test_line_breaks_and_controls_are_refused_with_a_french_message(bad):
    with pytest.raises(ValidationError) as caught:
        _Body().load({"title": bad})
    assert caught.value.messages == {"title": [MESSAGE]}
    form = _Form(MultiDict({"title": bad}))
    assert not form.validate()
    assert form.errors == {"title": [MESSAGE]}


@pytest.mark.parametrize("good", ["CREX de décembre — Muret", "Mme X, 2e étage", "https://visio.example/abc?x=1", ""])
def test_ordinary_text_passes(good):
    assert _Body().load({"title": good}) == {"title": good}
    assert _Form(MultiDict({"title": good})).validate()
