"""Static files and the preview's stylesheet: versioned URLs, a year in the browser's cache; WOFF2 fonts in the preview."""
import hashlib
import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from policybuilder.document.html import ASSETS

LONG = "public, max-age=31536000, immutable"
TTF_BYTES = 826_000  # what the preview sent before: its Arial twin in four faces as raw TTFs


@pytest.fixture
def protocol_id(make_protocol):
    answers = json.loads((Path(__file__).parent.parent / "examples" / "full.json").read_text(encoding="utf-8"))
    return make_protocol(name="vzw De Klimop", answers=answers)


def fetch(client, url: str):
    """The response to GET ``url``, read and its file closed."""
    with client.get(url) as response:
        response.get_data()
        return response


def asset_urls(html: str) -> list[str]:
    """Every stylesheet, script and icon URL of a page."""
    return re.findall(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"', html)


def test_every_static_url_of_a_page_carries_its_version_and_is_cached_a_year(client, protocol_id):
    page = client.get(f"/protocols/{protocol_id}/steps/profile").get_data(as_text=True)
    urls = asset_urls(page)
    assert {"/static/style.css", "/static/wizard.js", "/static/favicon.svg", "/document-assets/document.css"} <= {url.split("?")[0] for url in urls}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{10}$", url), url
        response = fetch(client, url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == LONG, url


def test_an_unversioned_or_outdated_url_is_cached_a_few_minutes_only(client):
    for url in ("/static/style.css", "/static/style.css?v=0000000000", "/document-assets/document.css"):
        response = fetch(client, url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=300", url


def test_a_changed_file_gets_a_new_url(app, client, tmp_path):
    app.static_folder = str(tmp_path)
    (tmp_path / "style.css").write_text("body { color: black; }")
    first = client.get("/login").get_data(as_text=True)
    (tmp_path / "style.css").write_text("body { color: navy; }")
    second = client.get("/login").get_data(as_text=True)
    old, new = (re.search(r'href="(/static/style.css\?v=[^"]+)"', page)[1] for page in (first, second))
    assert old != new
    assert fetch(client, new).get_data(as_text=True) == "body { color: navy; }"
    assert fetch(client, new).headers["Cache-Control"] == LONG
    assert fetch(client, old).headers["Cache-Control"] == "public, max-age=300"


def preview_font_urls(client, protocol_id) -> list[str]:
    """The font URLs the preview page's stylesheet gives a screen (outside @media print)."""
    page = client.get(f"/protocols/{protocol_id}/preview").get_data(as_text=True)
    css_url = next(url for url in asset_urls(page) if "document.css" in url)
    css = fetch(client, css_url).get_data(as_text=True)
    screen = css.split("@media screen {", 1)[1].split("\n}", 1)[0]
    return ["/document-assets/" + url for url in re.findall(r"url\(([^)]+)\)", screen)]


def test_the_preview_loads_woff2_subsets_served_as_font_woff2_and_cached_a_year(client, protocol_id):
    urls = preview_font_urls(client, protocol_id)
    assert len(urls) == 8 and all(url.endswith(".woff2") for url in urls)
    sent = 0
    for url in urls:
        response = fetch(client, url)
        assert response.status_code == 200
        assert response.mimetype == "font/woff2"
        assert response.headers["Cache-Control"] == LONG
        assert response.data[:4] == b"wOF2"
        sent += len(response.data)
    assert sent < TTF_BYTES // 3


def test_the_web_fonts_cover_dutch_and_french_and_name_their_content(client, protocol_id):
    for url in preview_font_urls(client, protocol_id):
        data = fetch(client, url).data
        assert hashlib.sha256(data).hexdigest()[:10] == url.rsplit(".", 2)[1]
        cmap = TTFont(BytesIO(data)).getBestCmap()
        assert all(ord(char) in cmap for char in "aàâçéèêëîïôœùûüÿ ÀÇÉÈ€–—‘’“”…•«»ĳ"), url
    assert (ASSETS / "fonts" / "web" / "LICENSE-Liberation.txt").is_file()


def test_only_web_fonts_are_served_by_the_font_route(client):
    assert fetch(client, "/document-assets/fonts/web/LICENSE-Liberation.txt").status_code == 404
    assert fetch(client, "/document-assets/fonts/web/..%2Fdocument.css").status_code == 404
