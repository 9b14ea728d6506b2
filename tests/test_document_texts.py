"""The document's own texts (schemas/document.yaml) in both languages: required by the schema, formal in French."""
from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import pytest

from policybuilder.document import DocumentMeta, build_staff_card
from policybuilder.document.errors import TemplateError
from policybuilder.document.model import Run
from policybuilder.document.texts import parse_texts
from policybuilder.schema import SCHEMA_DIR, load_schema, read_yaml

# Informal French ("tu", "ton", "toi", imperatives like "Appelle") has no place on a staff card in Belgium.
TUTOIEMENT = re.compile(r"\b([Tt]u|[Tt]oi|[Tt]on|[Tt]a|[Tt]es)\b|\b(Appelle|Préviens|Signale-le|Parles-en|Prends|Écoute|Dis-le-lui)\b")


@pytest.mark.parametrize("where", [
    ("annexes", 1, "blocks", 0, "text"),
    ("staff_card", "blocks", 1, "columns", 1),
    ("phrases", "level"),
    ("labels", "card_more"),
])
def test_a_document_text_without_french_is_refused(where):
    data = read_yaml(SCHEMA_DIR / "document.yaml")
    node = data
    for key in where:
        node = node[key]
    del node["fr"]
    with pytest.raises(TemplateError, match="document.yaml: field " + "/".join(map(str, where)) + ": 'fr' is a required property"):
        parse_texts(data)


def test_the_french_staff_card_says_vous_and_names_belgian_services():
    answers = json.loads((SCHEMA_DIR.parent / "examples" / "full.json").read_text(encoding="utf-8"))
    card = build_staff_card(load_schema(), answers, DocumentMeta(organisation="vzw De Klimop", date=date(2026, 12, 1)), "fr")
    words = re.sub(r"\s+", " ", " ".join(_words(card.sections)))
    assert "Appelez le 101" in words and "Prenez soin de vous." in words
    assert not TUTOIEMENT.search(words.replace("au ton,", "")), TUTOIEMENT.search(words)
    assert "Télé-Accueil" in words and "107" in words and "Tele-Onthaal" not in words
    assert "le 1712 (en néerlandais)" in words


def _words(node) -> list[str]:
    """Every French text of a built document part: runs tagged with another language (typed answers) are left out."""
    if isinstance(node, Run):
        return [node.text] if node.lang in ("", "fr") else []
    if isinstance(node, str):
        return [node]
    if isinstance(node, (tuple, list)):
        return [word for item in node for word in _words(item)]
    if dataclasses.is_dataclass(node):
        return [word for f in dataclasses.fields(node) for word in _words(getattr(node, f.name))]
    return []
