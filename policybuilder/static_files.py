"""Versioned URLs for static files and the preview's stylesheet, a year in the browser's cache.

Templates write ``static_url("style.css")`` (or ``static_url("document.css", "documents.asset")``):
the URL carries ``?v=`` and a short hash of the file's content, so a changed file gets a new URL and
a browser may keep each version a year without asking again. A request without the current version
(an old page, a hand-typed URL) is cached a few minutes only. The preview's WOFF2 fonts carry their
content hash in their names (scripts/web_fonts.py) and are cached a year as well.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, url_for

from .document.html import ASSETS

WEB_FONTS = ASSETS / "fonts" / "web"
LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


@lru_cache(maxsize=256)
def _content_hash(path: str, mtime_ns: int, size: int) -> str:
    """The first ten hex digits of the file's SHA-256 (cached per path, modification time and size)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def version(path: Path) -> str | None:
    """The short content hash of ``path`` as it is now; None if there is no such file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _content_hash(str(path), stat.st_mtime_ns, stat.st_size)


#: Endpoint -> name of its file argument, of every kind of file whose URL carries a version.
ARGUMENTS = {"static": "filename", "documents.asset": "name"}


def _path(endpoint: str, filename: str) -> Path:
    """Where the file that ``endpoint`` serves as ``filename`` lies."""
    return (Path(current_app.static_folder) if endpoint == "static" else ASSETS) / filename


def static_url(filename: str, endpoint: str = "static") -> str:
    """The URL of ``filename`` served by ``endpoint`` (static or documents.asset), with its content version."""
    return url_for(endpoint, **{ARGUMENTS[endpoint]: filename}, v=version(_path(endpoint, filename)))


def cache_headers(response: Response) -> Response:
    """A year for the current version of a file (and for web fonts, named after their content); minutes otherwise."""
    if request.endpoint == "web_font" and response.status_code == 200:
        response.headers["Cache-Control"] = LONG
    elif request.endpoint in ARGUMENTS and response.status_code in (200, 304):
        current = version(_path(request.endpoint, request.view_args[ARGUMENTS[request.endpoint]]))
        response.headers["Cache-Control"] = LONG if current and request.args.get("v") == current else SHORT
    return response


def init_app(app: Flask) -> None:
    """Add the ``static_url`` template global, the web-font route and the cache headers."""
    app.jinja_env.globals["static_url"] = static_url
    app.add_url_rule("/document-assets/fonts/web/<name>", "web_font", web_font)
    app.after_request(cache_headers)


@lru_cache(maxsize=1)
def _web_fonts() -> dict[str, bytes]:
    """Every WOFF2 font of the preview by file name, read once (a few small files)."""
    return {path.name: path.read_bytes() for path in WEB_FONTS.glob("*.woff2")}


def web_font(name: str):
    """A WOFF2 font of the HTML preview (its name carries its content hash), served from memory.

    From memory, so a browser that leaves the page mid-download leaves no open file behind.
    """
    font = _web_fonts().get(name)
    if font is None:
        abort(404)
    return Response(font, mimetype="font/woff2")
