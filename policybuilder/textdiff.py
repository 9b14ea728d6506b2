"""Word-level differences between two texts, for showing what changed."""
from __future__ import annotations

import re
from difflib import SequenceMatcher

TOKEN = re.compile(r"\s+|\S+")


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """The word-level differences from ``a`` to ``b`` as (op, text), op being equal, delete or insert."""
    old, new = TOKEN.findall(a), TOKEN.findall(b)
    ops = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "insert":
            ops.append(("equal" if tag == "equal" else "delete", "".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", "".join(new[j1:j2])))
    return ops
