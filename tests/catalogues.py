"""The interface's compiled catalogues for the tests, made from the .po files as `make install` does."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "policybuilder" / "translations"


def compile_catalogues() -> list[Path]:
    """Compile each messages.po whose .mo is missing or older; the .mo files, all of them."""
    compiled = []
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source, locale=po.parent.parent.name)
            # Written aside and renamed, so a test run beside this one never reads half a file.
            handle, temporary = tempfile.mkstemp(dir=mo.parent, suffix=".mo.tmp")
            with os.fdopen(handle, "wb") as target:
                write_mo(target, catalog)
            os.replace(temporary, mo)
        compiled.append(mo)
    return compiled
