"""Read an HTML form the way a browser would submit it, so tests post what a page shows."""
from __future__ import annotations

import re
from html.parser import HTMLParser


class FormReader(HTMLParser):
    """Collects the successful controls of the first <form method=post> in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form or "name" not in a:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # Browsers drop the single newline that follows <textarea>.
            self.fields.append((self._textarea, re.sub(r"^\r?\n", "", self._text)))
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def read_form(html: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would post from the page's form."""
    reader = FormReader()
    reader.feed(html)
    return reader.fields
