"""Sector templates as stored: from database rows to the pure Template, Style and extended schema."""
from __future__ import annotations

import json
from functools import lru_cache

from ..canonical import canonical_json
from ..document import Style
from ..models import TemplateVersion
from ..schema import Schema
from ..sector import Template, extend_schema, template_from_json

# The house-style fonts the product ships (the PDF embeds metric-compatible Liberation fonts).
FONTS = ("Arial", "Times New Roman")


@lru_cache(maxsize=256)
def _parse(canonical: bytes, schema: Schema) -> Template:
    return template_from_json(json.loads(canonical), schema, FONTS)


def template_of(version: TemplateVersion, schema: Schema) -> Template:
    """The published template of ``version`` (parsed once per content)."""
    return _parse(canonical_json(version.data), schema)


def style_of(version: TemplateVersion | None, schema: Schema) -> Style:
    """The house style a protocol gets from its template version (the product's default without one)."""
    if version is None:
        return Style()
    style = template_of(version, schema).style
    chosen = {
        "primary_colour": style.primary_colour,
        "font_family": style.font,
        "cover_text": style.cover_text,
        "footer_text": style.footer_text,
        "logo": version.logo if style.logo else None,
    }
    return Style(**{key: value for key, value in chosen.items() if value is not None})


def schema_for(version: TemplateVersion | None, schema: Schema) -> Schema:
    """The schema with the template's own clauses added to their elements."""
    return schema if version is None else extend_schema(template_of(version, schema), schema)
