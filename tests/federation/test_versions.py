"""Publishing immutable versions, export and import of packages (web and command line), and usage counts."""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from policybuilder import create_app
from policybuilder.extensions import db
from policybuilder.federation.store import FONTS, template_of
from policybuilder.models import ImmutableRecord, Organisation, Protocol, SectorTemplate, TemplateVersion
from policybuilder.sector import export_package, import_package, template_from_json, template_to_json

from .conftest import png



def versions_of(app, template_id: int) -> list[TemplateVersion]:
    with app.app_context():
        return db.session.scalars(select(TemplateVersion).where(TemplateVersion.template_id == template_id).order_by(TemplateVersion.number)).all()


def test_publish_two_versions_the_first_stays_as_it_was(app, styled, publish, send, editor):
    assert publish(styled, "Eerste versie.").status_code == 302
    [v1] = versions_of(app, styled)
    assert (v1.number, v1.release_notes, v1.published_by_id, v1.data["version"]) == (1, "Eerste versie.", editor, 1)
    assert v1.data["questions"]["procedure.report_to"] == {"state": "locked", "default": {"nl": "de teamcoach", "fr": "le coach d'équipe"}}
    assert v1.logo == png() and v1.data["style"]["logo"] == "logo.png"

    send(f"/federation/templates/{styled}/elements/procedure", {"report_to": "de sectorcoach", "fr-report_to": "le coach du secteur"})
    assert publish(styled, "De sectorcoach ontvangt de meldingen.").status_code == 302
    first, second = versions_of(app, styled)
    assert first.data == v1.data and first.release_notes == "Eerste versie."
    assert second.data["questions"]["procedure.report_to"]["default"] == {"nl": "de sectorcoach", "fr": "le coach du secteur"}
    assert second.data["version"] == 2
    with app.app_context():
        stored = db.session.get(TemplateVersion, first.id)
        stored.release_notes = "Herschreven."
        with pytest.raises(ImmutableRecord):
            db.session.commit()


def test_publishing_needs_release_notes_and_a_change(styled, publish, app):
    response = publish(styled, "")
    assert response.status_code == 422 and "Dit veld is vereist." in response.get_data(as_text=True)
    assert publish(styled).status_code == 302
    again = publish(styled, "Nog eens.")
    assert again.status_code == 409 and "Dit concept is al gepubliceerd als versie 1" in again.get_data(as_text=True)
    assert len(versions_of(app, styled)) == 1


def test_export_and_import_into_a_fresh_installation(app, styled, publish, send, editor_client, tmp_path):
    publish(styled)
    response = editor_client.get(f"/federation/templates/{styled}/versions/1/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=protocol-jeugdhulp-v1.pbt"
    package = tmp_path / "protocol-jeugdhulp-v1.pbt"
    package.write_bytes(response.data)
    [original] = versions_of(app, styled)

    fresh = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}"})
    with fresh.app_context():
        db.create_all()
    result = fresh.test_cli_runner().invoke(args=["import-template", str(package)])
    assert result.exit_code == 0, result.output
    assert "Versie 1 van “Protocol jeugdhulp” ingelezen in Sectorfederatie Jeugd." in result.output
    with fresh.app_context():
        schema = fresh.extensions["policybuilder.schema"]
        imported = db.session.scalar(select(TemplateVersion))
        assert template_to_json(template_of(imported, schema)) == template_to_json(template_of(original, schema))
        assert imported.logo == original.logo and imported.release_notes == original.release_notes
        assert db.session.scalar(select(Organisation)).kind == "federation"
        row = db.session.scalar(select(SectorTemplate))
        assert row.draft == original.data and row.draft_logo == original.logo
    again = fresh.test_cli_runner().invoke(args=["import-template", str(package)])
    assert again.exit_code == 0 and "Niets toegevoegd" in again.output

    send(f"/federation/templates/{styled}/elements/learning", {"tpl-training-state": "locked"})
    publish(styled, "Vorming vastgelegd.")
    package.write_bytes(editor_client.get(f"/federation/templates/{styled}/versions/2/export").data)
    assert fresh.test_cli_runner().invoke(args=["import-template", str(package)]).exit_code == 0
    with fresh.app_context():
        row = db.session.scalar(select(SectorTemplate))
        assert [v.number for v in row.versions] == [1, 2]
        assert row.draft["questions"]["learning.training"]["state"] == "locked"  # the unchanged draft follows the new version
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def bad_package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("template.json", "{niet: json")
        archive.writestr("../evil.txt", "x")
    return buffer.getvalue()


def test_a_bad_package_is_refused_by_the_command_and_nothing_is_stored(runner, app, tmp_path):
    path = tmp_path / "slecht.pbt"
    path.write_bytes(bad_package())
    result = runner.invoke(args=["import-template", str(path), "--federation", "Nieuwe federatie"])
    assert result.exit_code == 2
    assert "slecht.pbt werd niet ingelezen:" in result.output
    assert "'..' in een pad is niet toegelaten" in result.output and "template.json is geen geldige JSON" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 0
        assert db.session.scalar(select(func.count(SectorTemplate.id))) == 0


def test_a_bad_package_is_refused_on_the_web_with_its_reasons(send, federation, app, editor):
    page = f"/federation/{federation}/templates"
    response = send(page, files={"package": (bad_package(), "slecht.pbt")}, to=f"{page}/import", nav=None)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Het pakket werd niet ingelezen" in html and "&#39;..&#39; in een pad is niet toegelaten" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(SectorTemplate.id))) == 0


def test_web_import_adds_a_next_version_and_refuses_a_clash(app, styled, publish, send, editor_client, federation):
    publish(styled)
    v1 = editor_client.get(f"/federation/templates/{styled}/versions/1/export").data
    send(f"/federation/templates/{styled}/elements/learning", {"tpl-training-state": "locked"})
    publish(styled, "Vorming vastgelegd.")
    v2 = editor_client.get(f"/federation/templates/{styled}/versions/2/export").data
    page = f"/federation/{federation}/templates"
    same = send(page, files={"package": (v1, "v1.pbt")}, to=f"{page}/import", nav=None)
    assert same.status_code == 302
    assert "al aanwezig" in editor_client.get(same.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        schema = app.extensions["policybuilder.schema"]
        template, logo = import_package(v2, schema, FONTS)
        clash = dict(template_to_json(template), release_notes="Iets anders.")
    with app.app_context():
        changed = export_package(template_from_json(clash, schema, FONTS), logo)
    refused = send(page, files={"package": (changed, "v2-anders.pbt")}, to=f"{page}/import", nav=None)
    assert refused.status_code == 422
    assert "Versie 2 van “Protocol jeugdhulp” bestaat al met een andere inhoud." in refused.get_data(as_text=True)
    assert [v.number for v in versions_of(app, styled)] == [1, 2]


def test_usage_counts_protocols_and_organisations_only(app, styled, publish, editor_client, federation, make_org, make_protocol):
    publish(styled)
    [v1] = versions_of(app, styled)
    linde, eik = make_org("VZW De Linde"), make_org("VZW De Eik")
    secret = "Geheime afspraak van De Linde"
    for organisation in (linde, linde, eik):
        protocol_id = make_protocol(organisation_id=organisation, answers={"learning": {"training": secret}})
        with app.app_context():
            db.session.get(Protocol, protocol_id).template_version_id = v1.id
            db.session.commit()
    make_protocol(organisation_id=eik)  # without a template: not counted
    html = editor_client.get(f"/federation/{federation}/templates").get_data(as_text=True)
    assert "<tr><td>Protocol jeugdhulp</td><td>1</td><td>3</td><td>2</td></tr>" in html
    assert secret not in html and "VZW De Linde" not in html and "VZW De Eik" not in html
