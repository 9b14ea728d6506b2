"""File names that are safe on every file system."""
from __future__ import annotations

import re
import unicodedata


def slug(name: str, fallback: str) -> str:
    """``name`` in lower-case ASCII letters, digits and hyphens (at most 60), else ``fallback``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or fallback
