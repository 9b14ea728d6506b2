"""Column widths shared by Word and the PDF: every column gets room for the words it cannot split."""
from __future__ import annotations

from datetime import date

from policybuilder.document import DocumentMeta, build_document
from policybuilder.document.layout import CELL_PADDING_EM, HYPHENATED_EM, LINE_EM, column_widths, text_width
from policybuilder.document.model import Section, Table, plain

from .conftest import example


def test_e_mail_addresses_leave_room_for_the_words_of_the_other_columns(schema):
    document = build_document(schema, example("full"), DocumentMeta(organisation="vzw De Klimop", date=date(2026, 12, 1)), lang="fr")
    contacts = next(block for section in document.sections if isinstance(section, Section)
                    for block in section.blocks if isinstance(block, Table) and "E-mail" in block.headers)
    room = [width * LINE_EM - CELL_PADDING_EM for width in column_widths(contacts)]
    names, roles = contacts.headers.index("Nom"), contacts.headers.index("Rôle")
    # A name is set whole ("Vermeulen" never crosses its cell's border) ...
    assert all(text_width(word) <= room[names] + 0.01 for row in contacts.rows for word in plain(row[names]).split())
    # ... and a role's long words ("Conseiller", "Responsable") get the room a hyphenated word needs.
    assert room[roles] >= HYPHENATED_EM
