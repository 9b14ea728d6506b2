"""Every page type passes axe-core (0 violations) and the Nu Html Checker (0 errors).

Both tools come from npm (`make test` installs them into .npm/); vnu runs on the machine's Java
over the HTML the server sent.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .pages import PAGE_TYPES, visit_every_page

NPM = Path(__file__).resolve().parents[2] / ".npm" / "node_modules"
AXE = NPM / "axe-core" / "axe.min.js"
VNU = NPM / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _file_name(page_type: str) -> str:
    return page_type.replace(" ", "-") + ".html"


@pytest.fixture(scope="module")
def checked(browser, tmp_path_factory):
    """axe's violations and vnu's errors per page type."""
    for tool in (AXE, VNU):
        if not tool.exists():
            pytest.fail(f"{tool} is missing: run `make test` (it installs axe-core and vnu-jar with npm)")
    if not shutil.which("java"):
        pytest.fail("java is missing: install a Java runtime (apt-get install default-jre-headless)")
    folder = tmp_path_factory.mktemp("pages")
    html_folder = folder / "html"
    html_folder.mkdir()
    violations = {}

    def check(name, page, html):
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("async () => (await axe.run(document)).violations.map("
                              "v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))")
        violations[name] = found
        (html_folder / _file_name(name)).write_text(html, encoding="utf-8")

    visit_every_page(browser, folder, 1280, check)
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(html_folder)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = {}
    for message in messages:
        page_type = Path(message.get("url", "")).name
        errors.setdefault(page_type, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return violations, errors


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_axe_finds_no_violations(checked, page_type):
    violations = checked[0]
    assert page_type in violations, f"{page_type} was not visited"
    assert violations[page_type] == [], json.dumps(violations[page_type], indent=1, ensure_ascii=False)


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_nu_html_checker_finds_no_errors(checked, page_type):
    errors = checked[1].get(_file_name(page_type), [])
    assert errors == [], "\n".join(errors)
