"""Template packages (.pbt): a zip of template.json, an optional logo and RELEASE_NOTES.txt.

The import trusts nothing in the file: sizes are bounded while reading, names are
checked before anything is read, and every problem found is reported at once.
"""
from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Collection

from flask_babel import gettext as _
from lxml import etree
from PIL import Image, ImageFile

from ..schema import Schema
from ..validation import ContentError, count, parse_json
from .errors import PackageError, TemplateError
from .template import Template, template_from_json, template_to_json

MB = 1024 * 1024
TEMPLATE_FILE = "template.json"
NOTES_FILE = "RELEASE_NOTES.txt"
LOGO_FILES = ("logo.png", "logo.svg")
ALLOWED_NAMES = frozenset({TEMPLATE_FILE, NOTES_FILE, *LOGO_FILES})
MAX_PACKAGE_BYTES = 5 * MB
MAX_UNPACKED_BYTES = 20 * MB
MAX_FILES = 10
MAX_RATIO = 100  # uncompressed / compressed size of one member
RATIO_FLOOR = 64 * 1024  # members smaller than this may compress as well as they like
MAX_LOGO_BYTES = 1 * MB
MAX_LOGO_PIXELS = 2000
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
SVG_FORBIDDEN = frozenset({"script", "foreignObject"})
IMAGE_DATA_URL = re.compile(r"data:image/(png|jpeg|gif);base64,", re.IGNORECASE)
CSS_EXTERNAL = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import", re.IGNORECASE)
DRIVE = re.compile(r"^[A-Za-z]:")


def export_package(template: Template, logo_bytes: bytes | None = None) -> bytes:
    """The .pbt package of ``template``: the same input always gives the same bytes."""
    if (template.style.logo is None) != (logo_bytes is None):
        raise PackageError([_("Geef een logo mee als en alleen als style/logo van de template een logo noemt.")])
    files = {
        TEMPLATE_FILE: json.dumps(template_to_json(template), ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n",
        NOTES_FILE: template.release_notes.encode(),
    }
    if logo_bytes is not None:
        problems = _logo_problems(template.style.logo, logo_bytes)
        if problems:
            raise PackageError(problems)
        files[template.style.logo] = logo_bytes
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def import_package(data: bytes, schema: Schema, fonts: Collection[str]) -> tuple[Template, bytes | None]:
    """The template and logo in a .pbt package; PackageError lists every problem, in the interface language (Dutch outside a request)."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError([_("Het pakket is groter dan %(size)s MB.", size=count(MAX_PACKAGE_BYTES // MB))])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageError([_("Het pakket is geen geldig zipbestand.")]) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_FILES:
            raise PackageError([_("Het pakket bevat %(number)s bestanden; hoogstens %(max)s zijn toegelaten.",
                                   number=count(len(infos)), max=count(MAX_FILES))])
        problems = [problem for info in infos if (problem := _name_problem(info.filename))]
        counts = Counter(info.filename for info in infos)
        problems += [_("%(name)s komt %(number)s keer voor in het pakket.", name=repr(name), number=count(times))
                     for name, times in counts.items() if times > 1]
        files = _read_members(archive, [i for i in infos if i.filename in ALLOWED_NAMES and counts[i.filename] == 1], problems)
    template = _read_template(files, schema, fonts, problems)
    logo_name, logo = _read_logo(files, problems)
    if template is not None:
        if template.style.logo != logo_name:
            none = _("geen logo")
            problems.append(_("style/logo in template.json noemt %(named)s, het pakket bevat %(found)s.",
                              named=template.style.logo or none, found=logo_name or none))
        if files.get(NOTES_FILE) != template.release_notes.encode():
            problems.append(_("%(name)s ontbreekt of verschilt van release_notes in template.json.", name=NOTES_FILE))
    if problems:
        raise PackageError(problems)
    return template, logo


def _name_problem(name: str) -> str | None:
    """Why ``name`` may not be in a package, or None."""
    if "\\" in name:
        return f"{name!r}: " + _("een backslash in een bestandsnaam is niet toegelaten.")
    if name.startswith("/") or DRIVE.match(name):
        return f"{name!r}: " + _("een absoluut pad is niet toegelaten.")
    if ".." in name.split("/"):
        return f"{name!r}: " + _("'..' in een pad is niet toegelaten.")
    if name not in ALLOWED_NAMES:
        return f"{name!r}: " + _("onverwacht bestand (toegelaten: %(names)s).", names=", ".join(sorted(ALLOWED_NAMES)))
    return None


def _read_members(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], problems: list[str]) -> dict[str, bytes]:
    """Unpack the members, never more than the limits allow, whatever their headers say."""
    files = {}
    budget = MAX_UNPACKED_BYTES
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.append(_("%(name)s is versleuteld of gebruikt een niet-ondersteunde compressie.", name=info.filename))
            continue
        ratio_cap = max(RATIO_FLOOR, MAX_RATIO * info.compress_size)
        cap = min(budget, ratio_cap)
        try:
            with archive.open(info) as handle:
                content = handle.read(cap + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            problems.append(_("%(name)s is beschadigd (%(error)s).", name=info.filename, error=exc))
            continue
        if len(content) > cap:
            problems.append(
                _("Uitgepakt zijn de bestanden samen groter dan %(size)s MB.", size=count(MAX_UNPACKED_BYTES // MB))
                if budget <= ratio_cap
                else _("%(name)s pakt uit tot meer dan %(ratio)s keer zijn grootte: mogelijk een zipbom.", name=info.filename, ratio=count(MAX_RATIO))
            )
            break
        budget -= len(content)
        files[info.filename] = content
    return files


def _read_template(files: dict[str, bytes], schema: Schema, fonts: Collection[str], problems: list[str]) -> Template | None:
    if TEMPLATE_FILE not in files:
        problems.append(_("Het pakket bevat geen %(name)s.", name=TEMPLATE_FILE))
        return None
    try:
        data = parse_json(files[TEMPLATE_FILE].decode("utf-8"), TEMPLATE_FILE)
    except UnicodeDecodeError as exc:
        problems.append(_("%(name)s is geen geldige UTF-8-tekst (%(reason)s op byte %(position)s).",
                           name=TEMPLATE_FILE, reason=exc.reason, position=exc.start))
        return None
    except ContentError as exc:
        problems.extend(exc.problems)
        return None
    try:
        return template_from_json(data, schema, fonts, complete=True)
    except TemplateError as exc:
        problems.extend(f"{TEMPLATE_FILE}: {problem}" for problem in exc.problems)
        return None


def _read_logo(files: dict[str, bytes], problems: list[str]) -> tuple[str | None, bytes | None]:
    names = [name for name in LOGO_FILES if name in files]
    if len(names) > 1:
        problems.append(_("Het pakket bevat zowel logo.png als logo.svg; er mag maar één logo in zitten."))
    if len(names) != 1:
        return None, None
    problems.extend(_logo_problems(names[0], files[names[0]]))
    return names[0], files[names[0]]


def _logo_problems(name: str, content: bytes) -> list[str]:
    if len(content) > MAX_LOGO_BYTES:
        return [_("%(name)s is groter dan %(size)s MB.", name=name, size=count(MAX_LOGO_BYTES // MB))]
    return _png_problems(content) if name == "logo.png" else _svg_problems(content)


def _png_problems(content: bytes) -> list[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=["PNG"]) as image:
                width, height = image.size
                if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:  # checked before any pixel is decoded
                    return [_("logo.png is %(width)sx%(height)s pixels; hoogstens %(max)sx%(max)s is toegelaten.",
                              width=width, height=height, max=MAX_LOGO_PIXELS)]
                image.verify()
            with Image.open(io.BytesIO(content), formats=["PNG"]) as image:
                _load_strictly(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return [_("logo.png is geen geldige PNG-afbeelding.")]
    return []


def _load_strictly(image) -> None:
    """Decode every pixel, refusing a truncated file.

    WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import; a logo must be whole,
    so the check turns it off while this one image decodes.
    """
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _svg_problems(content: bytes) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        return [_("logo.svg is geen geldige SVG (%(error)s).", error=exc)]
    tree = root.getroottree()
    problems = []
    if tree.docinfo.doctype:
        problems.append(_("logo.svg: een DOCTYPE (en dus entiteiten) is niet toegelaten."))
    if tree.xpath("//processing-instruction()"):
        problems.append(_("logo.svg: processing instructions (zoals xml-stylesheet) zijn niet toegelaten."))
    if root.tag != SVG_ROOT:
        problems.append(_("logo.svg: het hoofdelement is geen <svg>."))
    for element in root.iter(etree.Element):
        tag = etree.QName(element).localname
        if tag in SVG_FORBIDDEN:
            problems.append(_("logo.svg: <%(tag)s> is niet toegelaten.", tag=tag))
        if tag == "style" and CSS_EXTERNAL.search(element.text or ""):
            problems.append(_("logo.svg: <style> verwijst naar een extern bestand."))
        for key, value in element.attrib.items():
            attribute = etree.QName(key).localname
            if attribute.lower().startswith("on"):
                problems.append(_("logo.svg: het attribuut %(name)s (script) is niet toegelaten.", name=attribute))
            elif attribute == "href" and not (value.startswith("#") or IMAGE_DATA_URL.match(value)):
                problems.append(_("logo.svg: de externe verwijzing %(value)s is niet toegelaten.", value=repr(value[:80])))
            elif CSS_EXTERNAL.search(value):
                problems.append(_("logo.svg: het attribuut %(name)s verwijst naar een extern bestand.", name=attribute))
    return problems


logo_problems = _logo_problems
