"""Read a page's POST form as a browser would submit it untouched: what it shows is what it sends."""

from __future__ import annotations

from html.parser import HTMLParser

TEXT_INPUTS = {"text", "tel", "email", "date", "hidden", "number", "search", "url", "password", ""}


class _FormReader(HTMLParser):
    def __init__(self, index: int):
        super().__init__(convert_charrefs=True)
        self.index, self.seen = index, -1
        self.inside = False
        self.pairs: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.seen += 1
            self.inside = self.seen == self.index
            return
        if not self.inside or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "").lower()
            if kind in TEXT_INPUTS:
                self.pairs.append((a["name"], a.get("value") or ""))
            elif kind in ("checkbox", "radio") and "checked" in a:
                self.pairs.append((a["name"], a.get("value") or "on"))
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = {"value": value, "text": ""}
            if self._select["first"] is None:
                self._select["first"] = self._option
            if "selected" in a and self._select["chosen"] is None:
                self._select["chosen"] = self._option
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            option = self._select["chosen"] or self._select["first"]
            if option is not None:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self.pairs.append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # browsers drop the newline that directly follows <textarea>
            text = self._textarea["text"]
            self.pairs.append((self._textarea["name"], text[1:] if text.startswith("\n") else text))
            self._textarea = None


def post_fields(page: str, index: int = 0) -> list[tuple[str, str]]:
    """The (name, value) pairs the ``index``-th POST form of ``page`` sends when submitted untouched."""
    reader = _FormReader(index)
    reader.feed(page)
    return reader.pairs


def form_index(page: str, marker: str) -> int:
    """The index among POST forms of the first one whose markup contains ``marker``."""
    lowered = page.lower()
    count = 0
    position = 0
    while (start := lowered.find("<form", position)) != -1:
        end = lowered.find("</form>", start)
        chunk = page[start:end]
        head = chunk[:chunk.find(">")].lower()
        if 'method="post"' in head or "method='post'" in head:
            if marker in chunk:
                return count
            count += 1
        position = start + 5
    raise AssertionError(f"no POST form containing {marker!r}")
