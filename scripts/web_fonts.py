"""Write the HTML preview's fonts: WOFF2 subsets of the Liberation TTFs (enough for Dutch and French).

Run once after changing a font: `.venv/bin/python scripts/web_fonts.py`. It writes
policybuilder/document/assets/fonts/web/<name>.<hash>.woff2 (the content hash in the name, so that
a browser may keep each file a year) and prints the @font-face rules for document.css. The PDF keeps
embedding the full TTFs.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from fontTools import subset

FONTS = Path(__file__).resolve().parent.parent / "policybuilder" / "document" / "assets" / "fonts"
WEB = FONTS / "web"
#: Basic Latin, Latin-1, Latin Extended-A, general punctuation (dashes, quotes, bullet, ellipsis), euro, trade mark, minus.
UNICODES = "U+0020-007E,U+00A0-017F,U+2010-2027,U+2030-203A,U+20AC,U+2122,U+2212"
FACES = {"Regular": "", "Bold": "font-weight: bold; ", "Italic": "font-style: italic; ", "BoldItalic": "font-weight: bold; font-style: italic; "}
FAMILIES = {"LiberationSans": "Arial", "LiberationSerif": "Times New Roman"}


def write_subset(source: Path) -> Path:
    """The WOFF2 subset of ``source``, named after its content."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    temporary = WEB / f"{source.stem}.woff2"
    subset.save_font(font, str(temporary), options)
    digest = hashlib.sha256(temporary.read_bytes()).hexdigest()[:10]
    target = WEB / f"{source.stem}.{digest}.woff2"
    temporary.replace(target)
    return target


def main() -> None:
    """Write every subset and the licence, remove stale subsets, print the @font-face rules."""
    WEB.mkdir(exist_ok=True)
    written = {write_subset(FONTS / f"{family}-{face}.ttf") for family in FAMILIES for face in FACES}
    for stale in set(WEB.glob("*.woff2")) - written:
        stale.unlink()
    shutil.copyfile(FONTS / "LICENSE-Liberation.txt", WEB / "LICENSE-Liberation.txt")
    for path in sorted(written):
        family, face = path.name.split(".")[0].split("-")
        sys.stdout.write(f'  @font-face {{ font-family: "{FAMILIES[family]}"; src: url(fonts/web/{path.name}) format("woff2"); {FACES[face]}}}\n')


if __name__ == "__main__":
    main()
