"""The login's ``next`` and the language switch send the browser back only to a path on this site."""
from __future__ import annotations

import pytest

from policybuilder.redirects import local_path

ELSEWHERE = ["//evil.example/", "/\t/evil.example", "/\n/evil.example", "/\\evil.example", "\\\\evil.example",
             "https://evil.example/", "javascript:alert(1)", "evil.example", "", None, " /protocols"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_anything_but_a_local_path_goes_to_the_protocols(app, target):
    with app.test_request_context():
        assert local_path(target) == "/"


def test_a_local_path_with_its_query_is_kept(app):
    with app.test_request_context():
        assert local_path("/protocols/3/steps/procedure?lang=fr") == "/protocols/3/steps/procedure?lang=fr"


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example"])
def test_the_language_switch_never_leads_to_another_host(anon_client, drafter, target):
    from tests.forms import read_form

    token = dict(read_form(anon_client.get("/login").get_data(as_text=True)))["csrf_token"]
    response = anon_client.post("/language", data={"csrf_token": token, "language": "fr", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
