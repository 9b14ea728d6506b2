"""Who may use the federation editor: federation editors of their own federation only."""
from __future__ import annotations

import pytest


@pytest.fixture
def other_template(make_org, make_user, client_for, create_template):
    """A template of another federation, made by its own editor."""
    other = make_org("Koepel Handicap", "disability", kind="federation")
    other_editor = client_for(make_user("redactie@koepel.be", ("federation_editor",), other))
    return create_template("Sjabloon handicap", client=other_editor, organisation_id=other)


TEMPLATE_PAGES = ["", "/elements/procedure", "/contacts", "/style", "/preview", "/versions/1/export", "/logo"]


@pytest.mark.parametrize("suffix", TEMPLATE_PAGES)
def test_another_federations_template_is_not_found(editor_client, other_template, suffix):
    assert editor_client.get(f"/federation/templates/{other_template}{suffix}").status_code == 404


def test_posts_to_another_federations_template_are_not_found(editor_client, other_template, token, federation):
    data = {"csrf_token": token(editor_client, f"/federation/{federation}/templates"), "release_notes": "Overgenomen."}
    assert editor_client.post(f"/federation/templates/{other_template}/publish", data=data).status_code == 404


def test_a_drafter_of_a_member_organisation_sees_nothing(client, federation, other_template):
    assert client.get(f"/federation/{federation}/templates").status_code == 404
    assert client.get(f"/federation/templates/{other_template}").status_code == 404


def test_a_federation_member_without_the_editor_role_is_forbidden(make_user, client_for, federation, create_template):
    template_id = create_template()
    member = client_for(make_user("boekhouding@federatie.be", ("drafter",), federation))
    assert member.get(f"/federation/{federation}/templates").status_code == 403
    assert member.get(f"/federation/templates/{template_id}/elements/profile").status_code == 403


def test_the_editor_role_in_a_member_organisation_is_no_federation(make_user, client_for, org):
    editor_elsewhere = client_for(make_user("redactie@delinde.be", ("federation_editor",), org))
    assert editor_elsewhere.get(f"/federation/{org}/templates").status_code == 404


def test_pages_need_a_login(anon_client, federation, editor):
    response = anon_client.get(f"/federation/{federation}/templates")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_element_is_not_found(editor_client, create_template):
    assert editor_client.get(f"/federation/templates/{create_template()}/elements/nope").status_code == 404
