"""Sector templates as stored: from database rows to the pure Template, Style and extended schema."""
from __future__ import annotations

import json
from functools import lru_cache

from sqlalchemy import distinct, func, select

from ..canonical import canonical_json
from ..document import Style
from ..extensions import db
from ..models import Protocol, SectorTemplate, TemplateVersion
from ..schema import Schema
from ..sector import Template, TemplateStyle, extend_schema, template_from_json

LOGO_WIDTH_PX = 600  # 5 cm on the cover at 300 dpi
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
    return house_style(template_of(version, schema).style, version.logo)


def house_style(style: TemplateStyle, logo: bytes | None) -> Style:
    """The document Style of a template's house style; ``logo`` is used only if the style names one."""
    chosen = {
        "primary_colour": style.primary_colour,
        "font_family": style.font,
        "cover_text": style.cover_text,
        "footer_text": style.footer_text,
        "logo": printable_logo(logo) if style.logo and logo else None,
    }
    return Style(**{key: value for key, value in chosen.items() if value is not None})


@lru_cache(maxsize=64)
def printable_logo(logo: bytes) -> bytes:
    """The logo as PNG for both renderers: an SVG (already checked on upload) is rasterised once."""
    if logo.startswith(b"\x89PNG"):
        return logo
    import cairosvg  # cairo's bindings cost a second of start-up: loaded for the first SVG logo only

    return cairosvg.svg2png(bytestring=logo, output_width=LOGO_WIDTH_PX)


@lru_cache(maxsize=256)
def _extended(canonical: bytes, schema: Schema) -> Schema:
    return extend_schema(_parse(canonical, schema), schema)


def schema_for(version: TemplateVersion | None, schema: Schema) -> Schema:
    """The schema with the template's own clauses added to their elements (one Schema per template content, so that
    what is kept per schema, such as the questions' default-wording tables, is made once for it)."""
    return schema if version is None else _extended(canonical_json(version.data), schema)


def usage(organisation_id: int) -> list[tuple[TemplateVersion, int, int]]:
    """Per published version of the federation's templates: how many protocols and organisations use it."""
    rows = db.session.execute(
        select(TemplateVersion, func.count(Protocol.id), func.count(distinct(Protocol.organisation_id)))
        .join(SectorTemplate)
        .outerjoin(Protocol, Protocol.template_version_id == TemplateVersion.id)
        .where(SectorTemplate.organisation_id == organisation_id)
        .group_by(TemplateVersion.id, SectorTemplate.name)  # PostgreSQL: every ordered column is grouped
        .order_by(SectorTemplate.name, TemplateVersion.number)
    )
    return [tuple(row) for row in rows]
