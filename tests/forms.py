"""Read an HTML form the way a browser would submit it, so tests post what a page shows."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict


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


def submission(client, protocol_id: int) -> MultiDict:
    """What the review page's submit form posts when the drafter ticks 'leeg laten' for every open placeholder."""
    page = client.get(f"/protocols/{protocol_id}/review").get_data(as_text=True)
    form = re.search(r'<form method="post" action="[^"]*/submit">(.*?)</form>', page, re.S)
    assert form, "the review page has no submit form"
    fields = read_form(f'<form method="post">{form.group(1)}</form>')
    return MultiDict(fields + [("leave_blank", ref) for ref in re.findall(r'name="leave_blank" value="([^"]+)"', form.group(1))])
