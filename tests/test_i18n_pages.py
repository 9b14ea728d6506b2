"""French pages have no Dutch interface text; the language is chosen per person, per browser, else Dutch."""
from __future__ import annotations

import io
import json
import re
from datetime import datetime, timezone
from html import unescape
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from flask_babel import format_decimal
from sqlalchemy import select

from policybuilder.approvals import service as approvals_service
from policybuilder.extensions import db
from policybuilder.models import Organisation, Protocol, ProtocolVersion, SectorTemplate, User
from policybuilder.schema_store import get_schema

from .conftest import PASSWORD
from .federation.conftest import editor, editor_client, federation  # noqa: F401 (fixtures)
from .security import test_templates as packages  # the module, so that its tests are not collected here too
from .sector.test_package import build_zip, entries_of
from .browser.pages import APPROVER, DRAFTER, EDITOR, build_site, page_urls
from .document.language import answer_texts, language_of, without_answers
from .forms import read_form
from .test_i18n import PLACEHOLDER, PO

FR = {"Accept-Language": "fr-BE,fr;q=0.9"}


def dutch_fragments() -> list[str]:
    """The Dutch msgids (12 characters or more) and their pieces between placeholders (20 or more) that their French lacks."""
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    fragments = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        french = " ".join(message.string) if isinstance(message.string, tuple) else message.string
        for msgid in ids:
            pieces = PLACEHOLDER.split(msgid)
            shortest = 12 if len(pieces) == 1 else 20  # a short piece ("van het protocol") also occurs in other text
            for piece in pieces:
                for line in piece.split("\n"):
                    line = " ".join(line.split()).strip(" ,.:;()“”")
                    if len(line) >= shortest and line not in french:
                        fragments.add(line)
    return sorted(fragments)


DUTCH = dutch_fragments()


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """What a person reads or hears in the interface: text nodes and title/aria-label/placeholder/alt values.

    Scripts are left out, and so is every element marked in another language than the page's (the protocol's Dutch
    document in a French preview, a language named in itself): that text is meant to be in that language.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.language = ""  # the page's, from <html lang>
        self._skip = 0  # depth inside a skipped element

    def handle_starttag(self, tag, attrs):
        lang = (dict(attrs).get("lang") or "")[:2]
        if tag == "html":
            self.language = lang
            return
        if tag in VOID:
            if not self._skip:
                self.parts.extend(value or "" for name, value in attrs if name in ("title", "aria-label", "placeholder", "alt"))
            return
        if self._skip or tag in ("script", "style") or lang not in ("", self.language):
            self._skip += 1
            return
        self.parts.extend(value or "" for name, value in attrs if name in ("title", "aria-label", "placeholder", "alt"))

    def handle_endtag(self, tag):
        if self._skip and tag not in VOID:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def dutch_in(html: str) -> list[str]:
    text = page_text(html)
    return [fragment for fragment in DUTCH if fragment in text]


@pytest.fixture
def site(app):
    """The page walk's organisation, protocol (two versions) and federation, every person with French chosen."""
    built = build_site(app)
    with app.app_context():
        db.session.execute(User.__table__.update().values(locale="fr"))
        db.session.commit()
    return built


def _client_of(app, email: str):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user_id = user.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def test_the_fragments_are_real_dutch_interface_text():
    assert len(DUTCH) > 400
    assert "Nog in te vullen in deze stap" in DUTCH


def test_every_page_in_french_has_no_dutch_interface_text(app, site):
    with app.app_context():
        federation = db.session.get(SectorTemplate, site.template).organisation_id
        steps = get_schema().keys
    clients = {}
    pages = [*page_urls(site), *(("wizard step " + key, DRAFTER, f"/protocols/{site.protocol}/steps/{key}", 200) for key in steps)]
    problems = {}
    for name, who, path, status in pages:
        client = clients.setdefault(who, _client_of(app, who) if who else app.test_client())
        response = client.get(path.format(federation=federation), headers=FR)
        assert response.status_code == status, (name, response.status_code)
        html = response.get_data(as_text=True)
        assert '<html lang="fr-BE">' in html, name
        if found := dutch_in(html):
            problems[name] = found
    assert not problems, problems
    assert len(pages) >= 25


def test_the_error_pages_403_and_409_are_french(app, site):
    admin = _client_of(app, DRAFTER)
    # A link for someone who already has a password: refused with the 403 page.
    users_page = admin.get(f"/organisations/{site.organisation}/users").get_data(as_text=True)
    token = dict(read_form(users_page))["csrf_token"]
    response = admin.post(f"/organisations/{site.organisation}/users/{site.member}/link", data={"csrf_token": token}, headers=FR)
    assert response.status_code == 403
    assert not dutch_in(response.get_data(as_text=True))
    assert "Vous ne pouvez créer un lien" in page_text(response.get_data(as_text=True))
    # Deciding on a version that was decided meanwhile: the 409 page.
    approver = _client_of(app, APPROVER)
    page = approver.get(f"/protocols/{site.protocol}/versions/2").get_data(as_text=True)
    fields = {"approve-csrf_token": dict(read_form(page))["csrf_token"], "approve-name": "Mieke Janssens", "approve-function": "Directrice", "approve-in_force_date": "2027-01-01",
              "approve-next_review_date": "2028-01-01"}
    with app.app_context():
        version = db.session.scalar(select(ProtocolVersion).filter_by(protocol_id=site.protocol, number=2))
        version.status = "returned"
        db.session.commit()
    response = approver.post(f"/protocols/{site.protocol}/versions/2/approve", data=fields, headers=FR)
    assert response.status_code == 409
    text = page_text(response.get_data(as_text=True))
    assert "Quelqu'un d'autre vous a devancé" in text
    assert not dutch_in(response.get_data(as_text=True))


def test_validation_messages_follow_the_interface_language(anon_client, drafter, token):
    empty = {"csrf_token": token(anon_client, "/login"), "email": "", "password": ""}
    french = page_text(anon_client.post("/login", data=empty, headers=FR).get_data(as_text=True))
    dutch = page_text(anon_client.post("/login", data=empty).get_data(as_text=True))
    assert "Ce champ est requis." in french  # WTForms' own French
    assert "Dit veld is vereist." in dutch


def _language(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_own_setting_beats_the_browser_which_beats_dutch(app, client, drafter):
    assert _language(client.get("/").get_data(as_text=True)) == "nl-BE"  # nothing chosen, no Accept-Language
    assert _language(client.get("/", headers=FR).get_data(as_text=True)) == "fr-BE"
    assert _language(client.get("/", headers={"Accept-Language": "de, en;q=0.5"}).get_data(as_text=True)) == "nl-BE"
    with app.app_context():
        db.session.get(User, drafter).locale = "nl"
        db.session.commit()
    assert _language(client.get("/", headers=FR).get_data(as_text=True)) == "nl-BE"  # the person's own setting wins


def test_the_switch_keeps_the_choice_for_an_anonymous_visitor(anon_client, drafter):
    page = anon_client.get("/login").get_data(as_text=True)
    token = dict(read_form(page))["csrf_token"]
    response = anon_client.post("/language", data={"csrf_token": token, "language": "fr", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = anon_client.get("/login").get_data(as_text=True)
    assert _language(page) == "fr-BE" and "Se connecter" in page_text(page)
    assert _language(anon_client.get("/login", headers={"Accept-Language": "nl"}).get_data(as_text=True)) == "fr-BE"


def test_a_language_picked_before_logging_in_becomes_the_accounts(app, anon_client, drafter, token):
    with app.app_context():
        db.session.get(User, drafter).locale = "nl"
        db.session.commit()
    anon_client.post("/language", data={"csrf_token": token(anon_client, "/login"), "language": "fr", "next": "/login"})
    anon_client.post("/login", data={"csrf_token": token(anon_client, "/login"), "email": "an.drafter@delinde.be",
                                     "password": PASSWORD})
    with app.app_context():
        assert db.session.get(User, drafter).locale == "fr"
    assert "Vos protocoles" in page_text(anon_client.get("/").get_data(as_text=True))


def test_the_switch_saves_a_logged_in_persons_language(app, client, drafter, token):
    response = client.post("/language", data={"csrf_token": token(client, "/"), "language": "fr", "next": "/"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, drafter).locale == "fr"
    # Another device of the same person (a new session) also gets French.
    other = app.test_client()
    with app.app_context():
        user_id = db.session.get(User, drafter).get_id()
    with other.session_transaction() as session:
        session["_user_id"] = user_id
    assert "Vos protocoles" in page_text(other.get("/").get_data(as_text=True))


def test_the_switch_refuses_an_unknown_language_and_an_expired_form(app, client, drafter):
    assert client.post("/language", data={"language": "de"}).status_code == 400
    response = client.post("/language", data={"language": "fr", "next": "/"}, follow_redirects=True)
    assert "Dit formulier was verlopen" in page_text(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(User, drafter).locale is None


def test_the_settings_page_offers_the_language(app, client, org, token):
    page = client.get(f"/organisations/{org}/settings").get_data(as_text=True)
    assert "Taal van de interface" in page_text(page)
    assert 'name="language" value="fr"' in page


def test_dates_and_numbers_follow_the_interface_language(app):
    moment = datetime(2026, 12, 1, 14, 5, tzinfo=timezone.utc)  # 15:05 in Brussels
    with app.test_request_context(headers=FR):
        assert approvals_service._when(moment) == "01/12/2026 à 15:05"
        assert format_decimal(1234.5) == "1\u202f234,5"
    with app.test_request_context():
        assert approvals_service._when(moment) == "01/12/2026 om 15:05"
        assert format_decimal(1234.5) == "1.234,5"


def test_mail_goes_out_in_the_recipients_language(app, monkeypatch, make_user, org):
    from policybuilder.auth import mail

    sent = []
    monkeypatch.setattr(mail, "_send", lambda to, subject, body: sent.append((to, subject, body)))
    french = make_user("claire@delinde.be", ("drafter",), org, name="Claire Dubois")
    dutch = make_user("jan@delinde.be", ("drafter",), org, name="Jan Claes")
    with app.app_context():
        db.session.get(User, french).locale = "fr"
        db.session.commit()
        with app.test_request_context(headers={"Accept-Language": "nl"}):  # the sender reads Dutch
            mail.send_link(db.session.get(User, french), "https://x/set")
            mail.send_invitation(db.session.get(User, dutch), "VZW De Linde", "https://x/inv")
    assert sent[0][1] == "Votre accès à policybuilder" and sent[0][2].startswith("Bonjour Claire Dubois,")
    assert sent[1][1] == "Uitnodiging van VZW De Linde in policybuilder" and sent[1][2].startswith("Dag Jan Claes,")


def test_the_500_page_after_a_database_error_is_in_the_persons_language(app, client, drafter, submitted, token, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        db.session.get(User, drafter).locale = "fr"
        db.session.commit()

    def broken_submit(protocol, user, *_):
        db.session.add(ProtocolVersion(protocol=protocol, number=1, answers={}, content_hash="x", submitted_by=user))
        db.session.flush()  # a second version 1: refused, the transaction left failed

    monkeypatch.setattr(approvals_service, "submit", broken_submit)
    response = client.post(f"/protocols/{submitted}/submit", data={"csrf_token": token(client, "/")})
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté." in page_text(response.get_data(as_text=True))


def imported_in_french(editor_client, federation: int, archive: bytes):
    """Import ``archive`` in the federation editor with a French browser: the refused response and its text."""
    url = f"/federation/{federation}/templates"
    token = dict(read_form(editor_client.get(url).get_data(as_text=True)))["csrf_token"]
    response = editor_client.post(f"{url}/import", data={"csrf_token": token, "package": (io.BytesIO(archive), "sjabloon.pbt")},
                                  content_type="multipart/form-data", headers=FR)
    assert response.status_code == 422
    return response, unescape(response.get_data(as_text=True))


def imported_by_command(runner, tmp_path, archive: bytes):
    """``flask import-template`` of ``archive`` from a French shell."""
    path = tmp_path / "sjabloon.pbt"
    path.write_bytes(archive)
    return runner.invoke(args=["import-template", str(path)], env={"LANG": "fr_BE.UTF-8"})


def test_a_refused_package_is_worded_in_the_interface_language_and_in_dutch_by_the_commands(app, editor_client, federation, runner, tmp_path):
    archive = packages.package(packages.with_clause_text(packages.prose(5001)))
    response, page = imported_in_french(editor_client, federation, archive)
    # French words, and the numbers grouped the French way (a narrow no-break space).
    assert "clauses/learning/0/text/nl: trop long (5\u202f001 caractères, max. 5\u202f000)" in page
    assert not dutch_in(response.get_data(as_text=True)) and "te lang" not in page
    # The command line speaks Dutch, whatever the shell's language.
    result = imported_by_command(runner, tmp_path, archive)
    assert "clauses/learning/0/text/nl: te lang (5.001 tekens, max 5.000)" in result.output, result.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"profile": {"name": "x" * 30_000}}), encoding="utf-8")
    result = runner.invoke(args=["render", str(bad), "--output", str(tmp_path / "out.pdf")])
    assert result.exit_code == 2 and "profile/name: te lang (30.000 tekens, max 20.000)" in result.output, result.output


BLOCKS = {"p", "li", "label", "legend", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "caption", "summary",
          "figcaption", "blockquote", "option", "button", "div", "section", "fieldset", "form", "main", "nav", "header",
          "footer", "article", "aside", "details", "table", "tr", "ul", "ol", "dl", "span", "a", "strong", "em", "small"}


class _Blocks(HTMLParser):
    """The visible text of a page in blocks (paragraphs, labels, list items, headings…), each block's own text apart from
    the blocks inside it; typed fields (textarea), scripts and every element in another language than the page's are left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.language = ""
        self._open: list[tuple[str, list[str] | None]] = []  # (tag, its text, or None when skipped)

    def handle_starttag(self, tag, attrs):
        lang = (dict(attrs).get("lang") or "")[:2]
        if tag == "html":
            self.language = lang
            return
        if tag in VOID:
            return
        skipped = (self._open and self._open[-1][1] is None) or tag in ("script", "style", "textarea", "template") \
            or lang not in ("", self.language)
        inline = tag in ("span", "a", "strong", "em", "small", "code", "abbr", "b", "i", "time", "mark", "sup", "sub", "bdi")
        if skipped:
            self._open.append((tag, None))
        elif inline and self._open:
            self._open.append((tag, self._open[-1][1]))  # inline text belongs to the block around it
        else:
            self._open.append((tag, []))

    def handle_endtag(self, tag):
        if tag in VOID or not any(open_tag == tag for open_tag, _ in self._open):
            return
        while self._open:
            open_tag, parts = self._open.pop()
            if parts is not None and (not self._open or self._open[-1][1] is not parts):
                text = " ".join(" ".join(parts).split())
                if text:
                    self.blocks.append(text)
            if open_tag == tag:
                return

    def handle_data(self, data):
        if self._open and self._open[-1][1] is not None:
            self._open[-1][1].append(data)


def dutch_blocks(html: str, typed: list[str]) -> list[str]:
    """The page's visible text blocks that read as Dutch once the drafter's typed texts (``typed``) are taken out."""
    parser = _Blocks()
    parser.feed(html)
    assert parser.language == "fr"
    return [block for block in parser.blocks if language_of(without_answers(block, typed)) == "nl"]


def test_the_block_check_finds_dutch_schema_text_and_skips_typed_and_marked_dutch():
    page = ('<html lang="fr-BE"><body><h2>Qui contacter ?</h2><label>Wie is de vertrouwenspersoon van het team?</label>'
            '<p>Texte de <strong>vous</strong> et <span lang="nl">dit is een Nederlandse naam van de dienst</span>.</p>'
            '<textarea>Dit is wat je typte in het veld</textarea><ul><li>Wij bellen de politie als het nodig is</li></ul></body></html>')
    assert dutch_blocks(page, []) == ["Wie is de vertrouwenspersoon van het team?", "Wij bellen de politie als het nodig is"]
    assert dutch_blocks(page, ["Wij bellen de politie als het nodig is"]) == ["Wie is de vertrouwenspersoon van het team?"]


@pytest.mark.parametrize("answers_language", ["nl", "fr"])
def test_french_wizard_review_and_editor_pages_show_no_dutch_schema_text(app, site, answers_language):
    with app.app_context():
        protocol = db.session.get(Protocol, site.protocol)
        answers = {**protocol.answers, "profile": {**protocol.answers.get("profile", {}), "document_language": answers_language}}
        protocol.answers = answers
        db.session.commit()
        federation = db.session.get(SectorTemplate, site.template).organisation_id
        steps = get_schema().keys
        names = [name for (name,) in db.session.execute(select(Organisation.name))]
    typed = answer_texts(answers) + names
    drafter, editor = _client_of(app, DRAFTER), _client_of(app, EDITOR)
    pages = [(drafter, f"/protocols/{site.protocol}/steps/{key}") for key in steps]
    pages += [(drafter, f"/protocols/{site.protocol}/review"), (editor, f"/federation/templates/{site.template}/elements/procedure"),
              (editor, f"/federation/{federation}/templates")]
    problems = {}
    for client, path in pages:
        response = client.get(path, headers=FR)
        assert response.status_code == 200, path
        if found := dutch_blocks(response.get_data(as_text=True), typed):
            problems[path] = found
    assert not problems, problems


def test_a_package_with_a_scripted_logo_is_refused_in_french_for_the_editor_and_in_dutch_by_the_command(app, editor_client, federation, runner, tmp_path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    archive = build_zip([*entries_of(packages.package(packages.valid_template())), ("logo.svg", svg)])
    response, page = imported_in_french(editor_client, federation, archive)
    assert "logo.svg : <script> n'est pas autorisé." in page
    assert "style/logo dans template.json indique aucun logo, le paquet contient logo.svg." in page
    assert not dutch_in(response.get_data(as_text=True)) and "niet toegelaten" not in page
    result = imported_by_command(runner, tmp_path, archive)
    assert "logo.svg: <script> is niet toegelaten." in result.output, result.output
    assert "style/logo in template.json noemt geen logo, het pakket bevat logo.svg." in result.output
