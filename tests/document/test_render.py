"""Word and PDF read back: styles, fields, metadata, the same words in both, nothing fetched."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from io import BytesIO

import docx
import pypdf
import pytest

from policybuilder.document import RenderError, Style, StyleError, build_document, render_docx, render_html, render_pdf
from policybuilder.document.model import Table
from policybuilder.document.pdf import LocalOnlyFetcher

from .conftest import META, docx_text, example, normalise, pdf_text, word_as_pdf

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101005c2bd5b10000000049454e44ae426082"
)


def test_docx_uses_real_styles_in_order(rendered, schema):
    _, doc, data, _ = rendered
    word = docx.Document(BytesIO(data))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    elements = [e.title["nl"] for e in schema.elements if e.key != "profile"]
    assert [h for h in headings if h in elements] == elements
    assert headings[0] == "Inleiding" and headings[-1].startswith("Bijlage 3.")
    styles = {p.style.name for p in word.paragraphs}
    assert {"Title", "Heading 2", "List Bullet", "List Number", "TOC Heading"} <= styles
    assert all(t.style.name == "Table Grid" for t in word.tables)


def test_docx_fields_header_footer_and_properties(rendered):
    _, doc, data, _ = rendered
    word = docx.Document(BytesIO(data))
    body = word.element.body.xml
    assert 'TOC \\o "1-1"' in body
    section = word.sections[0]
    footer = section.footer.paragraphs[0]
    assert "pagina" in footer.text and " van " in footer.text
    assert "PAGE" in footer._p.xml and "NUMPAGES" in footer._p.xml
    assert doc.meta.organisation in section.header.paragraphs[0].text
    assert "concept 4" in section.header.paragraphs[0].text and "CONCEPT" in section.header.paragraphs[0].text
    assert (section.page_width.cm, section.page_height.cm) == pytest.approx((21, 29.7), abs=0.01)
    core = word.core_properties
    assert (core.title, core.language, core.author) == (doc.title, "nl-BE", doc.meta.organisation)


def test_docx_contact_names_in_a_table():
    from policybuilder.schema import load_schema

    doc = build_document(load_schema(), example("full"), META)
    word = docx.Document(BytesIO(render_docx(doc, Style())))
    cells = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert {"Jan Peeters", "Katrien Janssens", "Marc Wouters"} <= cells


def test_minimal_docx_shows_placeholders(rendered):
    name, _, data, _ = rendered
    text = docx_text(data)
    assert ("[bewaarplaats bewijsmateriaal]" in text) == (name == "minimal")


def test_no_none_or_template_syntax_in_either_file(rendered, tmp_path):
    _, _, data, pdf = rendered
    for text in (docx_text(data, skip_toc=False), "".join(pdf_text(pdf, tmp_path))):
        assert "None" not in text and "{{" not in text and "{profile." not in text


def test_pdf_pages_titles_and_metadata(rendered, tmp_path):
    _, doc, _, pdf = rendered
    reader = pypdf.PdfReader(BytesIO(pdf))
    assert 15 <= len(reader.pages) <= 40
    assert reader.metadata.title.startswith(doc.title)
    assert reader.trailer["/Root"]["/Lang"] == "nl-BE"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA-1)
    text = normalise(" ".join(pdf_text(pdf, tmp_path)))
    for section in doc.sections:
        assert section.title in text
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)


def test_pdf_embeds_its_fonts(rendered, tmp_path):
    _, _, _, pdf = rendered
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)


def test_docx_and_pdf_say_the_same_words(rendered, tmp_path):
    _, doc, data, pdf = rendered
    pages = pdf_text(pdf, tmp_path)
    front = pages[1]  # control block, then the table of contents, whose page numbers only the PDF has
    pages[1] = front[front.index(doc.control.title) : front.index(doc.labels["contents"])]
    running = re.compile(rf"{re.escape(doc.header_text)}|pagina \d+ van \d+")
    addresses = re.findall(r"[\w.+-]+@[\w.-]+\w", docx_text(data))
    pdf_words = normalise(re.sub(r"(?m)^\s*(•|\d+\.)\s", " ", running.sub(" ", _rejoined("\n".join(pages), addresses))))
    docx_words = normalise(docx_text(data))
    for headers in {" ".join(b.headers) for s in doc.sections for b in s.blocks if isinstance(b, Table)}:
        # the PDF repeats a table's header row on every page the table runs over
        docx_words, pdf_words = docx_words.replace(headers, ""), pdf_words.replace(headers, "")
    # a list's number ("3.") is drawn only in the PDF; the same token may also end a sentence at a line start
    number = re.compile(r"(?<!\S)\d+\.(?!\S)")
    assert normalise(number.sub(" ", docx_words)) == normalise(number.sub(" ", pdf_words))


def _rejoined(text: str, addresses: list[str]) -> str:
    """``text`` with each of ``addresses`` that the PDF broke over two lines joined again."""
    for address in set(addresses):
        text = re.sub("\n?".join(map(re.escape, address)), address, text)
    return text


def test_hostile_answers_are_printed_as_text_and_nothing_is_fetched(schema, tmp_path):
    hostile = '<img src="http://127.0.0.1:9/x.png"> file:///etc/passwd {{ 7*7 }} <script>alert(1)</script>'
    doc = build_document(schema, {"profile": {"name": hostile, "sites": hostile}}, META)
    html = render_html(doc, Style())
    assert "<img src=\"http" not in html and "&lt;img src=" in html and "<script>" not in html
    fetcher = LocalOnlyFetcher()
    pdf = render_pdf(doc, Style(), fetcher=fetcher)
    assert fetcher.refused == []
    assert hostile in normalise(" ".join(pdf_text(pdf, tmp_path)))
    assert "alert(1)" in docx_text(render_docx(doc, Style()))


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.png", "file:///etc/passwd", "https://example.com/a.css", "file:///work/main/policybuilder/document/pdf.py"])
def test_fetcher_refuses_everything_but_its_own_files(url):
    fetcher = LocalOnlyFetcher()
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_the_stylesheet_and_fonts():
    from policybuilder.document.html import ASSETS

    fetcher = LocalOnlyFetcher()
    assert b"@font-face" in fetcher.fetch((ASSETS / "document.css").as_uri()).read()
    assert fetcher.fetch((ASSETS / "fonts" / "LiberationSans-Bold.ttf").as_uri()).content_type == "font/ttf"


def test_logo_on_the_cover_of_both_files(schema):
    doc = build_document(schema, example("minimal"), META)
    style = Style(logo=PNG_1PX, primary_colour="#336600", cover_text="Huisstijltekst", footer_text="Intern document")
    word = docx.Document(BytesIO(render_docx(doc, style)))
    assert word.inline_shapes and "Huisstijltekst" in docx_text(render_docx(doc, style))
    assert 'src="data:image/png;base64,' in render_html(doc, style)
    assert render_pdf(doc, style).startswith(b"%PDF")


@pytest.mark.parametrize("kwargs", [{"primary_colour": "red; background: url(http://x)"}, {"font_family": "Arial'; }"}])
def test_style_values_are_checked(kwargs):
    with pytest.raises(StyleError):
        Style(**kwargs)


def test_logo_must_be_an_image(schema):
    doc = build_document(schema, example("minimal"), META)
    with pytest.raises(StyleError, match="PNG, JPEG or GIF"):
        render_html(doc, Style(logo=b"<svg/>"))
    assert issubclass(StyleError, Exception) and RenderError is not StyleError


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
def test_libreoffice_converts_the_docx_with_page_numbers_in_its_contents(rendered, tmp_path):
    name, doc, data, _ = rendered
    converted = pypdf.PdfReader(word_as_pdf(data, tmp_path, name))
    pages = [page.extract_text() for page in converted.pages]
    assert len(pages) >= 15
    assert "Procedure bij een incident" in "".join(pages)
    contents = pages[1][pages[1].index(doc.labels["contents"]):]
    numbered = dict(re.findall(r"^(.+?)[ .…]*?(\d+)\s*$", contents, re.M))
    for _level, title, _anchor in doc.outline():
        # each entry carries a page number, and that page (give or take one: Word lays out by itself) opens the chapter
        page = int(numbered[title.rstrip(". ")] if title.rstrip(". ") in numbered else next(v for k, v in numbered.items() if title.startswith(k.rstrip(". "))))
        assert any(title in pages[n - 1] for n in (page - 1, page, page + 1) if 0 < n <= len(pages)), (title, page)


def test_docx_package_is_clean_and_its_logo_described(schema):
    doc = build_document(schema, example("minimal"), META)
    data = render_docx(doc, Style(logo=PNG_1PX))
    with zipfile.ZipFile(BytesIO(data)) as package:
        names = package.namelist()
        app = package.read("docProps/app.xml").decode()
        types = package.read("[Content_Types].xml").decode()
        document = package.read("word/document.xml").decode()
    assert not [n for n in names if "thumbnail" in n or n.startswith("customXml/")]
    assert "thumbnail" not in types and "customXml" not in types
    assert "<Application>policybuilder</Application>" in app
    assert not re.search(r"Microsoft|<Pages>|<Words>|<Characters>|<Lines>", app)
    descr = re.search(r'<wp:docPr [^>]*descr="([^"]*)"', document)
    assert descr and descr.group(1) == doc.meta.organisation


def test_word_and_pdf_tables_take_their_widths_from_the_content(rendered, tmp_path):
    name, doc, data, pdf = rendered
    if name != "full":
        pytest.skip("only the full example has phone numbers and e-mail addresses")
    word = docx.Document(BytesIO(data))
    contacts = next(t for t in word.tables if t.rows[0].cells[0].text == "Rol" and len(t.columns) > 3)
    grid = [int(col.get(docx.oxml.ns.qn("w:w"))) for col in contacts._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]
    assert len(set(grid)) > 1 and abs(sum(grid) - 9638) < 10  # not equal columns; the whole 17 cm text width
    assert contacts._tbl.tblPr.find(docx.oxml.ns.qn("w:tblLayout")).get(docx.oxml.ns.qn("w:type")) == "fixed"
    # a phone number is never split over two lines of the PDF; an e-mail address may break where its column is
    # too narrow (rather than run into the next column), never with a hyphen
    text = "\n".join(pdf_text(pdf, tmp_path))
    for row in next(b for s in doc.sections for b in s.blocks if isinstance(b, Table) and "E-mail" in b.headers).rows:
        for cell in row:
            value = "".join(run.text for run in cell)
            for token in re.findall(r"\b0\d{2,3}(?: \d{2}){3}\b", value):
                assert token.replace(" ", "\u00a0") in text or token in text, token
            for address in re.findall(r"\S+@\S+", value):
                assert address in _rejoined(text, [address]), address


def test_chapters_flow_and_annexes_start_a_page(rendered, tmp_path):
    _, doc, _, pdf = rendered
    pages = pdf_text(pdf, tmp_path)
    on_top = {}
    for section in doc.sections:
        first = next(page for n, page in enumerate(pages) if n > 1 and section.title in page.splitlines())
        body = [line for line in first.splitlines() if line.strip() and doc.header_text not in line]
        on_top[section.title] = body[0] == section.title
    assert all(on_top[s.title] for s in doc.sections if s.kind != "chapter")  # intro and annexes open a page
    assert not all(on_top[s.title] for s in doc.sections if s.kind == "chapter")  # chapters follow on
