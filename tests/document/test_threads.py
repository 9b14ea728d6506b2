"""Threaded servers (gunicorn's gthread workers) render PDFs side by side: each must be the same file."""
from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

from policybuilder.document import DocumentMeta, Style, build_document, render_pdf
from policybuilder.document import pdf as pdf_module
from policybuilder.schema import load_schema

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "full.json"


def test_pdfs_rendered_in_parallel_threads_of_a_fresh_worker_are_identical():
    answers = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc = build_document(load_schema(), answers, DocumentMeta(organisation="", version_label="1", date=date(2026, 1, 1)))
    # As in a worker that just started: fonts and stylesheet not loaded yet when the first renders arrive together.
    pdf_module.font_config.cache_clear()
    pdf_module.stylesheet.cache_clear()
    results = []
    threads = [threading.Thread(target=lambda: results.extend(render_pdf(doc, Style()) for _ in range(2))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [render_pdf(doc, Style())] * 8
