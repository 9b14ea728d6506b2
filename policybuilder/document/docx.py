"""Render a :class:`Document` as an editable Word file with python-docx and real Word styles."""
from __future__ import annotations

from functools import lru_cache
from io import BytesIO

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .errors import RenderError
from .html import image_type
from .model import BulletList, Document, Figure, Heading, Inline, NoteBox, NumberedList, Paragraph, Style, Table

TEXT_WIDTH_CM = 17.0  # A4 (21 cm) minus 2 cm margins
DRAFT_RED = RGBColor(0xB0, 0x00, 0x20)
TABLE_STYLE = "Table Grid"
NOTE_STYLE = "Kader"


def render_docx(doc: Document, style: Style) -> bytes:
    """The document as .docx bytes: styles, TOC field, header, page-X-of-Y footer, core properties."""
    try:
        return _WordWriter(doc, style).write()
    except (KeyError, ValueError) as exc:
        raise RenderError(f"Word rendering failed: {exc}") from exc


class _WordWriter:
    def __init__(self, doc: Document, style: Style):
        self.doc, self.style = doc, style
        self.word = docx.Document()
        self.style_ids = dict(_template_style_ids())
        self.list_number_abstract = None
        self.colour = RGBColor.from_string(style.primary_colour[1:].upper())

    def write(self) -> bytes:
        self.setup_styles()
        self.setup_page()
        self.cover()
        self.control()
        self.toc()
        for section in self.doc.sections:
            heading = self.paragraph(section.title, "Heading 1")
            heading.paragraph_format.page_break_before = True
            for block in section.blocks:
                self.block(block, keep_together=section.keep_on_one_page)
        self.properties()
        buffer = BytesIO()
        self.word.save(buffer)
        return buffer.getvalue()

    # -- set-up ---------------------------------------------------------------------------
    def setup_styles(self) -> None:
        styles = self.word.styles
        for element in styles.element.iter(qn("w:rFonts")):
            for attribute in [a for a in element.attrib if a.endswith("Theme")]:
                del element.attrib[attribute]
        defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set(defaults, "w:lang", {"w:val": f"{self.doc.lang}-BE", "w:eastAsia": f"{self.doc.lang}-BE"})
        _set(defaults, "w:rFonts", {f"w:{k}": self.style.font_family for k in ("ascii", "hAnsi", "cs", "eastAsia")})
        styles["Normal"].font.size = Pt(10.5)
        styles["Normal"].paragraph_format.space_after = Pt(6)
        for name, size in (("Title", 24), ("Heading 1", 18), ("Heading 2", 13.5), ("Heading 3", 11.5), ("TOC Heading", 16)):
            styles[name].font.color.rgb = self.colour
            styles[name].font.size = Pt(size)
        note = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = styles["Normal"]
        note.paragraph_format.left_indent = Cm(0.3)
        ppr = note.element.get_or_add_pPr()
        _set(_set(ppr, "w:pBdr", {}), "w:left", {"w:val": "single", "w:sz": "24", "w:space": "8", "w:color": self.style.primary_colour[1:]})
        _set(ppr, "w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": "EEF3F8"})
        self.style_ids[NOTE_STYLE] = note.style_id

    def setup_page(self) -> None:
        section = self.word.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = section.bottom_margin = Cm(2)
        section.top_margin = Cm(2.2)
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        run = header.add_run(self.doc.header_text)
        run.font.size = Pt(8.5)
        if self.doc.meta.is_draft:
            run.font.color.rgb = DRAFT_RED
        footer = section.footer.paragraphs[0]
        footer_text = self.doc.footer_text(self.style)
        if footer_text:
            footer.add_run(footer_text + "\t")
        footer.add_run(f"{self.doc.labels['page']} ")
        _field(footer, "PAGE", "1")
        footer.add_run(f" {self.doc.labels['of']} ")
        _field(footer, "NUMPAGES", "1")
        for run in footer.runs:
            run.font.size = Pt(8.5)

    def properties(self) -> None:
        core = self.word.core_properties
        core.title = self.doc.title
        core.author = core.last_modified_by = self.doc.meta.organisation
        core.language = f"{self.doc.lang}-BE"
        core.subject = self.doc.meta.organisation
        core.keywords = self.doc.meta.version_label
        core.comments = self.doc.labels["draft_mark"] if self.doc.meta.is_draft else ""
        settings = self.word.settings.element
        _set(settings, "w:updateFields", {"w:val": "true"})

    # -- front matter ---------------------------------------------------------------------
    def cover(self) -> None:
        logo = self.style.logo_bytes()
        if logo:
            image_type(logo)
            self.word.add_picture(BytesIO(logo), width=Cm(5))
        organisation = self.paragraph()
        organisation.paragraph_format.space_before = Pt(60)
        _styled(organisation.add_run(self.doc.meta.organisation), bold=True, size=14)
        self.paragraph(self.doc.title, "Title")
        self.paragraph(self.style.cover_text or self.doc.labels["cover_text"])
        self.facts(self.doc.cover_lines)
        if self.doc.meta.is_draft:
            stamp = self.paragraph()
            stamp.paragraph_format.space_before = Pt(18)
            _styled(stamp.add_run(self.doc.labels["draft_mark"]), bold=True, colour=DRAFT_RED)
        self.paragraph().add_run().add_break(WD_BREAK.PAGE)

    def control(self) -> None:
        self.paragraph(self.doc.control.title, "TOC Heading")
        self.facts(self.doc.control.rows)

    def facts(self, rows) -> None:
        table = self.new_table(0, 2)
        for label, value in rows:
            cells = table.add_row().cells
            _styled(cells[0].paragraphs[0].add_run(label), bold=True)
            self.inline(cells[1].paragraphs[0], value)
        self.widths(table, (4, 9))
        self.paragraph()

    def toc(self) -> None:
        self.paragraph(self.doc.labels["contents"], "TOC Heading")
        entries = self.doc.outline()
        paragraphs = [self.paragraph() for _ in entries]
        _field_start(paragraphs[0], 'TOC \\o "1-1" \\h \\z \\u')
        for paragraph, (level, title, _anchor) in zip(paragraphs, entries):
            paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            paragraph.paragraph_format.space_after = Pt(0)
            _styled(paragraph.add_run(title), bold=level == 1)
        _field_end(paragraphs[-1])

    def paragraph(self, text: str = "", style: str | None = None):
        """A new body paragraph; the style is set by id (python-docx's lookup by name is slow)."""
        paragraph = self.word.add_paragraph(text)
        if style:
            paragraph._p.style = self.style_ids[style]
        return paragraph

    def new_table(self, rows: int, cols: int):
        """A new table in the house table style (set by id, like paragraphs)."""
        table = self.word.add_table(rows=rows, cols=cols)
        table._tbl.tblPr.style = self.style_ids[TABLE_STYLE]
        return table

    # -- blocks ---------------------------------------------------------------------------
    def block(self, block, keep_together: bool = False) -> None:
        if isinstance(block, Heading):
            self.paragraph(block.text, f"Heading {block.level}")
        elif isinstance(block, Paragraph):
            self.keep(self.inline(self.paragraph(), block.runs), keep_together)
        elif isinstance(block, NoteBox):
            paragraph = self.paragraph(style=NOTE_STYLE)
            if block.title:
                _styled(paragraph.add_run(block.title + " "), bold=True)
            self.inline(paragraph, block.runs)
        elif isinstance(block, BulletList):
            for item in block.items:
                self.keep(self.inline(self.paragraph(style="List Bullet"), item), keep_together)
        elif isinstance(block, NumberedList):
            number = self.restart_numbering()
            for item in block.items:
                paragraph = self.inline(self.paragraph(style="List Number"), item)
                numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                numbering.get_or_add_ilvl().val = 0
                numbering.get_or_add_numId().val = number
                self.keep(paragraph, keep_together)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Figure):
            image_type(block.image)
            self.word.add_picture(BytesIO(block.image), width=Cm(12))
            if block.caption:
                self.paragraph(block.caption, "Caption")

    def table(self, block: Table) -> None:
        table = self.new_table(1, len(block.headers))
        header = table.rows[0]
        _set(header._tr.get_or_add_trPr(), "w:tblHeader", {})
        for cell, title in zip(header.cells, block.headers):
            _set(cell._tc.get_or_add_tcPr(), "w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": self.style.primary_colour[1:]})
            _styled(cell.paragraphs[0].add_run(title), bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF))
        for row in block.rows:
            new_row = table.add_row()
            trpr = new_row._tr.get_or_add_trPr()
            _set(trpr, "w:cantSplit", {})
            if block.form:
                _set(trpr, "w:trHeight", {"w:val": str(int(Cm(1.0).twips)), "w:hRule": "atLeast"})
            for cell, runs in zip(new_row.cells, row):
                self.inline(cell.paragraphs[0], runs)
        self.widths(table, block.widths or (1,) * len(block.headers))
        self.paragraph()

    def widths(self, table, weights) -> None:
        total = sum(weights)
        for column, weight in zip(table.columns, weights):
            width = Cm(TEXT_WIDTH_CM * weight / total)
            column.width = width
            for cell in column.cells:
                cell.width = width

    def restart_numbering(self) -> int:
        numbering = self.word.part.numbering_part.element
        if self.list_number_abstract is None:
            style_num = self.word.styles["List Number"].element.pPr.numPr.numId.val
            self.list_number_abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(self.list_number_abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    @staticmethod
    def inline(paragraph, runs: Inline):
        for item in runs:
            run = paragraph.add_run(item.text)
            if item.bold:
                run.bold = True
            if item.italic:
                run.italic = True
            if item.placeholder:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        return paragraph

    @staticmethod
    def keep(paragraph, keep_together: bool) -> None:
        if keep_together:
            paragraph.paragraph_format.keep_with_next = True


@lru_cache(maxsize=1)
def _template_style_ids() -> tuple[tuple[str, str], ...]:
    """Style name to style id in python-docx's default template (looked up once)."""
    return tuple((style.name, style.style_id) for style in docx.Document().styles)


def _styled(run, bold: bool = False, size: float | None = None, colour: RGBColor | None = None):
    if bold:
        run.bold = True
    if size:
        run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = colour
    return run


def _set(parent, tag: str, attributes: dict):
    """Find or create the child ``tag`` of ``parent`` and set its attributes."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    for name, value in attributes.items():
        element.set(qn(name), value)
    return element


def _fld_char(paragraph, kind: str) -> None:
    run = paragraph.add_run()
    run._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))


def _field_start(paragraph, instruction: str) -> None:
    _fld_char(paragraph, "begin")
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _fld_char(paragraph, "separate")


def _field_end(paragraph) -> None:
    _fld_char(paragraph, "end")


def _field(paragraph, instruction: str, shown: str) -> None:
    """A complete field (PAGE, NUMPAGES) whose cached result is ``shown`` until Word updates it."""
    _field_start(paragraph, instruction)
    paragraph.add_run(shown)
    _field_end(paragraph)
