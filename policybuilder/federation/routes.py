"""Federation editor views: validate, act, redirect."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from ..access import organisation_or_404
from ..filenames import slug
from ..locale import interface_language
from ..errors import Conflict
from ..extensions import db
from ..models import Organisation, SectorTemplate, StaleRevision
from ..schema import Element, Question, text
from ..schema_store import get_schema
from ..sector import PackageError, TemplateError, export_package, import_package, untranslated
from ..sector.template import LANGS
from ..sector.package import MAX_LOGO_BYTES, MAX_PACKAGE_BYTES, MB, logo_problems
from ..wizard.forms import as_int, ensure_one_row, from_form_data, to_form_data, without_removed_row
from . import drafts, service
from .forms import PAIRS, ClauseForm, DraftForm, ImportForm, NewTemplateForm, PublishForm, StyleForm, french_form_class, overlay_form_class
from .store import FONTS, template_of, usage

bp = Blueprint("federation", __name__, url_prefix="/federation")
EDITOR = "federation_editor"
LOGO_NAMES = {".png": "logo.png", ".svg": "logo.svg"}


@bp.context_processor
def _pages_context() -> dict:
    return {"schema": get_schema()}


def federation_or_404(organisation_id: int) -> Organisation:
    """A federation in which the current user is a federation editor (404 outside it, 403 without the role)."""
    organisation = organisation_or_404(organisation_id, EDITOR)
    if organisation.kind != "federation":
        abort(404)
    return organisation


def template_or_404(template_id: int) -> SectorTemplate:
    """A template of a federation the current user edits for."""
    row = db.get_or_404(SectorTemplate, template_id)
    federation_or_404(row.organisation_id)
    return row


# -- the federation's templates ------------------------------------------------------------------------------------

@bp.route("/<int:organisation_id>/templates", methods=["GET", "POST"])
@login_required
def index(organisation_id: int):
    federation = federation_or_404(organisation_id)
    form = NewTemplateForm()
    if form.validate_on_submit():
        try:
            row = service.create(federation, form.name.data)
        except service.Refused as exc:
            form.name.errors.append(str(exc))
        else:
            flash(_("Het sjabloon “%(name)s” is aangemaakt.", name=row.name), "success")
            return redirect(url_for(".template", template_id=row.id))
    return _index_page(federation, form, ImportForm(formdata=None), _invalid(form)), 422 if form.errors else 200


@bp.post("/<int:organisation_id>/templates/import")
@login_required
def import_template(organisation_id: int):
    federation = federation_or_404(organisation_id)
    # A package may be larger than the application's request limit; its own checks say why it is refused.
    request.max_content_length = MAX_PACKAGE_BYTES + MB
    form = ImportForm()
    problems = _invalid(form)
    if form.validate_on_submit():
        schema = get_schema()
        try:
            template, logo = import_package(form.package.data.read(), schema, FONTS)
            row, version = service.store_import(federation, template, logo, schema, current_user)
        except PackageError as exc:
            problems = exc.problems
        except service.Refused as exc:
            problems = [str(exc)]
        else:
            flash(_imported_message(row, version), "success")
            return redirect(url_for(".template", template_id=row.id))
    page = _index_page(federation, NewTemplateForm(formdata=None), form, problems, _("Het pakket werd niet ingelezen"))
    return page, 422


def _index_page(federation: Organisation, form, import_form, messages=(), title=None):
    templates = db.session.scalars(select(SectorTemplate).where(SectorTemplate.organisation_id == federation.id).order_by(SectorTemplate.name))
    schema = get_schema()
    return render_template(
        "federation/index.html", federation=federation, form=form, import_form=import_form, usage=usage(federation.id),
        templates=[(row, service.draft_changed(row, schema)) for row in templates], messages=messages, messages_title=title,
    )


def _imported_message(row: SectorTemplate, version) -> str:
    if version is None:
        return _("Dit pakket is al aanwezig als een versie van “%(name)s”; er werd niets toegevoegd.", name=row.name)
    return _("Versie %(n)s van “%(name)s” is ingelezen.", n=version.number, name=row.name)


# -- one template: overview, publish, export, preview -------------------------------------------------------------

@bp.get("/templates/<int:template_id>")
@login_required
def template(template_id: int):
    row = template_or_404(template_id)
    return _template_page(row, PublishForm(formdata=None, revision=row.revision))


@bp.post("/templates/<int:template_id>/publish")
@login_required
def publish(template_id: int):
    row = template_or_404(template_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            version = service.publish(row, form.release_notes.data, as_int(form.revision.data), get_schema(), current_user)
        except service.Refused as exc:
            form.release_notes.errors.append(str(exc))
            form.revision.data, form.revision.raw_data = row.revision, None
        except TemplateError as exc:  # a text without French (a draft from before French; the page lists where), a version past the limit
            db.session.rollback()
            untranslated = drafts.missing_french(row.draft, get_schema())
            form.release_notes.errors.extend([_("Vul de Franse teksten aan voor je een nieuwe versie publiceert.")] if untranslated else exc.problems)
        except Conflict as exc:  # published by someone else meanwhile: the typed notes are shown so they are not lost
            raise exc.keeping(form) from None
        else:
            flash(_("Versie %(n)s is gepubliceerd. Het concept blijft open voor de volgende versie.", n=version.number), "success")
            return redirect(url_for(".template", template_id=row.id))
    return _template_page(row, form, _invalid(form)), 422


def _template_page(row: SectorTemplate, publish_form: PublishForm, messages=()):
    schema, draft = get_schema(), row.draft
    counts = {
        element.key: (sum(ref.startswith(f"{element.key}.") for ref in draft["questions"]), len(draft.get("clauses", {}).get(element.key, ())))
        for element in schema.elements
    }
    return render_template(
        "federation/template.html", row=row, publish_form=publish_form, messages=messages, counts=counts,
        changed=service.draft_changed(row, schema), french_parts=_french_parts(row, drafts.missing_french(draft, schema)),
    )


@bp.get("/templates/<int:template_id>/preview")
@login_required
def preview(template_id: int):
    row = template_or_404(template_id)
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else "nl"
    html, logo_left_out = service.preview(row, get_schema(), lang)
    return render_template("federation/preview.html", row=row, document=Markup(html), logo_left_out=logo_left_out, lang=lang)


@bp.get("/templates/<int:template_id>/versions/<int:number>/export")
@login_required
def export(template_id: int, number: int):
    row = template_or_404(template_id)
    version = next((v for v in row.versions if v.number == number), None)
    if version is None:
        abort(404)
    data = export_package(template_of(version, get_schema()), version.logo)
    return send_file(BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=f"{slug(row.name, 'sjabloon')}-v{number}.pbt")


# -- editing the draft ----------------------------------------------------------------------------------------------

@bp.route("/templates/<int:template_id>/elements/<key>", methods=["GET", "POST"])
@login_required
def element(template_id: int, key: str):
    row, element = _element_or_404(template_id, key)
    if request.method == "GET":
        form, french = _question_form(row, element), _french_form(row, element)
        if request.args.get("add") in {q.id for q in element.questions if q.type == "group"}:
            form[request.args["add"]].append_entry()
        return _element_page(row, element, form, french=french)
    form = _step_form_class(key)()
    settings = overlay_form_class(element, interface_language())(request.form, prefix="tpl")
    french = french_form_class(element.questions, key)(request.form, prefix="fr")
    action = request.form.get("nav", "stay")
    valid = form.validate_on_submit() & settings.validate() & french.validate()  # all, so every field shows its error
    messages, status = _invalid(form, settings, french), 422
    if valid:
        entries, messages = _question_entries(row, element, form, settings, french, action)
        if entries is not None:
            messages, status = _store(row, drafts.with_questions(row.draft, entries), form, "template.questions")
        if not messages:
            flash(_("Het concept is bewaard."), "success")
            return redirect(_after_save(action, ".element", template_id=row.id, key=key))
    return _element_page(row, element, form, settings, french, messages=messages), status


@bp.post("/templates/<int:template_id>/elements/<key>/clauses")
@login_required
def add_clause(template_id: int, key: str):
    row, element = _element_or_404(template_id, key)
    form = ClauseForm(prefix="clause")
    messages, status = _clause_checked(form), 422
    if not messages:
        text, heading = _clause_texts(form)
        draft = drafts.with_clause(row.draft, get_schema(), key, text, form.basis.data, form.reference.data, heading)
        messages, status = _store(row, draft, form, "template.clause_add")
        if not messages:
            flash(_("De bepaling is toegevoegd."), "success")
            return redirect(url_for(".element", template_id=row.id, key=key, _anchor="clauses"))
    return _element_page(row, element, clause_form=form, messages=messages), status


@bp.post("/templates/<int:template_id>/elements/<key>/clauses/<clause_id>")
@login_required
def change_clause(template_id: int, key: str, clause_id: str):
    row, element = _element_or_404(template_id, key)
    if not any(c["id"] == clause_id for c in row.draft.get("clauses", {}).get(key, [])):
        abort(404)
    form = ClauseForm(prefix=f"clause-{clause_id}")
    messages, status = _clause_checked(form), 422
    if not messages:
        text, heading = _clause_texts(form)
        draft = drafts.with_clause_changed(row.draft, key, clause_id, text, form.basis.data, form.reference.data, heading)
        messages, status = _store(row, draft, form, "template.clause_change")
        if not messages:
            flash(_("De bepaling is bewaard."), "success")
            return redirect(url_for(".element", template_id=row.id, key=key, _anchor=f"clause-{clause_id}"))
    return _element_page(row, element, changed_clause=(clause_id, form), messages=messages), status


def _clause_checked(form: ClauseForm) -> list[str]:
    """What keeps a clause form from being saved; a text without its French (or Dutch) gets the error at that field."""
    if not form.validate_on_submit():
        return _invalid(form)
    missing = [field for pair in ((form.text, form.text_fr), (form.heading, form.heading_fr)) if any(f.data for f in pair)
               for field in pair if not (field.data or "").strip()]
    for field in missing:
        field.errors = [*field.errors, str(MISSING_FRENCH if field.name.endswith("_fr") else MISSING_DUTCH)]
    return [_("Niet bewaard: elke tekst van het sjabloon staat er in het Nederlands en het Frans.")] if missing else []


def _clause_texts(form: ClauseForm) -> tuple[dict, dict]:
    return drafts.pair(form.text.data, form.text_fr.data), drafts.pair(form.heading.data, form.heading_fr.data)


@bp.post("/templates/<int:template_id>/elements/<key>/clauses/<clause_id>/remove")
@login_required
def remove_clause(template_id: int, key: str, clause_id: str):
    row = _element_or_404(template_id, key)[0]
    form = DraftForm()
    messages = _store(row, drafts.without_clause(row.draft, key, clause_id), form, "template.clause_remove")[0] if form.validate_on_submit() else _invalid(form)
    for message in messages:
        flash(message, "error")
    if not messages:
        flash(_("De bepaling is verwijderd."), "success")
    return redirect(url_for(".element", template_id=row.id, key=key, _anchor="clauses"))


@bp.route("/templates/<int:template_id>/contacts", methods=["GET", "POST"])
@login_required
def contacts(template_id: int):
    row = template_or_404(template_id)
    group = get_schema().question(drafts.CONTACTS_TARGET)
    form_class = _step_form_class(drafts.CONTACTS_TARGET.partition(".")[0])
    french_class = french_form_class((group,), "contacts")
    if request.method == "GET":
        form = form_class(formdata=None, data={group.id: to_form_data(group, drafts.shown_contacts(row.draft, group, "nl"))}, revision=row.revision)
        french = french_class(data={group.id: to_form_data(group, drafts.shown_contacts(row.draft, group, "fr"))}, prefix="fr")
        if request.args.get("add") == group.id:
            form[group.id].append_entry()
        return _contacts_page(row, group, form, french)
    form, french = form_class(), french_class(request.form, prefix="fr")
    action = request.form.get("nav", "stay")
    valid = form.validate_on_submit() & french.validate()
    messages, status = _invalid(form, french), 422
    if valid:
        paired = drafts.with_french(group, without_removed_row(group, form[group.id].data, action),
                                    without_removed_row(group, french[group.id].data, action))
        rows = from_form_data(group, paired)
        messages = _incomplete_rows(group, rows) + _missing_french(group, paired, french)
        if not messages:
            messages, status = _store(row, drafts.with_contacts(row.draft, rows), form, "template.contacts")
        if not messages:
            flash(_("De sectorcontacten zijn bewaard."), "success")
            return redirect(_after_save(action, ".contacts", template_id=row.id))
    return _contacts_page(row, group, form, french, messages), status


def _contacts_page(row: SectorTemplate, group: Question, form, french, messages=()):
    ensure_one_row(form, [group])
    _french_rows_follow(form, french, [group])
    product_rows = drafts.shown_value(row.draft, drafts.CONTACTS_TARGET, group)
    return render_template("federation/contacts.html", row=row, group=group, form=form, french=french, product_rows=product_rows or [],
                           messages=messages, french_parts=_french_parts(row, drafts.missing_french(row.draft, get_schema())))


@bp.route("/templates/<int:template_id>/style", methods=["GET", "POST"])
@login_required
def style(template_id: int):
    row = template_or_404(template_id)
    if request.method == "GET":
        chosen = {key: value for key, value in row.draft.get("style", {}).items() if key != "logo"}
        data = {"primary_colour": "#1F4E79", "font": FONTS[0], **chosen}
        return _style_page(row, StyleForm(formdata=None, data=data, revision=row.revision))
    form = StyleForm()
    valid = form.validate_on_submit()
    messages, status = _invalid(form), 422
    if valid:
        logo_name, logo = _uploaded_logo(form.logo)
        messages = [_("Niet bewaard: het logo kan niet gebruikt worden.")] if form.logo.errors else []
        if not messages:
            kept = None if form.remove_logo.data else row.draft.get("style", {}).get("logo")
            columns = {"draft_logo": logo} if logo or form.remove_logo.data else {}
            draft = drafts.with_style(row.draft, logo=logo_name or kept, primary_colour=form.primary_colour.data.upper(),
                                      font=form.font.data, cover_text=form.cover_text.data, footer_text=form.footer_text.data)
            messages, status = _store(row, draft, form, "template.style", **columns)
        if not messages:
            flash(_("De huisstijl is bewaard."), "success")
            return redirect(url_for(".style", template_id=row.id))
    return _style_page(row, form, messages), status


def _style_page(row: SectorTemplate, form: StyleForm, messages=()):
    return render_template("federation/style.html", row=row, form=form, logo=row.draft.get("style", {}).get("logo"), messages=messages)


@bp.get("/templates/<int:template_id>/logo")
@login_required
def logo(template_id: int):
    """The draft's logo, shown on the house style page; a sandbox policy keeps an SVG opened on its own inert."""
    row = template_or_404(template_id)
    name = row.draft.get("style", {}).get("logo")
    if not name or row.draft_logo is None:
        abort(404)
    mimetype = "image/png" if name == "logo.png" else "image/svg+xml"
    response = send_file(BytesIO(row.draft_logo), mimetype=mimetype, download_name=name, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


# -- helpers ----------------------------------------------------------------------------------------------------------

def _element_or_404(template_id: int, key: str) -> tuple[SectorTemplate, Element]:
    row = template_or_404(template_id)
    schema = get_schema()
    if key not in schema.keys:
        abort(404)
    return row, schema.element(key)


def _step_form_class(key: str):
    """The wizard's own form for element ``key`` (labels in the interface language): the editor fills in the same fields as the members."""
    return current_app.extensions["policybuilder.forms"][(key, interface_language())]


def _question_form(row: SectorTemplate, element: Element):
    """The element's wizard form with the draft's defaults, else the product's."""
    data = {q.id: to_form_data(q, drafts.shown_value(row.draft, f"{element.key}.{q.id}", q)) for q in element.questions}
    return _step_form_class(element.key)(formdata=None, data=data, revision=row.revision)


def _french_form(row: SectorTemplate, element: Element):
    """The French of the element's wording as the draft holds it (empty where a text has no French yet)."""
    data = {q.id: to_form_data(q, drafts.shown_value(row.draft, f"{element.key}.{q.id}", q, "fr")) for q in element.questions}
    return french_form_class(element.questions, element.key)(data=data, prefix="fr")


def _french_rows_follow(form, french, questions) -> None:
    """Give each group's French as many rows as its Dutch (a row added in Dutch gets its French fields)."""
    for question in questions:
        if question.type == "group" and question.id in french:
            while len(french[question.id].entries) < len(form[question.id].entries):
                french[question.id].append_entry()


def _element_page(row: SectorTemplate, element: Element, form=None, settings=None, french=None, clause_form=None, changed_clause=None,
                  messages=()):
    form, french = form or _question_form(row, element), french or _french_form(row, element)
    if settings is None:
        overlays = {q.id: _overlay_data(row.draft["questions"].get(f"{element.key}.{q.id}", {})) for q in element.questions}
        settings = overlay_form_class(element, interface_language())(data=overlays, prefix="tpl")
    ensure_one_row(form, element.questions)
    _french_rows_follow(form, french, element.questions)
    clauses = row.draft.get("clauses", {}).get(element.key, [])
    clause_forms = {c["id"]: _clause_form(c, row.revision) for c in clauses if c["kind"] in ("paragraph", "note")}
    if changed_clause:
        clause_forms[changed_clause[0]] = changed_clause[1]
    missing = drafts.missing_french(row.draft, get_schema())
    return render_template(
        "federation/element.html", row=row, element=element, form=form, settings=settings, french=french, pairs=PAIRS,
        clause_form=clause_form or ClauseForm(formdata=None, prefix="clause", revision=row.revision), clause_forms=clause_forms,
        action=DraftForm(formdata=None, revision=row.revision), clauses=clauses, messages=messages, french_parts=_french_parts(row, missing),
        open_clause=changed_clause[0] if changed_clause else None,
        untranslated_refs={p.split("/")[1] for p in missing if p.startswith("questions/")},
    )


def _french_parts(row: SectorTemplate, problems: list[str]) -> list[tuple[str, str, int]]:
    """The editor's pages holding texts without French: (title, address, how many), in the editor's order."""
    counts: dict[str, int] = {}
    for problem in problems:
        parts = problem.split("/")
        key = "@contacts" if parts[0] == "contacts" else parts[1].partition(".")[0] if parts[0] in ("questions", "clauses") else None
        if key:
            counts[key] = counts.get(key, 0) + 1
    schema = get_schema()
    found = [(text(e.title, interface_language()), url_for(".element", template_id=row.id, key=e.key), counts[e.key]) for e in schema.elements if e.key in counts]
    if "@contacts" in counts:
        found.append((_("Sectorcontacten"), url_for(".contacts", template_id=row.id), counts["@contacts"]))
    return found


def _clause_form(clause: dict, revision: int) -> ClauseForm:
    """The form that edits a stored clause, filled with its texts in both languages."""
    heading, text = clause.get("heading") or {}, clause.get("text") or {}
    data = {"heading": heading.get("nl", ""), "heading_fr": heading.get("fr", ""), "text": text.get("nl", ""), "text_fr": text.get("fr", ""),
            "basis": clause["basis"]["kind"], "reference": clause["basis"].get("ref", ""), "revision": revision}
    return ClauseForm(formdata=None, prefix=f"clause-{clause['id']}", data=data)


def _overlay_data(entry: dict) -> dict:
    data = {"state": entry.get("state", "open")}
    for key in ("suggestion", "help"):
        wording = entry.get(key) or {}
        data.update({key: wording.get("nl", ""), f"{key}_fr": wording.get("fr", "")})
    return data


MISSING_FRENCH = _l("Vul ook de Franse tekst in: elke tekst van het sjabloon staat er in het Nederlands en het Frans.")
MISSING_DUTCH = _l("Vul ook de Nederlandse tekst in.")


def _question_entries(row: SectorTemplate, element: Element, form, settings, french, action: str) -> tuple[dict | None, list[str]]:
    """The draft entries of the element's questions, or None and the page's messages (each problem also at its field).

    A fixed question needs an answer; every text the template sets needs its French.
    """
    entries, fixed_empty, untranslated_texts = {}, False, False
    for question in element.questions:
        ref, overlay = f"{element.key}.{question.id}", settings[question.id]
        typed = french[question.id].data if question.id in french else None
        paired = drafts.with_french(question, without_removed_row(question, form[question.id].data, action),
                                    without_removed_row(question, typed, action) if question.type == "group" else typed)
        answer = from_form_data(question, paired)
        if overlay.state.data != "open" and answer is None:
            form[question.id].errors.append(_("Geef een antwoord: een vergrendelde of verborgen vraag gebruikt dit antwoord."))
            fixed_empty = True
        texts = {key: drafts.pair(overlay[key].data, overlay[f"{key}_fr"].data) for key in ("suggestion", "help")}
        for key, wording in texts.items():
            for lang, name, message in (("fr", f"{key}_fr", MISSING_FRENCH), ("nl", key, MISSING_DUTCH)):
                if wording and lang not in wording:
                    overlay[name].errors = [*overlay[name].errors, str(message)]
                    untranslated_texts = True
        entry = drafts.question_entry(question, overlay.state.data, answer, texts)
        if entry and "default" in entry and _missing_french(question, paired, french):
            untranslated_texts = True
        if question.translatable and answer is None and typed and typed.strip():
            form[question.id].errors.append(str(MISSING_DUTCH))
            untranslated_texts = True
        entries[ref] = entry
    messages = [_("Niet bewaard: een vergrendelde of verborgen vraag heeft een antwoord nodig.")] if fixed_empty else []
    if untranslated_texts:
        messages.append(_("Niet bewaard: elke tekst van het sjabloon staat er in het Nederlands en het Frans."))
    return (None if messages else entries), messages


def _missing_french(question: Question, paired, french) -> list[str]:
    """Put an error at each French field left empty beside a Dutch text of ``question``; the page's message if there is one."""
    places = untranslated(question, paired, "")
    for place in places:
        parts = [part for part in place.split("/") if part]
        field = french[question.id]
        if parts[-1:] == ["fr"]:
            parts.pop()
        if parts:
            field = field.entries[int(parts[0])].form[parts[1]]
        field.errors = [*field.errors, str(MISSING_FRENCH)]
    return [_("Niet bewaard: elke tekst van het sjabloon staat er in het Nederlands en het Frans.")] if places else []


def _store(row: SectorTemplate, draft: dict, form, action: str, **columns) -> tuple[list[str], int]:
    """Save ``draft``; on failure the messages to show and the status code (the typed text stays in ``form``)."""
    try:
        service.save_draft(row, draft, as_int(form.revision.data), get_schema(), action, **columns)
    except TemplateError as exc:
        for name, problems in drafts.problem_fields(exc.problems).items():
            if name in form:
                form[name].errors = [*form[name].errors, *problems]
        return [_("Niet bewaard: het sjabloon zou zo niet kloppen."), *exc.problems], 422
    except StaleRevision:
        db.session.refresh(row)
        form.revision.data, form.revision.raw_data = row.revision, None
        return [_("Niet bewaard: iemand anders bewaarde dit sjabloon intussen. Je tekst staat hieronder nog; "
                  "kijk hem na en bewaar opnieuw om hem te bewaren.")], 409
    return [], 200


def _invalid(*forms) -> list[str]:
    """What to say about forms that did not validate: an expired form, or fields to check."""
    errors = {name for form in forms for name in form.errors}
    if "csrf_token" in errors:
        return [_("Dit formulier was verlopen (het stond lang open of de server werd herstart). Je tekst staat er nog: bewaar opnieuw.")]
    return [_("Niet bewaard: controleer de velden met een foutmelding.")] if errors else []


def _uploaded_logo(field) -> tuple[str | None, bytes | None]:
    """The name and bytes of an uploaded logo, or (None, None); problems go to the field's errors."""
    storage = field.data
    if not storage:
        return None, None
    name = LOGO_NAMES.get(Path(storage.filename or "").suffix.lower())
    if name is None:
        field.errors.append(_("Kies een PNG- of SVG-bestand."))
        return None, None
    content = storage.read(MAX_LOGO_BYTES + 1)
    field.errors.extend(logo_problems(name, content))
    return (None, None) if field.errors else (name, content)


def _incomplete_rows(group: Question, rows: list[dict]) -> list[str]:
    required = [f for f in group.fields if f.required]
    messages = []
    for number, row in enumerate(rows, start=1):
        if missing := [text(f.label, interface_language()) for f in required if row.get(f.id) in (None, "")]:
            messages.append(_("Rij %(n)s: vul ook %(fields)s in.", n=number, fields=", ".join(missing)))
    return messages


def _after_save(action: str, endpoint: str, **values) -> str:
    if action.startswith("add:"):
        return url_for(endpoint, add=action[4:], _anchor=f"q-{action[4:]}", **values)
    if action.startswith(("section:", "remove:")):  # a section's own button: back to that section, open
        question = action.split(":")[1]
        return url_for(endpoint, open=question, _anchor=f"section-{question}", **values)
    return url_for(endpoint, **values)
