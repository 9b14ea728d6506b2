"""The PDF's structure for screen readers: table header scopes and the page margins as artifacts."""
from __future__ import annotations

import re
from io import BytesIO

import pikepdf

from .conftest import pdf_text

ARTIFACT = re.compile(rb"/Artifact\s+BMC\b.*?\bEMC\b", re.S)
MARKED = re.compile(rb"/\w+\s*<<\s*/MCID\s+\d+\s*>>\s*BDC\b.*?\bEMC\b", re.S)


def structure_elements(pdf: pikepdf.Pdf):
    """Every element of the structure tree, walked from its root."""
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            if "/K" in node:
                stack.append(node.K)


def test_every_table_header_cell_has_a_scope(rendered):
    _, _, _, data = rendered
    with pikepdf.open(BytesIO(data)) as pdf:
        headers = [element for element in structure_elements(pdf) if element.S == "/TH"]
        assert len(headers) > 20
        for element in headers:
            head = element.P.P.S == "/THead"
            assert element.A.Scope == ("/Column" if head else "/Row")


def keep_only(data: bytes, pattern: re.Pattern) -> bytes:
    """The PDF with the marked content that ``pattern`` matches cut out of every page."""
    with pikepdf.open(BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.obj.Contents.write(pattern.sub(b"", page.obj.Contents.read_bytes()))
        out = BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_running_header_and_footer_are_artifacts_only(rendered, tmp_path):
    _, doc, _, data = rendered
    content = "\n".join(pdf_text(keep_only(data, ARTIFACT), tmp_path))
    assert doc.header_text not in content and "pagina 3 van" not in content
    assert "Procedure bij een incident" in content  # the body is tagged content
    artifacts = "\n".join(pdf_text(keep_only(data, MARKED), tmp_path))
    assert doc.header_text in artifacts and "pagina 3 van" in artifacts
    assert "Procedure bij een incident" not in artifacts


def test_margin_texts_leave_no_orphan_structure(rendered):
    _, _, _, data = rendered
    with pikepdf.open(BytesIO(data)) as pdf:
        reachable = {element.objgen for element in structure_elements(pdf)}
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        for index in range(len(pdf.pages)):
            assert all(element is None or element.objgen in reachable for element in nums[2 * index + 1])
