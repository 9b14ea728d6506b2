"""Generated files kept on disk under the SHA-256 of everything that decides their content."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable

from ..canonical import content_hash
from ..document import DocumentMeta, Style
from ..document.html import ASSETS
from ..schema import SCHEMA_DIR


def fingerprint() -> str:
    """A hash of the schemas and the document's templates: a new release makes new cache keys."""
    digest = hashlib.sha256()
    files = sorted([*SCHEMA_DIR.rglob("*.yaml"), *SCHEMA_DIR.glob("*.json"), *ASSETS.glob("*.*"), *Path(__file__).parent.parent.joinpath("document").glob("*.py")])
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def content_key(
    answers: dict, meta: DocumentMeta, style: Style, lang: str, fmt: str, release: str, part: str = "protocol"
) -> str:
    """SHA-256 of the canonical JSON of answers, meta, style, language, format, release and part (protocol or card)."""
    style_fields = {**dataclasses.asdict(style), "logo": hashlib.sha256(style.logo_bytes() or b"").hexdigest()}
    payload = {"answers": answers, "meta": dataclasses.asdict(meta), "style": style_fields, "lang": lang, "fmt": fmt, "release": release}
    if part != "protocol":  # the protocol's keys stay what they were
        payload["part"] = part
    return content_hash(payload)


def cached(directory: Path, key: str, suffix: str, make: Callable[[], bytes]) -> bytes:
    """The file stored under ``key``, made (and stored atomically) on the first call."""
    path = directory / key[:2] / f"{key}.{suffix}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)
    return data
