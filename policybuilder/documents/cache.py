"""Generated files kept on disk under the SHA-256 of everything that decides their content, within a size bound."""
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

KEEP = "keep"
SUFFIXES = ("docx", "pdf")  # approved versions' files live under this folder and are never evicted


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


def cache_path(directory: Path, key: str, suffix: str, keep: bool) -> Path:
    """Where the file of ``key`` lives: <dir>/<key[:2]>/<key>.<suffix>, or under keep/ for an approved version."""
    return (directory / KEEP if keep else directory) / key[:2] / f"{key}.{suffix}"


def read_cached(directory: Path, key: str, suffix: str, keep: bool) -> bytes | None:
    """The stored file of ``key`` (marked as just used), or None."""
    path = cache_path(directory, key, suffix, keep)
    try:
        data = path.read_bytes()
        os.utime(path)  # least recently used goes first
    except FileNotFoundError:
        return None
    return data


def store(directory: Path, key: str, suffix: str, data: bytes, keep: bool, max_bytes: int | None) -> None:
    """Write the file of ``key`` atomically, then evict draft files beyond ``max_bytes`` in all."""
    path = cache_path(directory, key, suffix, keep)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
    os.replace(handle.name, path)
    if max_bytes is not None:
        evict(directory, max_bytes)


def evict(directory: Path, max_bytes: int) -> list[Path]:
    """Remove the least recently used draft files until the cache holds ``max_bytes`` at most; approved files stay."""
    drafts = [(stat.st_mtime, stat.st_size, path) for path in _files(directory, "*") if (stat := _stat(path))]
    total = sum(size for _, size, _ in drafts)
    total += sum(stat.st_size for path in _files(directory, f"{KEEP}/*") if (stat := _stat(path)))
    removed = []
    for _, size, path in sorted(drafts):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
        removed.append(path)
    return removed


def _files(directory: Path, folder: str) -> list[Path]:
    return [path for suffix in SUFFIXES for path in directory.glob(f"{folder}/*.{suffix}")]


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:  # removed by another process meanwhile
        return None


def cached(directory: Path, key: str, suffix: str, make: Callable[[], bytes], keep: bool = False, max_bytes: int | None = None) -> bytes:
    """The file stored under ``key``, made (and stored) on the first call."""
    data = read_cached(directory, key, suffix, keep)
    if data is None:
        data = make()
        store(directory, key, suffix, data, keep, max_bytes)
    return data
