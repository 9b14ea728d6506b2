"""The French interface: a complete catalogue, no interface text outside gettext, and French pages without Dutch."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "policybuilder" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{[\w.]+\}")
# Text in templates that is the same in every language: the product's name and each language named in itself.
ALLOWED_TEXT = {"policybuilder", "Nederlands", "Français", "PDF", "Word", "docx", "pdf", "·", "—", "–", "×"}
# Attributes whose value a person reads or hears.
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
# Words that occur in almost every Dutch sentence and in no English operator message.
DUTCH_WORDS = {"de", "het", "een", "niet", "je", "jouw", "van", "zijn", "wordt", "werd", "geen", "kan", "deze", "dit",
               "naar", "voor", "bij", "ook", "nog", "wat", "wie", "er"}


def extracted() -> dict:
    """Every msgid of the code and the templates (singular, or (singular, plural)), with where it is."""
    method_map = [("policybuilder/**.py", "python"), ("templates/**.html", "jinja2")]
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords={**KEYWORDS}, options_map={"templates/**.html": {}}
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="fr")


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_msgid_has_a_french_translation_with_the_same_placeholders():
    french = catalogue()
    problems = []
    for msgid, where in extracted().items():
        message = french.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        if message is None or message.fuzzy:
            problems.append(f"{where}: no French for {msgid!r}")
            continue
        if isinstance(msgid, tuple):
            forms = message.string if isinstance(message.string, tuple) else ()
            if len(forms) != 2 or not all(forms):
                problems.append(f"{where}: plural {msgid[0]!r} needs both French forms")
                continue
            # The French singular may say "une" instead of %(num)s; the plural names every placeholder of the Dutch plural.
            if _placeholders(forms[1]) != _placeholders(msgid[1]) or not set(_placeholders(forms[0])) <= set(_placeholders(msgid[1])):
                problems.append(f"{where}: placeholders differ in {msgid[0]!r}")
        elif not message.string:
            problems.append(f"{where}: empty French for {msgid!r}")
        elif _placeholders(message.string) != _placeholders(msgid):
            problems.append(f"{where}: placeholders differ: {msgid!r} → {message.string!r}")
    assert not problems, "run `make catalogue`, then give the French:\n" + "\n".join(problems)


def test_the_catalogue_has_no_leftover_entries():
    live = {key[0] if isinstance(key, tuple) else key for key in extracted()}
    stale = [message.id for message in catalogue() if message.id and (message.id[0] if isinstance(message.id, tuple) else message.id) not in live]
    assert not stale, f"msgids no longer in the code (re-extract): {stale}"


class _TemplateText(HTMLParser):
    """Text nodes and read attributes of a template whose Jinja parts were blanked out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        for name, value in attrs:
            if name in READ_ATTRIBUTES or (name == "value" and tag == "input" and values.get("type") in ("submit", "button", "reset")):
                self.found.append(value or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


# Pieces of ids and values that a macro glues to a Jinja expression ("-help", "remove:"): code, not text.
CODE_PART = re.compile(r"(?<![\w-])-[a-z]+\b|\b[a-z]+:(?!\s*[^\W\d_])")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _bare_words(text: str) -> str:
    """What is left of ``text`` once allowed words and non-letters go: a real word means an untranslated string."""
    text = CODE_PART.sub(" ", text)
    words = [word for word in re.findall(r"[^\W\d_]{2,}", text) if word not in ALLOWED_TEXT]
    return " ".join(words)


@pytest.mark.parametrize("template", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.html")))
def test_no_template_text_escapes_gettext(template):
    source = (ROOT / template).read_text(encoding="utf-8")
    parser = _TemplateText()
    parser.feed(JINJA.sub(" ", source))
    bare = [text.strip() for text in parser.found if _bare_words(text)]
    assert not bare, f"{template}: text outside {{{{ _(…) }}}}: {bare}"


def _literals(node: ast.AST) -> Iterator[str]:
    """The text of the string literals that make up ``node`` (in lists, comprehensions, + and if-else), not inside a call."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        yield " ".join(part.value for part in node.values if isinstance(part, ast.Constant))
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            yield from _literals(element)
    elif isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        yield from _literals(node.elt)
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def _bare_dutch_literals(path: Path) -> list[str]:
    """Dutch string literals handed to flash(), abort(), an exception or a list of problems, outside gettext."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if not (name in ("flash", "abort", "Conflict", "append", "extend") or name.endswith(("Error", "Decided"))):
                continue
            arguments = node.args
        elif isinstance(node, ast.AugAssign) and getattr(node.target, "id", "") == "problems":
            arguments = [node.value]
        else:
            continue
        for argument in arguments:
            for text in _literals(argument):
                if DUTCH_WORDS & set(text.lower().split()):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:60]!r}")
    return found


# Known and listed in issue 12's report: the content validator (used by the CLI and the web alike) words its
# problems in Dutch without gettext; it needs its messages routed through the locale as a whole, not one by one.
NOT_YET_TRANSLATED: set[str] = set()


def test_no_python_message_escapes_gettext():
    found = [hit for path in sorted((ROOT / "policybuilder").rglob("*.py"))
             if path.relative_to(ROOT).as_posix() not in NOT_YET_TRANSLATED for hit in _bare_dutch_literals(path)]
    assert not found, "\n".join(found)


def test_the_template_check_finds_bare_text_and_passes_gettext():
    parser = _TemplateText()
    parser.feed(JINJA.sub(" ", '<h1>Opslaan</h1><input placeholder="Zoek hier"><p title="{{ _(\'Hulp\') }}">{{ _("Vorige") }}</p>'))
    assert [text for text in parser.found if _bare_words(text)] == ["Opslaan", "Zoek hier"]
