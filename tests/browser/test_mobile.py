"""At 390 px wide (a phone) no page type scrolls sideways, and the header's links stay reachable."""
from __future__ import annotations

import pytest

from .pages import PAGE_TYPES, visit_every_page

WIDTH = 390


@pytest.fixture(scope="module")
def widths(browser, tmp_path_factory):
    """Per page type: the document's scroll width, the window's width, and whether the account links are on screen."""
    measured = {}

    def check(name, page, html):
        measured[name] = page.evaluate("""() => {
            const inside = el => { const r = el.getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth; };
            return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
                    header: [...document.querySelectorAll('header.site a, header.site button')].every(inside)};
        }""")

    visit_every_page(browser, tmp_path_factory.mktemp("mobile"), WIDTH, check)
    return measured


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_horizontal_scroll_at_390_px(widths, page_type):
    assert page_type in widths, f"{page_type} was not visited"
    measured = widths[page_type]
    assert measured["scroll"] <= measured["inner"], measured
    assert measured["header"], "a link or button of the header is off screen"
