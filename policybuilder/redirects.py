"""Where a form may send the browser back to: a path on this site, never another host."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import url_for

# Browsers drop tabs and newlines and read "\" as "/": "/\t/evil.example" and "/\\evil.example" lead elsewhere.
_UNSAFE = re.compile(r"[\x00-\x20\\\x7f]")


def local_path(target: str | None) -> str:
    """``target`` when it is a path on this site, else the list of protocols."""
    parts = urlsplit(target or "")
    if target and target.startswith("/") and not target.startswith("//") and not _UNSAFE.search(target) \
            and not parts.scheme and not parts.netloc:
        return target
    return url_for("wizard.index")
