"""Canonical JSON and its SHA-256: the identity of an exact version of a protocol."""
from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any


def canonical_json(value: Any) -> bytes:
    """``value`` as JSON with sorted keys and no spaces, dates as ISO text, UTF-8 encoded: equal data, equal bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_iso).encode("utf-8")


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot put a {type(value).__name__} in canonical JSON")


def content_hash(value: Any) -> str:
    """The SHA-256 of ``value``'s canonical JSON, in hexadecimal."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
