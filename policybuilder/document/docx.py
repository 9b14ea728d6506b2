"""Render a :class:`Document` as an editable Word file with python-docx and real Word styles."""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time, timezone
from functools import lru_cache
from io import BytesIO
from xml.sax.saxutils import escape

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import oxml_parser
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph
from lxml import etree

from .errors import RenderError
from .html import image_type
from .layout import CARD_SIZES, column_widths, estimate_pages, keep_numbers_together
from .model import BulletList, Document, Figure, Heading, Inline, LanguageNote, NoteBox, NumberedList, Paragraph, Style, Table

TEXT_WIDTH_CM = 17.0  # A4 (21 cm) minus 2 cm margins
CARD_TEXT_WIDTH_CM = 18.0  # the staff card's narrower margins

DRAFT_RED = RGBColor(0xB0, 0x00, 0x20)
TABLE_STYLE = "Table Grid"
NOTE_STYLE = "Kader"
LANGUAGE_NOTE_STYLE = "Taalnoot"  # an answer given in the other language only, quoted after its block
CELL_STYLE = "Tabeltekst"
#: docProps/app.xml: the application that wrote the file, and no page or word counts it never made.
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>policybuilder</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<Company>{company}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def _stable_zip(data: bytes) -> bytes:
    """The same package with every entry dated 1980-01-01, so equal documents are equal bytes."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), source.read(info),
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def render_docx(doc: Document, style: Style) -> bytes:
    """The document as .docx bytes: styles, TOC field, header, page-X-of-Y footer, core properties."""
    try:
        return _WordWriter(doc, style).write()
    except (KeyError, ValueError) as exc:
        raise RenderError(f"Word rendering failed: {exc}") from exc


class _WordWriter:
    def __init__(self, doc: Document, style: Style):
        self.doc, self.style, self.card_step = doc, style, 0
        if doc.is_card:  # the card takes the font step (and, rarely, the shortening) at which its PDF fits one page
            from .pdf import fitted_card  # WeasyPrint only for the card: a protocol's .docx never loads it

            self.card_step, self.doc = fitted_card(doc, style)
        self.word = docx.Document()
        self.sect_pr = self.word.element.body.sectPr  # new body elements go just before it, as python-docx puts them
        self.style_ids = dict(_template_style_ids())
        self.list_number_abstract = None
        self.colour = RGBColor.from_string(style.primary_colour[1:].upper())

    def write(self) -> bytes:
        self.setup_styles()
        self.setup_page()
        if not self.doc.is_card:
            self.cover()
            self.control()
            self.toc()
        for section in self.doc.sections:
            # Chapters flow on (Heading 1 keeps with its text); the introduction and the annexes start a page.
            _text_run(self.p("Heading 1", page_break=section.kind in ("intro", "annex")), section.title)
            for number, block in enumerate(section.blocks, start=1):
                self.block(block, keep_together=section.keep_on_one_page, last=number == len(section.blocks))
        self.properties()
        self.clean_package()
        buffer = BytesIO()
        self.word.save(buffer)
        return _stable_zip(buffer.getvalue())

    # -- set-up ---------------------------------------------------------------------------
    def setup_styles(self) -> None:
        styles = self.word.styles
        for element in styles.element.iter(qn("w:rFonts")):
            for attribute in [a for a in element.attrib if a.endswith("Theme")]:
                del element.attrib[attribute]
        defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set(defaults, "w:lang", {"w:val": f"{self.doc.lang}-BE", "w:eastAsia": f"{self.doc.lang}-BE"})
        _set(defaults, "w:rFonts", {f"w:{k}": self.style.font_family for k in ("ascii", "hAnsi", "cs", "eastAsia")})
        # The staff card takes the font-size step at which its PDF fits one page (sizes as document.css).
        scale = CARD_SIZES[self.card_step] / 10.5 if self.doc.is_card else 1
        styles["Normal"].font.size = Pt(10.5 * scale)
        styles["Normal"].paragraph_format.space_after = Pt((3 if self.doc.is_card else 6) * scale)
        for name, size in (("Title", 24), ("Heading 1", 18), ("Heading 2", 13.5), ("Heading 3", 11.5), ("TOC Heading", 16)):
            styles[name].font.color.rgb = self.colour
            styles[name].font.size = Pt(size * scale)
        if self.doc.is_card:
            styles["Heading 1"].paragraph_format.space_before = Pt(0)
            styles["Heading 2"].paragraph_format.space_before = Pt(7 * scale)
            styles["Heading 2"].paragraph_format.space_after = Pt(2 * scale)
        note = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        note.base_style = styles["Normal"]
        note.paragraph_format.left_indent = Cm(0.3)
        ppr = note.element.get_or_add_pPr()
        _set(_set(ppr, "w:pBdr", {}), "w:left", {"w:val": "single", "w:sz": "24", "w:space": "8", "w:color": self.style.primary_colour[1:]})
        _set(ppr, "w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": "EEF3F8"})
        self.style_ids[NOTE_STYLE] = note.style_id
        # Text in table cells: smaller and without the space after a body paragraph, as in the PDF.
        cell = styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = styles["Normal"]
        cell.font.size = Pt(9.5 * scale)
        cell.paragraph_format.space_after = Pt(0)
        self.style_ids[CELL_STYLE] = cell.style_id
        language_note = styles.add_style(LANGUAGE_NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        language_note.base_style = styles["Normal"]
        language_note.font.size = Pt(9.25 * scale)
        language_note.paragraph_format.left_indent = Cm(0.3)
        _set(_set(language_note.element.get_or_add_pPr(), "w:pBdr", {}), "w:left", {"w:val": "single", "w:sz": "4", "w:space": "6", "w:color": "9AA5B1"})
        self.style_ids[LANGUAGE_NOTE_STYLE] = language_note.style_id

    def setup_page(self) -> None:
        section = self.word.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        if self.doc.is_card:  # as @page card in document.css
            section.left_margin = section.right_margin = Cm(1.5)
            section.top_margin, section.bottom_margin = Cm(1.4), Cm(1.3)
            section.header_distance = section.footer_distance = Cm(0.6)
        else:
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
            footer.add_run(footer_text + ("" if self.doc.is_card else "\t"))
        if not self.doc.is_card:
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
        # The document's own date, not the clock: the same version gives the same bytes.
        stamp = datetime.combine(self.doc.meta.date or date(2000, 1, 1), time(), tzinfo=timezone.utc)
        core.created = core.modified = stamp
        core.revision = 1
        # Hyphenate long words (as the PDF does in table cells) instead of breaking them anywhere;
        # the element's place in settings.xml is fixed by the schema: right after defaultTabStop.
        tab_stop = self.word.settings.element.find(qn("w:defaultTabStop"))
        tab_stop.addnext(OxmlElement("w:autoHyphenation", {qn("w:val"): "true"}))

    def clean_package(self) -> None:
        """Leave out python-docx's template leftovers: its thumbnail, its bibliography part and its app.xml."""
        package = self.word.part.package
        for rels, reltype in ((package.rels, RT.THUMBNAIL), (self.word.part.rels, RT.CUSTOM_XML)):
            for rel_id in [rel_id for rel_id, rel in rels.items() if rel.reltype == reltype]:
                rels.pop(rel_id)
        app = next(rel.target_part for rel in package.rels.values() if rel.reltype == RT.EXTENDED_PROPERTIES)
        app._blob = APP_XML.format(company=escape(self.doc.meta.organisation)).encode("utf-8")

    # -- front matter ---------------------------------------------------------------------
    def cover(self) -> None:
        logo = self.style.logo_bytes()
        if logo:
            image_type(logo)
            shape = self.word.add_picture(BytesIO(logo), width=Cm(5))
            # The logo's text alternative, as the HTML's alt: the organisation's name.
            shape._inline.docPr.set("descr", self.doc.meta.organisation)
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
        tbl, widths = self.new_tbl((4, 9))
        for label, value in rows:
            label_p, value_p = self.tr(tbl, widths)
            _text_run(label_p, label, bold=True)
            _inline(value_p, value)
        self.p()

    def toc(self) -> None:
        self.paragraph(self.doc.labels["contents"], "TOC Heading")
        entries = self.doc.outline()
        pages = estimate_pages(self.doc)
        paragraphs = [self.paragraph() for _ in entries]
        _field_start(paragraphs[0], 'TOC \\o "1-1" \\h \\z \\u')
        # The field's stored result: each entry with its (estimated) page, shown until Word updates the field.
        for paragraph, (level, title, anchor) in zip(paragraphs, entries):
            paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            _styled(paragraph.add_run(title), bold=level == 1)
            paragraph.add_run(f"\t{pages[anchor]}")
        _field_end(paragraphs[-1])

    def paragraph(self, text: str = "", style: str | None = None):
        """A new body paragraph as a python-docx Paragraph (front matter, where its API is handy)."""
        p = self.p(style)
        if text:
            _text_run(p, text)
        return WordParagraph(p, self.word._body)

    def p(self, style: str | None = None, page_break: bool = False, keep: bool = False, num_id: int | None = None):
        """A new body paragraph as a bare <w:p> element, built with lxml: the hot path.

        python-docx's high-level API looks up every child in the schema order at each step;
        building the few elements we need directly is several times faster. The style is set
        by id (python-docx's lookup by name is slow).
        """
        p = _el(_W_P)
        if style or page_break or keep or num_id is not None:
            ppr = etree.SubElement(p, _W_PPR)
            if style:
                etree.SubElement(ppr, _W_PSTYLE).set(_W_VAL, self.style_ids[style])
            if keep:
                etree.SubElement(ppr, _W_KEEP_NEXT)
            if page_break:
                etree.SubElement(ppr, _W_PAGE_BREAK_BEFORE)
            if num_id is not None:
                numpr = etree.SubElement(ppr, _W_NUMPR)
                etree.SubElement(numpr, _W_ILVL).set(_W_VAL, "0")
                etree.SubElement(numpr, _W_NUMID).set(_W_VAL, str(num_id))
        self.sect_pr.addprevious(p)
        return p

    def new_tbl(self, weights):
        """A new body table in the house table style with columns in proportion to ``weights``.

        The XML python-docx's add_table writes (tblPr with style, width and look; tblGrid), built
        directly, with a fixed layout over the whole text width so that Word and LibreOffice keep
        the given column widths instead of sharing the width equally; returns the <w:tbl> and the
        column widths in twips.
        """
        total = sum(weights)
        width = CARD_TEXT_WIDTH_CM if self.doc.is_card else TEXT_WIDTH_CM
        widths = [str(int(Cm(width * weight / total).twips)) for weight in weights]
        tbl = _el(_W_TBL)
        tblpr = etree.SubElement(tbl, _W_TBLPR)
        etree.SubElement(tblpr, _W_TBLSTYLE).set(_W_VAL, self.style_ids[TABLE_STYLE])
        tblw = etree.SubElement(tblpr, _W_TBLW)
        tblw.set(_W_TYPE, "dxa")
        tblw.set(_W_W, str(sum(int(width) for width in widths)))
        etree.SubElement(tblpr, _W_TBL_LAYOUT).set(_W_TYPE, "fixed")
        look = etree.SubElement(tblpr, _W_TBLLOOK)
        for name, value in _TABLE_LOOK:
            look.set(name, value)
        grid = etree.SubElement(tbl, _W_TBLGRID)
        for width in widths:
            etree.SubElement(grid, _W_GRIDCOL).set(_W_W, width)
        self.sect_pr.addprevious(tbl)
        return tbl, widths

    def tr(
        self, tbl, widths, header: bool = False, cant_split: bool = False, height: str | None = None,
        fill: str | None = None, keep: bool = False,
    ):
        """A new row of ``tbl``; returns the (empty) paragraph, in the cell style, of each of its cells.

        ``keep`` keeps the row on the page of the next one (Word keeps a table together that way).
        """
        tr = etree.SubElement(tbl, _W_TR)
        if header or cant_split or height:
            trpr = etree.SubElement(tr, _W_TRPR)
            if cant_split:
                etree.SubElement(trpr, _W_CANT_SPLIT)
            if height:
                row_height = etree.SubElement(trpr, _W_TR_HEIGHT)
                row_height.set(_W_VAL, height)
                row_height.set(_W_HRULE, "atLeast")
            if header:
                etree.SubElement(trpr, _W_TBL_HEADER)
        paragraphs = []
        for width in widths:
            tc = etree.SubElement(tr, _W_TC)
            tcpr = etree.SubElement(tc, _W_TCPR)
            tcw = etree.SubElement(tcpr, _W_TCW)
            tcw.set(_W_TYPE, "dxa")
            tcw.set(_W_W, width)
            if fill:
                shd = etree.SubElement(tcpr, _W_SHD)
                shd.set(_W_VAL, "clear")
                shd.set(_W_COLOR, "auto")
                shd.set(_W_FILL, fill)
            paragraph = etree.SubElement(tc, _W_P)
            ppr = etree.SubElement(paragraph, _W_PPR)
            etree.SubElement(ppr, _W_PSTYLE).set(_W_VAL, self.style_ids[CELL_STYLE])
            if keep:
                etree.SubElement(ppr, _W_KEEP_NEXT)
            paragraphs.append(paragraph)
        return paragraphs

    # -- blocks ---------------------------------------------------------------------------
    def block(self, block, keep_together: bool = False, last: bool = False) -> None:
        if isinstance(block, Heading):
            _text_run(self.p(f"Heading {block.level}"), block.text)
        elif isinstance(block, Paragraph):
            _inline(self.p(keep=keep_together), block.runs)
        elif isinstance(block, LanguageNote):
            _inline(self.p(LANGUAGE_NOTE_STYLE, keep=keep_together), block.runs)
        elif isinstance(block, NoteBox):
            paragraph = self.p(NOTE_STYLE)
            if block.title:
                _text_run(paragraph, block.title + " ", bold=True)
            _inline(paragraph, block.runs)
        elif isinstance(block, BulletList):
            for item in block.items:
                _inline(self.p("List Bullet", keep=keep_together), item)
        elif isinstance(block, NumberedList):
            number = self.restart_numbering()
            for item in block.items:
                _inline(self.p("List Number", keep=keep_together, num_id=number), item)
        elif isinstance(block, Table):
            self.table(block, keep_together, spacer=not last)
        elif isinstance(block, Figure):
            image_type(block.image)
            self.word.add_picture(BytesIO(block.image), width=Cm(12))
            if block.caption:
                self.paragraph(block.caption, "Caption")

    def table(self, block: Table, keep_together: bool = False, spacer: bool = True) -> None:
        """A table; a form (filled in by hand) is kept on one page, a one-page annex's rows are lower.

        An empty paragraph after it keeps it apart from a next table (Word would join them); a
        section's last table has none, so that it cannot push an empty paragraph onto a page of its own.
        """
        tbl, widths = self.new_tbl(column_widths(block))
        fill = self.style.primary_colour[1:]
        for paragraph, title in zip(self.tr(tbl, widths, header=True, fill=fill, keep=True), block.headers):
            _text_run(paragraph, title, bold=True, colour="FFFFFF")
        height = str(int(Cm(0.85 if keep_together else 1.0).twips)) if block.form else None
        for number, row in enumerate(block.rows, start=1):
            keep = block.form and number < len(block.rows)
            for paragraph, runs in zip(self.tr(tbl, widths, cant_split=True, height=height, keep=keep), row):
                _inline(paragraph, runs)
        if spacer:
            self.p()

    def restart_numbering(self) -> int:
        numbering = self.word.part.numbering_part.element
        if self.list_number_abstract is None:
            style_num = self.word.styles["List Number"].element.pPr.numPr.numId.val
            self.list_number_abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(self.list_number_abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId



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


# -- the hot path: runs and paragraphs as bare lxml elements ----------------------------------
_W_P, _W_PPR, _W_PSTYLE, _W_KEEP_NEXT, _W_PAGE_BREAK_BEFORE = (qn(t) for t in ("w:p", "w:pPr", "w:pStyle", "w:keepNext", "w:pageBreakBefore"))
_W_NUMPR, _W_ILVL, _W_NUMID = qn("w:numPr"), qn("w:ilvl"), qn("w:numId")
_W_R, _W_RPR, _W_T, _W_BR, _W_TAB = (qn(t) for t in ("w:r", "w:rPr", "w:t", "w:br", "w:tab"))
_W_B, _W_I, _W_COLOR, _W_HIGHLIGHT = qn("w:b"), qn("w:i"), qn("w:color"), qn("w:highlight")
_W_VERT_ALIGN, _W_LANG = qn("w:vertAlign"), qn("w:lang")
_W_TBL, _W_TBLPR, _W_TBLSTYLE, _W_TBLW, _W_TBLLOOK = (qn(t) for t in ("w:tbl", "w:tblPr", "w:tblStyle", "w:tblW", "w:tblLook"))
_W_TBLGRID, _W_GRIDCOL, _W_TR, _W_TRPR, _W_TC, _W_TCPR, _W_TCW = (qn(t) for t in ("w:tblGrid", "w:gridCol", "w:tr", "w:trPr", "w:tc", "w:tcPr", "w:tcW"))
_W_CANT_SPLIT, _W_TR_HEIGHT, _W_TBL_HEADER, _W_SHD = qn("w:cantSplit"), qn("w:trHeight"), qn("w:tblHeader"), qn("w:shd")
_W_TBL_LAYOUT = qn("w:tblLayout")
_W_VAL, _W_W, _W_TYPE, _W_HRULE, _W_FILL = (qn(t) for t in ("w:val", "w:w", "w:type", "w:hRule", "w:fill"))
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TABLE_LOOK = tuple((qn(f"w:{name}"), value) for name, value in (
    ("firstColumn", "1"), ("firstRow", "1"), ("lastColumn", "0"), ("lastRow", "0"), ("noHBand", "0"), ("noVBand", "1"), ("val", "04A0")
))
_el = oxml_parser.makeelement  # python-docx's element classes, so its API still works on these


def _text_run(
    paragraph, text: str, bold: bool = False, italic: bool = False, highlight: bool = False, colour: str | None = None,
    superscript: bool = False, lang: str = "",
):
    """Append a run with ``text`` to the <w:p> ``paragraph``: what python-docx's ``add_run(text)`` writes
    (tabs as <w:tab/>, line breaks as <w:br/>, xml:space="preserve" where spaces would be lost), with the
    spaces inside phone numbers non-breaking; ``lang`` tags text in another language than the document's."""
    run = etree.SubElement(paragraph, _W_R)
    text = keep_numbers_together(text)
    if bold or italic or highlight or colour or superscript or lang:
        rpr = etree.SubElement(run, _W_RPR)  # children in the schema's order: b, i, color, highlight, vertAlign, lang
        if bold or superscript:
            etree.SubElement(rpr, _W_B)
        if italic:
            etree.SubElement(rpr, _W_I)
        if colour:
            etree.SubElement(rpr, _W_COLOR).set(_W_VAL, colour)
        if highlight:
            etree.SubElement(rpr, _W_HIGHLIGHT).set(_W_VAL, "yellow")
        if superscript:
            etree.SubElement(rpr, _W_VERT_ALIGN).set(_W_VAL, "superscript")
        if lang:
            etree.SubElement(rpr, _W_LANG).set(_W_VAL, f"{lang}-BE")
    if "\t" in text or "\n" in text or "\r" in text:
        for index, piece in enumerate(_BREAKS.split(text)):
            if index % 2:
                etree.SubElement(run, _W_TAB if piece == "\t" else _W_BR)
            elif piece:
                _t(run, piece)
    elif text:
        _t(run, text)
    return run


def _t(run, text: str) -> None:
    t = etree.SubElement(run, _W_T)
    t.text = text
    if text[0].isspace() or text[-1].isspace():
        t.set(_XML_SPACE, "preserve")


def _inline(paragraph, runs: Inline):
    for item in runs:
        _text_run(paragraph, item.text, item.bold, item.italic, item.placeholder, superscript=item.superscript, lang=item.lang)
    return paragraph


_BREAKS = re.compile(r"([\t\n\r])")  # each is one <w:tab/> or <w:br/>, as in python-docx
