"""Canonical JSON and its SHA-256: the identity of an exact version of a protocol."""
from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """``value`` as JSON with sorted keys and no spaces, UTF-8 encoded: equal data, equal bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_hash(value: Any) -> str:
    """The SHA-256 of ``value``'s canonical JSON, in hexadecimal."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
