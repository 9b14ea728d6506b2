"""Editing in a real browser: Enter never destroys anything, autosave survives reloads, restarts and a second tab,
the live preview follows the typing, the review page lands on the missing field, and 390 px needs no side scroll."""
from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import WSGIRequestHandler, make_server

from policybuilder import create_app
from policybuilder.answers import is_empty, value
from policybuilder.extensions import db
from policybuilder.models import Protocol
from policybuilder.schema import ELEMENT_ORDER
from policybuilder.schema_store import get_schema

from .test_wizard_journey import log_in

SAVED = re.compile(r"Bewaard om \d\d:\d\d")


class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: no kept-alive connection outlives a stopped server."""

    protocol_version = "HTTP/1.0"


class Server:
    """A live server that can be stopped and started again on the same port, as after a restart."""

    def __init__(self, app):
        self.app, self.port, self.server = app, 0, None

    def start(self, app=None) -> str:
        self.server = make_server("127.0.0.1", self.port, app or self.app, threaded=True, request_handler=OneRequestPerConnection)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(app):
    """Return the restartable server; it is stopped after the test."""
    running = Server(app)
    yield running
    running.stop()
    with app.app_context():
        db.session.remove()


@pytest.fixture
def drafting(app, server, page, drafter, make_protocol):
    """A logged-in drafter's page, the server's address and a new protocol's id."""
    base = server.start()
    protocol_id = make_protocol()
    log_in(page, base, "an.drafter@delinde.be")
    return page, base, protocol_id


def normalised(answer):
    if is_empty(answer):
        return None
    if isinstance(answer, list):
        return [normalised(item) for item in answer]
    if isinstance(answer, dict):
        return {k: v for k, v in answer.items() if v not in (None, "")}
    return answer


def effective(app, protocol_id: int) -> dict:
    """Every answer the document would use (given or default), empty row cells left out."""
    with app.app_context():
        answers = db.session.get(Protocol, protocol_id).answers
        schema = get_schema()
        return {
            f"{e.key}.{q.id}": normalised(value(schema, answers, f"{e.key}.{q.id}"))
            for e in schema.elements for q in e.questions
        }


def changed(before: dict, after: dict) -> dict:
    return {ref: after[ref] for ref in after if after[ref] != before[ref]}


def row_cell(answers: dict, ref: str, row: int, field: str):
    return (answers[ref][row] if row < len(answers[ref]) else {}).get(field)


def fields_to_try(schema, key: str) -> list[tuple[str, str, str | None]]:
    """(type, input id, group ref or None): one field of every type on step ``key``, group row fields in row 2."""
    chosen: dict[str, tuple[str, str, str | None]] = {}
    for question in schema.element(key).questions:
        if question.type == "group":
            for field in question.fields:
                row = 1 if len(value(schema, {}, f"{key}.{question.id}") or []) > 1 else 0
                kind = f"group/{field.type}"
                suffix = "-0" if field.type in ("yesno", "choice", "multichoice") else ""
                chosen.setdefault(kind, (field.type, f"{question.id}-{row}-{field.id}{suffix}", f"{key}.{question.id}"))
        else:
            suffix = "-0" if question.type in ("yesno", "choice", "multichoice") else ""
            long = question.type == "text" and len(value(schema, {}, f"{key}.{question.id}") or "") > 30
            chosen.setdefault("text/wrapped" if long else question.type, (question.type, f"{question.id}{suffix}", None))
    return list(chosen.values())


def test_enter_in_every_field_type_of_every_step_changes_only_the_typed_answer(app, drafting):
    page, base, protocol_id = drafting
    with app.app_context():
        schema = get_schema()
    tried = []
    for key in ELEMENT_ORDER:
        for kind, input_id, group in fields_to_try(schema, key):
            page.goto(f"{base}/protocols/{protocol_id}/steps/{key}")
            before = effective(app, protocol_id)
            field = page.locator(f"#{input_id}")
            field.scroll_into_view_if_needed()
            field.focus()
            wrapped = field.evaluate("element => element.classList.contains('one-line')")
            if kind == "textarea":
                page.keyboard.press("Control+End")
                page.keyboard.type(" eerste")
                page.keyboard.press("Enter")
                page.keyboard.type("tweede")
                assert field.input_value().endswith(" eerste\ntweede"), "Enter in a text area is a new line"
                expect(page.locator("#autosave-status")).to_have_text(SAVED, timeout=10_000)
            elif kind == "text":
                page.keyboard.press("Control+End")
                page.keyboard.type("X")
                with page.expect_navigation():
                    page.keyboard.press("Enter")
            else:
                with page.expect_navigation():
                    page.keyboard.press("Enter")
            expect(page.locator(f"#{input_id}")).to_be_attached()
            diff = changed(before, effective(app, protocol_id))
            tried.append((key, kind, input_id, wrapped))
            if kind in ("text", "textarea"):
                ref, _sep, cell = input_id.rpartition("-") if group else (None, None, None)
                typed_ref = group or f"{key}.{input_id}"
                assert list(diff) == [typed_ref], (key, input_id, diff)
                if group:
                    row = int(ref.rsplit("-", 1)[1])
                    new, old = row_cell(diff, typed_ref, row, cell), row_cell(before, typed_ref, row, cell)
                    assert new == (old or "") + ("X" if kind == "text" else " eerste\ntweede"), (key, input_id)
                    rest = [r for i, r in enumerate(diff[typed_ref]) if i != row]
                    assert rest == [r for i, r in enumerate(before[typed_ref]) if i != row], "other rows unchanged"
                else:
                    old = before[typed_ref] or ""
                    assert diff[typed_ref] == old + ("X" if kind == "text" else " eerste\ntweede")
            else:
                assert diff == {}, (key, input_id, diff)
    assert {kind for _key, kind, _id, _wrapped in tried} >= {"text", "textarea", "choice", "multichoice", "date", "number", "yesno"}
    assert any("-1-" in input_id for _key, _kind, input_id, _wrapped in tried), "a field of row 2 was tried"
    assert any(wrapped for _key, kind, _id, wrapped in tried if kind == "text"), "a long one-line answer shown wrapped was tried"


def test_autosave_keeps_typing_over_a_reload(app, drafting):
    page, base, protocol_id = drafting
    page.goto(f"{base}/protocols/{protocol_id}/steps/profile")
    page.get_by_label("Vestigingen").fill("Kerkstraat 1, 9000 Gent")
    expect(page.locator("#autosave-status")).to_have_text(SAVED, timeout=10_000)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.reload()
    expect(page.get_by_label("Vestigingen")).to_have_value("Kerkstraat 1, 9000 Gent")
    assert dialogs == [], "no leave-page warning once everything is saved"


def test_autosave_retries_after_a_server_restart(app, server, drafting):
    page, base, protocol_id = drafting
    page.goto(f"{base}/protocols/{protocol_id}/steps/profile")
    page.get_by_label("Vestigingen").fill("Voor de herstart")
    server.stop()
    page.get_by_label("Vestigingen").fill("Getypt terwijl de server herstart")
    expect(page.locator("#autosave-status")).to_contain_text("Niet bewaard", timeout=10_000)
    expect(page.get_by_role("button", name="Opnieuw proberen")).to_be_visible()
    assert leaving_warns(page), "leaving now would lose text: the browser asks first"
    restarted = create_app({key: app.config[key] for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "DOCUMENT_CACHE_DIR")})
    server.start(restarted)
    expect(page.locator("#autosave-status")).to_have_text(SAVED, timeout=20_000)
    assert effective(app, protocol_id)["profile.sites"] == "Getypt terwijl de server herstart"
    assert not leaving_warns(page)


def leaving_warns(page) -> bool:
    """Whether the page's beforeunload handler asks the browser to warn."""
    return page.evaluate("() => { const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; }")


def test_refused_input_is_marked_in_place_and_cleared_once_fixed(app, drafting):
    page, base, protocol_id = drafting
    page.goto(f"{base}/protocols/{protocol_id}/steps/profile")
    count = page.get_by_label("Aantal werknemers")
    count.fill("-3")
    expect(page.locator("#autosave-status")).to_have_text("Niet bewaard: controleer de gemarkeerde velden.", timeout=10_000)
    expect(page.locator("#worker_count-error")).to_contain_text("1 en 100000")
    expect(count).to_have_attribute("aria-invalid", "true")
    assert effective(app, protocol_id)["profile.worker_count"] is None
    count.fill("64")
    expect(page.locator("#autosave-status")).to_have_text(SAVED, timeout=10_000)
    expect(page.locator(".progress li.current .state")).to_have_text("onvolledig")
    expect(page.locator("#worker_count-error")).to_have_count(0)
    expect(count).not_to_have_attribute("aria-invalid", "true")
    assert effective(app, protocol_id)["profile.worker_count"] == 64


def test_a_second_tab_autosaving_an_old_revision_gets_the_conflict_page(app, drafting):
    page, base, protocol_id = drafting
    url = f"{base}/protocols/{protocol_id}/steps/profile"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)
    page.get_by_label("Vestigingen").fill("Tekst uit tabblad een")
    expect(page.locator("#autosave-status")).to_have_text(SAVED, timeout=10_000)
    other.get_by_label("Vestigingen").fill("Tekst uit tabblad twee")
    expect(other.get_by_role("heading", name="Deze stap werd intussen door iemand anders bewaard")).to_be_visible(timeout=10_000)
    expect(other.get_by_label("Vestigingen")).to_have_value("Tekst uit tabblad twee")
    expect(other.locator(".stored-text", has_text="Tekst uit tabblad een")).to_be_visible()
    assert effective(app, protocol_id)["profile.sites"] == "Tekst uit tabblad een"


def test_the_live_preview_shows_a_new_contact_name(app, drafting, tmp_path):
    page, base, protocol_id = drafting
    page.goto(f"{base}/protocols/{protocol_id}/steps/contacts")
    preview = page.locator("#step-preview-body")
    expect(preview).not_to_contain_text("Sofie Claes")
    page.locator("#internal_contacts-0-name").fill("Sofie Claes")
    expect(preview).to_contain_text("Sofie Claes", timeout=10_000)
    page.screenshot(path=str(tmp_path / "contacts-1280.png"))


def test_a_removed_row_comes_back_with_one_click(app, drafting):
    page, base, protocol_id = drafting
    page.goto(f"{base}/protocols/{protocol_id}/steps/contacts")
    page.locator("#internal_contacts-1-name").fill("Tweede Persoon")
    expect(page.locator("#autosave-status")).to_have_text(SAVED, timeout=10_000)
    page.get_by_role("button", name="Rij 2 verwijderen").click()
    expect(page.get_by_text("Rij 2 verwijderd.")).to_be_visible()
    assert "Tweede Persoon" not in str(effective(app, protocol_id)["contacts.internal_contacts"])
    page.get_by_role("button", name="Ongedaan maken").click()
    expect(page.locator("#internal_contacts-1-name")).to_have_value("Tweede Persoon")
    assert effective(app, protocol_id)["contacts.internal_contacts"][1]["name"] == "Tweede Persoon"


def test_a_review_link_lands_on_the_missing_field_and_highlights_it(app, drafting, make_protocol):
    page, base, _protocol_id = drafting
    rows = [{"role": "Leidinggevende", "name": "Els Maes", "phone": "09"}, {"role": "Vertrouwenspersoon", "name": "Jan Peeters"}]
    protocol_id = make_protocol(answers={"contacts": {"internal_contacts": rows}})
    page.goto(f"{base}/protocols/{protocol_id}/review")
    page.get_by_role("link", name="Interne contactpersonen, rij 2: Telefoon").click()
    target = page.locator("#internal_contacts-1-phone")
    expect(target).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#internal_contacts-1-phone-error")).to_have_text("Dit antwoord ontbreekt nog.")
    assert page.evaluate("document.querySelector(':target').id") == "internal_contacts-1-phone"
    expect(target).to_be_in_viewport()
    outline = page.evaluate("getComputedStyle(document.querySelector(':target')).outlineStyle")
    assert outline == "solid"
    expect(page.locator(".progress li.current")).to_contain_text("onvolledig")


@pytest.mark.parametrize("path", ["steps/profile", "steps/procedure", "steps/contacts", "steps/external_support", "review"])
def test_390_px_wide_pages_do_not_scroll_sideways(app, drafting, path, tmp_path):
    page, base, protocol_id = drafting
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/protocols/{protocol_id}/{path}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_role("button", name="Afmelden")).to_be_in_viewport()
    if path.startswith("steps"):
        expect(page.locator("#step-preview")).not_to_have_attribute("open", "")
        textareas = page.locator("form.step-form textarea")
        for index in range(textareas.count()):
            clipped = textareas.nth(index).evaluate("t => t.scrollHeight > t.clientHeight + 1 || t.clientWidth < 250")
            assert not clipped, f"text area {index} of {path} clips its text"
    page.screenshot(path=str(tmp_path / f"{path.replace('/', '-')}-390.png"), full_page=True)


def test_the_step_list_says_complete_once_autosave_stored_the_last_missing_answer(app, drafting):
    page, base, protocol_id = drafting
    page.goto(f"{base}/protocols/{protocol_id}/steps/procedure")
    state = page.locator(".progress li.current .state")
    expect(state).to_have_text("onvolledig")
    page.locator("#evidence_location").fill("map Incidenten op de gedeelde schijf, enkel voor de leidinggevende")
    expect(page.locator("#autosave-status")).to_have_text(SAVED, timeout=10_000)
    expect(state).to_have_text("✓ volledig")
    page.reload()
    expect(state).to_contain_text("volledig")
    expect(page.locator(".progress li.current")).to_have_class(re.compile(r"\bcomplete\b"))
