"""Template packages: a faithful round trip, and every kind of bad package refused with its reason."""
from __future__ import annotations

import dataclasses
import io
import json
import random
import struct
import zipfile
import zlib

import pytest
from PIL import Image

from policybuilder.sector import PackageError, TemplateStyle, export_package, import_package
from policybuilder.sector import package as package_module

from .conftest import FONTS

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#123456"/></svg>'


def png(width: int = 20, height: int = 10) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


def with_logo(template, name):
    return dataclasses.replace(template, style=dataclasses.replace(template.style, logo=name))


def build_zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def entries_of(package: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def replaced(package: bytes, name: str, content: bytes) -> bytes:
    return build_zip([(n, content if n == name else c) for n, c in entries_of(package)])


def refused(data: bytes, schema) -> list[str]:
    with pytest.raises(PackageError) as caught:
        import_package(data, schema, FONTS)
    return caught.value.problems


@pytest.mark.parametrize("name, logo", [("logo.png", png()), ("logo.svg", SVG), (None, None)])
def test_export_import_round_trip(template, schema, name, logo):
    template = with_logo(template, name)
    imported, imported_logo = import_package(export_package(template, logo), schema, FONTS)
    assert imported == template
    assert imported_logo == logo


def test_export_is_deterministic_and_sorted(template):
    first = export_package(template)
    assert first == export_package(template)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["RELEASE_NOTES.txt", "template.json"]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_export_refuses_a_logo_the_template_does_not_name(template):
    with pytest.raises(PackageError):
        export_package(template, png())


def test_not_a_zip(schema):
    assert refused(b"PK\x03\x04 this is not really a zip", schema) == ["Het pakket is geen geldig zipbestand."]


def test_invalid_json(template, schema):
    problems = refused(replaced(export_package(template), "template.json", b'{"name": '), schema)
    assert len(problems) == 1 and problems[0].startswith("template.json is geen geldige JSON")


def test_unknown_question_id(template, schema, template_json):
    template_json["questions"]["procedure.does_not_exist"] = {"state": "open", "default": "x"}
    package = replaced(export_package(template), "template.json", json.dumps(template_json).encode())
    assert refused(package, schema) == ["template.json: questions/procedure.does_not_exist: onbekende vraag 'procedure.does_not_exist'"]


def test_oversized_package(template, schema):
    noise = random.Random(6).randbytes(6 * 1024 * 1024)  # does not compress
    package = build_zip([*entries_of(export_package(template)), ("logo.png", noise)])
    assert len(package) > package_module.MAX_PACKAGE_BYTES
    assert refused(package, schema) == ["Het pakket is groter dan 5 MB."]


def test_zip_bomb(template, schema):
    zeros = bytes(30 * 1024 * 1024)
    assert len(zlib.compress(zeros)) < 100_000
    package = build_zip([(n, zeros if n == "RELEASE_NOTES.txt" else c) for n, c in entries_of(export_package(template))])
    assert len(package) < package_module.MAX_PACKAGE_BYTES
    problems = refused(package, schema)
    assert "RELEASE_NOTES.txt pakt uit tot meer dan 100 keer zijn grootte: mogelijk een zipbom." in problems


def test_header_that_understates_the_size(schema):
    """The member is refused, its content never used."""
    package = build_zip([("template.json", bytes(5 * 1024 * 1024))])
    real = (5 * 1024 * 1024).to_bytes(4, "little")  # the size field in the local header and the central directory
    assert package.count(real) == 2
    package = package.replace(real, (100).to_bytes(4, "little"))
    assert refused(package, schema) == [
        "template.json is beschadigd (Bad CRC-32 for file 'template.json').",
        "Het pakket bevat geen template.json.",
    ]


def test_total_unpacked_size_is_bounded(template, schema, monkeypatch):
    monkeypatch.setattr(package_module, "MAX_UNPACKED_BYTES", 1000)
    problems = refused(export_package(template), schema)
    assert "Uitgepakt zijn de bestanden samen groter dan 0 MB." in problems


@pytest.mark.parametrize(
    "name, reason",
    [
        ("../template.json", "'..' in een pad is niet toegelaten"),
        ("images/../../etc/passwd", "'..' in een pad is niet toegelaten"),
        ("/etc/passwd", "een absoluut pad is niet toegelaten"),
        ("C:/logo.png", "een absoluut pad is niet toegelaten"),
        ("images\\logo.png", "een backslash in een bestandsnaam is niet toegelaten"),
        ("setup.py", "onverwacht bestand"),
        ("images/", "onverwacht bestand"),
    ],
)
def test_bad_names(template, schema, name, reason):
    package = build_zip([*entries_of(export_package(template)), (name, b"x")])
    [problem] = refused(package, schema)
    assert problem.startswith(f"{name!r}: {reason}")


def test_duplicate_names(template, schema):
    entries = entries_of(export_package(template))
    with pytest.warns(UserWarning, match="Duplicate name"):
        package = build_zip([*entries, ("template.json", b"{}")])
    problems = refused(package, schema)
    assert problems[0] == "'template.json' komt 2 keer voor in het pakket."


def test_too_many_files(template, schema):
    package = build_zip([*entries_of(export_package(template)), *((f"extra{n}.txt", b"") for n in range(9))])
    assert refused(package, schema) == ["Het pakket bevat 11 bestanden; hoogstens 10 zijn toegelaten."]


def test_missing_files(template, schema):
    assert refused(build_zip([("RELEASE_NOTES.txt", b"")]), schema) == ["Het pakket bevat geen template.json."]
    package = build_zip([e for e in entries_of(export_package(template)) if e[0] != "RELEASE_NOTES.txt"])
    assert refused(package, schema) == ["RELEASE_NOTES.txt ontbreekt of verschilt van release_notes in template.json."]


def test_fake_png(template, schema):
    package = export_package(with_logo(template, "logo.png"), png())
    problems = refused(replaced(package, "logo.png", b"Dit is gewoon tekst met een andere naam."), schema)
    assert len(problems) == 1 and problems[0].startswith("logo.png is geen geldige PNG-afbeelding")


def test_truncated_png(template, schema):
    package = export_package(with_logo(template, "logo.png"), png())
    problems = refused(replaced(package, "logo.png", png(200, 200)[:-40]), schema)
    assert len(problems) == 1 and problems[0].startswith("logo.png is geen geldige PNG-afbeelding")


def test_png_too_large(template, schema):
    package = export_package(with_logo(template, "logo.png"), png())
    assert refused(replaced(package, "logo.png", png(2001, 10)), schema) == [
        "logo.png is 2001x10 pixels; hoogstens 2000x2000 is toegelaten."
    ]


def test_logo_must_match_the_style(template, schema):
    package = build_zip([*entries_of(export_package(template)), ("logo.png", png())])
    assert refused(package, schema) == ["style/logo in template.json noemt geen logo, het pakket bevat logo.png."]


@pytest.mark.parametrize(
    "svg, reason",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script> is niet toegelaten"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "het attribuut onload (script) is niet toegelaten"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
            "<foreignObject> is niet toegelaten",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="http://evil.example/x.png"/></svg>',
            "de externe verwijzing 'http://evil.example/x.png' is niet toegelaten",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>', "de externe verwijzing"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/svg+xml;base64,PHN2Zz4="/></svg>', "de externe verwijzing"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://x/y.css);</style></svg>', "<style> verwijst naar"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://x/#p)"/></svg>', "het attribuut fill verwijst naar"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "een DOCTYPE",
        ),
        (b'<?xml-stylesheet href="http://x/y.css"?><svg xmlns="http://www.w3.org/2000/svg"/>', "processing instructions"),
        (b"<html><body/></html>", "het hoofdelement is geen <svg>"),
        (b"<svg", "logo.svg is geen geldige SVG"),
    ],
)
def test_unsafe_svg(template, schema, svg, reason):
    package = export_package(with_logo(template, "logo.svg"), SVG)
    problems = refused(replaced(package, "logo.svg", svg), schema)
    assert any(reason in p for p in problems), problems


def test_svg_may_embed_an_image_and_use_internal_references(template, schema):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs>'
        b'<rect fill="url(#g)"/><image href="data:image/png;base64,iVBORw0KGgo="/><use href="#g"/></svg>'
    )
    _, logo = import_package(export_package(with_logo(template, "logo.svg"), svg), schema, FONTS)
    assert logo == svg


def test_every_problem_is_listed_at_once(template, schema):
    package = build_zip(
        [("template.json", b"nope"), ("../x", b""), ("logo.png", b"fake"), ("RELEASE_NOTES.txt", b"")]
    )
    problems = refused(package, schema)
    assert len(problems) == 3, problems
    assert problems[0].startswith("'../x'")
    assert problems[1].startswith("template.json is geen geldige JSON")
    assert problems[2].startswith("logo.png is geen geldige PNG")


def test_style_overlay_survives_the_package(template, schema):
    template = dataclasses.replace(template, style=TemplateStyle(primary_colour="#000000"))
    imported, _ = import_package(export_package(template), schema, FONTS)
    assert imported.style == TemplateStyle(primary_colour="#000000")


def png_header(width: int, height: int) -> bytes:
    """A PNG that only claims its size: the pixel data is missing."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_png_dimensions_are_checked_before_decoding(template, schema):
    package = export_package(with_logo(template, "logo.png"), png())
    assert refused(replaced(package, "logo.png", png_header(5000, 5000)), schema) == [
        "logo.png is 5000x5000 pixels; hoogstens 2000x2000 is toegelaten."
    ]
    assert refused(replaced(package, "logo.png", png_header(40000, 40000)), schema) == ["logo.png is geen geldige PNG-afbeelding."]
    assert refused(replaced(package, "logo.png", png_header(50, 50)), schema) == ["logo.png is geen geldige PNG-afbeelding."]


def test_a_dutch_only_text_is_refused_naming_its_place(template, schema, template_json):
    """A package carries every text in both languages: a Dutch-only one is refused with its path, in Dutch."""
    del template_json["clauses"]["procedure"][0]["text"]["fr"]
    template_json["questions"]["procedure.first_step"]["default"] = "Meld het aan de teamcoach."
    package = replaced(export_package(template), "template.json", json.dumps(template_json).encode())
    assert refused(package, schema) == [
        "template.json: clauses/procedure/0/text/fr: de Franse tekst ontbreekt",
        "template.json: questions/procedure.first_step/default: de Franse tekst ontbreekt (schrijf {\"nl\": …, \"fr\": …})",
    ]
