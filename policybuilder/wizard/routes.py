"""Wizard views: validate, act, redirect."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import format_datetime, get_locale
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import SelectChoice

from .. import audit
from ..access import protocol_or_404
from ..answers import (
    AnswersError,
    answer_text,
    answers_language,
    renumbered_rows,
    row_translations,
    rows_followed,
    typed_texts,
    validate_answers,
    value,
    with_row_translations,
)
from ..auth.forms import ActionForm
from ..documents.files import document_languages, render_ahead_of
from ..errors import Conflict
from ..extensions import db
from ..models import Protocol, StaleRevision
from ..recent import Recent
from ..protocols import copied_steps, latest_protocol, start_answers, with_profile_contacts
from ..federation.service import take_update, update_taken
from ..federation.store import template_of
from ..schema import text
from ..schema_store import get_schema
from ..sector import MergeError, merge, resolve
from ..textdiff import word_diff
from ..completion import open_placeholders
from ..warnings import page_warnings
from .dashboard import dashboard
from .forms import (
    CONTROL_CHARS,
    NewProtocolForm,
    StepForm,
    as_int,
    translations_form,
    ensure_one_row,
    error_links,
    field_errors,
    from_form_data,
    removal,
    sector_choices,
    to_form_data,
    too_many_rows,
    without_removed_row,
)
from .preview import saved_step_preview, step_preview
from .progress import missing_answers, missing_label, neighbour, step_states
from .templating import enforce_fixed, merge_choices, newer_version, published_templates, step_template
from .translations import translations as translation_list
from .translations import with_translations
from .widgets import control, describedby, group_row, help_and_errors

bp = Blueprint("wizard", __name__)
bp.add_app_template_global(control, "field_control")
bp.add_app_template_global(describedby, "field_describedby")
bp.add_app_template_global(help_and_errors, "field_help_and_errors")
bp.add_app_template_global(group_row)


def current_lang() -> str:
    """The language of the content: Dutch unless French is selected."""
    return "fr" if str(get_locale()).startswith("fr") else "nl"


@bp.app_context_processor
def wizard_helpers():
    lang = current_lang()
    return {
        "t": lambda wording: text(wording, lang),
        "display": lambda q, answer: display(q, answer, lang),
        "answer_text": lambda q, answer: answer_text(q, answer, lang),
        "missing_label": lambda gap: missing_label(gap, lang),
        "newer_template": newer_version,
        "page_warnings": lambda answers: page_warnings(answers, lang),
        "open_placeholders": lambda answers: open_placeholders(get_schema(), answers, lang),
    }


def per_revision(name: str, protocol: Protocol, make, *key):
    """``make()`` for the draft as it is (and ``key``): worked out once per draft revision (every save makes a new
    one), kept per app under ``name``."""
    return _kept(name, (protocol.revision, *key), protocol, make)


def _kept(name: str, key: tuple, protocol: Protocol, make):
    """``make()`` for ``protocol`` and ``key``, kept per app under ``name`` (the most recent 256)."""
    kept = current_app.extensions.setdefault(f"policybuilder.{name}", Recent(256))
    return kept.get((get_schema(), protocol.id, *key), make)


@bp.app_template_global()
def progress_nav(protocol: Protocol, states: list, current: str) -> Markup:
    """The wizard's list of steps (wizard/_progress.html) with ``current`` marked, written once for what it shows:
    each step's state, ``current``, whether translations are offered, the interface language. Most saves change
    none of these, so the list is written again only when one of them changes."""
    offered = current == "translations" or translation_count(protocol) > 0
    shown = tuple((state.key, state.number, state.saved, bool(state.missing)) for state in states)
    return _kept(
        "progress", (shown, current, offered, current_lang(), request.script_root), protocol,
        lambda: Markup(render_template("wizard/_progress.html", protocol=protocol, states=states, current=current,
                                       offered=offered, schema=get_schema())),
    )


@bp.app_template_global()
def translation_count(protocol: Protocol) -> int:
    """How many typed answers of the draft can be translated (the translations page is offered when there is one)."""
    return per_revision("translation_counts", protocol,
                        lambda: len(typed_texts(get_schema(), protocol.answers, document_languages(protocol.answers)[1])))


def display(question, answer, lang: str) -> str:
    """An answer as plain text, for showing a stored version beside the typed one."""
    return answer_text(question, answer, lang) or _("(leeg)")


@bp.get("/")
@login_required
def index():
    return render_template(
        "wizard/index.html", overview=dashboard(current_user, date.today()), step_count=len(get_schema().keys)
    )


@bp.route("/protocols/new", methods=["GET", "POST"])
@login_required
def new():
    drafting = [m.organisation for m in current_user.memberships if m.role == "drafter"]
    if not drafting:
        abort(403)
    schema = get_schema()
    templates = {v.id: v for v in published_templates()}
    sources = {p.id: p for o in drafting for p in sorted(o.protocols, key=lambda p: p.updated_at, reverse=True)}
    latest = latest_protocol(drafting[0])
    form = NewProtocolForm(organisation=drafting[0].id, name=drafting[0].name, sector=drafting[0].sector, template=0,
                           copy_from=latest.id if latest else 0)
    form.organisation.choices = [SelectChoice(o.id, o.name) for o in drafting]
    form.copy_from.choices = [SelectChoice(0, _("Niets: begin met een leeg profiel en de standaardrollen bij de contactpersonen"))] + [
        SelectChoice(p.id, _("Het profiel en de contactpersonen van “%(name)s” (%(organisation)s, laatst bewaard op %(when)s)",
                             name=p.title, organisation=p.organisation.name, when=format_datetime(p.updated_at, "dd/MM/yyyy")))
        for p in sources.values()
    ]
    form.sector.choices = sector_choices(schema, current_lang())
    form.template.choices = [SelectChoice(0, _("Geen sjabloon: de standaardtekst van policybuilder"))] + [
        SelectChoice(v.id, _("%(name)s van %(federation)s (versie %(n)s)", name=v.template.name,
                             federation=v.template.organisation.name, n=v.number))
        for v in templates.values()
    ]
    source = sources.get(form.copy_from.data)
    if form.is_submitted() and source is not None and source.organisation_id != form.organisation.data:
        form.copy_from.errors.append(_("Kies een protocol van de organisatie waarvoor je dit protocol maakt, of niets."))
    elif form.validate_on_submit():
        version = templates.get(form.template.data)
        template = template_of(version, schema) if version is not None else None
        answers = start_answers(form.name.data, form.sector.data, schema, source, template)
        protocol = Protocol(organisation_id=form.organisation.data, answers=answers,
                            saved_steps=copied_steps(answers, source), template_version=version)
        db.session.add(protocol)
        db.session.flush()
        audit.record("protocol.create", protocol.organisation_id, protocol, copied_from=source.id if source else None)
        db.session.commit()
        if source is None:
            flash(_("Protocol aangemaakt. Begin met het profiel van je organisatie."))
        else:
            flash(_("Protocol aangemaakt met het profiel en de contactpersonen van “%(name)s”. Kijk ze na en pas aan wat verschilt.", name=source.title))
        return redirect(url_for("wizard.step", protocol_id=protocol.id, key="profile"))
    _explain_expired(form)
    return render_template("wizard/new.html", form=form), 422 if form.errors else 200


@bp.route("/protocols/<int:protocol_id>/steps/<key>", methods=["GET", "POST"])
@login_required
def step(protocol_id: int, key: str):
    protocol, element, form_class = _step_parts(protocol_id, key)
    if request.method == "GET":
        form = form_class(data=_form_data(protocol, key), revision=protocol.revision)
        _add_row(form, element, request.args.get("add"))
        checked = _mark_missing(form, protocol, key) if request.args.get("check") else None
        ensure_one_row(form, element.questions)
        return render_template("wizard/step.html", **_page(protocol, element, form, checked=checked))

    form = form_class()
    action = request.form.get("nav", "stay")
    status, problem = _save(protocol, element, form, action)
    if status != 200:
        if problem:
            flash(problem, "error")
        ensure_one_row(form, element.questions)
        return render_template("wizard/step.html", **_page(protocol, element, form, conflict=status == 409)), status
    _report_saved(request.form, protocol, key, action)
    if _undo_of(protocol, key):
        return redirect(url_for("wizard.step", protocol_id=protocol.id, key=key, _anchor="undo-row"))
    return redirect(_target(protocol, key, action))


@bp.post("/protocols/<int:protocol_id>/steps/<key>/autosave")
@login_required
def autosave(protocol_id: int, key: str):
    """The step's form saved by the page's script: the same checks as the form, answered in JSON."""
    protocol, element, form_class = _step_parts(protocol_id, key)
    form = form_class()
    status, problem = _save(protocol, element, form, "stay")
    if status == 200:
        complete = not missing_answers(get_schema(), protocol.answers, key)
        return jsonify(revision=protocol.revision, complete=complete, state=_("volledig") if complete else _("onvolledig"))
    if status == 409:
        return jsonify(conflict=True, message=_("Deze stap werd intussen door iemand anders bewaard.")), 409
    body = {"errors": field_errors(form, element, current_lang()),
            "message": problem or _("Niet bewaard: controleer de gemarkeerde velden.")}
    if form.errors.get("csrf_token"):
        body["csrf_token"] = generate_csrf()
    return jsonify(body), 422


@bp.post("/protocols/<int:protocol_id>/steps/<key>/preview")
@login_required
def preview(protocol_id: int, key: str):
    """The part of the document this step produces, from the typed (unsaved) answers; nothing is stored."""
    protocol, element, form_class = _step_parts(protocol_id, key)
    form = form_class()
    if not form.validate_on_submit():
        return jsonify(errors=field_errors(form, element, current_lang())), 422
    step_answers = _collect(element, form, "stay")[0]
    overlay = step_template(protocol, element, get_schema())
    answers = {**protocol.answers, key: step_answers}
    if overlay:
        enforce_fixed(overlay, element, get_schema(), step_answers, {}, answers_language(get_schema(), answers))
    return step_preview(protocol, element, answers, document_languages(answers)[0])


@bp.get("/protocols/<int:protocol_id>/steps/<key>/preview")
@login_required
def saved_preview(protocol_id: int, key: str):
    """The part of the document this step produces, from the saved draft: the step page loads it after itself."""
    protocol, element, _form_class = _step_parts(protocol_id, key)
    return saved_step_preview(protocol, element, document_languages(protocol.answers)[0])


@bp.post("/protocols/<int:protocol_id>/steps/<key>/undo-remove")
@login_required
def undo_remove(protocol_id: int, key: str):
    """Put back the group row the last save removed, if nothing was saved since."""
    protocol, _element, _form_class = _step_parts(protocol_id, key)
    form = ActionForm()
    undo = _undo_of(protocol, key)
    if not form.validate_on_submit():
        _explain_expired(form)
    elif undo is None or as_int(request.form.get("revision")) != protocol.revision:
        flash(_("De rij kan niet meer teruggezet worden: de stap werd intussen opnieuw bewaard."), "error")
    else:
        step_answers = dict(protocol.answers.get(key, {}))
        rows = list(step_answers.get(undo["question"]) or [])
        rows.insert(undo["index"], undo["row"])
        step_answers[undo["question"]] = rows
        ref = f"{key}.{undo['question']}"
        others = renumbered_rows(protocol.answers, ref, lambda n: n + 1 if n >= undo["index"] else n)
        others = with_row_translations(others, ref, undo["index"], undo.get("translations") or {})
        try:
            protocol.save_step(key, step_answers, based_on=undo["revision"], others=others)
        except StaleRevision:
            flash(_("De rij kan niet meer teruggezet worden: de stap werd intussen opnieuw bewaard."), "error")
        else:
            audit.record("protocol.save", protocol.organisation_id, protocol, step=key, revision=protocol.revision)
            db.session.commit()
            flash(_("Rij %(n)s staat weer op haar plaats.", n=undo["number"]), "success")
    return redirect(url_for("wizard.step", protocol_id=protocol_id, key=key, _anchor=f"q-{undo['question']}" if undo else None))


@bp.get("/protocols/<int:protocol_id>/review")
@login_required
def review(protocol_id: int):
    schema = get_schema()
    protocol = protocol_or_404(protocol_id, "drafter")
    return render_template(
        "wizard/review.html", protocol=protocol, schema=schema, states=_step_states(schema, protocol),
        newer=newer_version(protocol),
    )


@bp.route("/protocols/<int:protocol_id>/translations", methods=["GET", "POST"])
@login_required
def translations(protocol_id: int):
    """The answers typed in the answers' language, each with a field for its translation into the other language."""
    protocol = protocol_or_404(protocol_id, "drafter")
    schema = get_schema()
    source_lang, target_lang = document_languages(protocol.answers)
    typed = translation_list(schema, protocol.answers, target_lang, current_lang())
    form = translations_form(typed)(data={item.field_name: item.translation for item in typed}, revision=protocol.revision)
    problems = []
    if form.validate_on_submit():
        posted = {item.key: form[item.field_name].data or "" for item in typed}
        confirmed = {item.key for item in typed if item.stale and form[item.confirm_name].data}
        answers = with_translations(protocol.answers, target_lang, typed, posted, confirmed)
        try:
            protocol.save_answers(validate_answers(schema, answers), based_on=as_int(form.revision.data))
        except AnswersError as exc:
            problems = exc.problems
        except StaleRevision:
            typed_text = {item.label: posted[item.key] for item in typed if posted[item.key].strip()}
            raise Conflict(_("Het concept werd intussen gewijzigd. Je vertalingen zijn niet bewaard; ze staan hieronder. "
                             "Open de vertalingen opnieuw en vul ze aan."), typed_text) from None
        else:
            audit.record("protocol.translations", protocol.organisation_id, protocol, language=target_lang, revision=protocol.revision)
            db.session.commit()
            render_ahead_of(protocol, delay=current_app.config["RENDER_AHEAD_DELAY"])
            flash(_("Je vertalingen zijn bewaard."), "success")
            return redirect(url_for("wizard.translations", protocol_id=protocol.id))
    _explain_expired(form)
    failed = form.is_submitted() and (form.errors or problems)
    return render_template(
        "wizard/translations.html", protocol=protocol, schema=schema, states=_step_states(schema, protocol), form=form,
        typed=typed, source_lang=source_lang, target_lang=target_lang, problems=problems,
    ), 422 if failed else 200


def _step_parts(protocol_id: int, key: str):
    """The protocol (404 unless the user drafts for it), the step's element and its form class."""
    schema = get_schema()
    protocol = protocol_or_404(protocol_id, "drafter")
    if key not in schema.keys:
        abort(404)
    return protocol, schema.element(key), current_app.extensions["policybuilder.forms"][(key, current_lang())]


def _save(protocol: Protocol, element, form: StepForm, action: str) -> tuple[int, str]:
    """Validate and store one step: (200, ""), (422, Dutch problem or "" when fields say it) or (409, "")."""
    if not form.validate_on_submit():
        return 422, _expired() if form.errors.get("csrf_token") else ""
    schema = get_schema()
    step_answers, removed = _collect(element, form, action)
    overlay = step_template(protocol, element, schema)
    lang = answers_language(schema, {**protocol.answers, element.key: step_answers})
    if overlay and (refused := enforce_fixed(overlay, element, schema, step_answers, request.form, lang)):
        labels = ", ".join(text(schema.question(ref).label, current_lang()) for ref in refused)
        return 422, _("Niet bewaard: deze antwoorden legde de federatie vast en kunnen niet gewijzigd worden: %(labels)s.", labels=labels)
    others = protocol.answers
    if removed:  # kept with the row, so that undo puts its translations back too
        removed["translations"] = row_translations(others, f"{element.key}.{removed['question']}", removed["number"] - 1)
    for question_id, places in _row_places(element, form, action).items():
        others = renumbered_rows(others, f"{element.key}.{question_id}", lambda n, places=places: places[n] if n < len(places) else None)
    if removed is None and element.key in protocol.saved_steps and {**others, element.key: step_answers} == protocol.answers:
        # Nothing changed ("Volgende" without an edit): no new revision, no audit event, the documents stay as made.
        return 200, ""
    try:
        protocol.save_step(element.key, step_answers, based_on=as_int(form.revision.data), removed_row=removed, others=others)
    except StaleRevision:
        db.session.refresh(protocol)
        form.revision.data, form.revision.raw_data = protocol.revision, None
        return 409, ""
    audit.record("protocol.save", protocol.organisation_id, protocol, step=element.key, revision=protocol.revision)
    _commit_as_written()
    render_ahead_of(protocol, delay=current_app.config["RENDER_AHEAD_DELAY"])
    return 200, ""


def _commit_as_written() -> None:
    """Commit without reading the rows back afterwards: the draft holds what the save wrote, and nobody could change
    it in between (the revision check's UPDATE held it until the commit)."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def _page(protocol: Protocol, element, form: StepForm, conflict: bool = False, checked=None) -> dict:
    """Everything the step template shows."""
    schema = get_schema()
    return {
        "protocol": protocol,
        "element": element,
        "form": form,
        "overlay": step_template(protocol, element, schema),
        "states": _step_states(schema, protocol),
        "schema": schema,
        "element_number": schema.keys.index(element.key) + 1,
        "previous": neighbour(schema, element.key, -1),
        "next": neighbour(schema, element.key, 1),
        "stored": protocol.answers.get(element.key, {}) if conflict else None,
        "error_links": error_links(form, element, current_lang()),
        "checked": checked,
        "undo": _undo_of(protocol, element.key),
        "warnings": _step_warnings(protocol, element.key),
        "words": _step_words(),
    }


def _step_words() -> dict[str, Markup]:
    """The fixed words of every step page (buttons, the autosave messages, the side panel) in the interface language,
    translated once per process and language: some twenty gettext calls a page otherwise."""
    kept = current_app.extensions.setdefault("policybuilder.step_words", {})
    locale = str(get_locale())
    if locale not in kept:
        kept[locale] = {name: Markup(words) for name, words in {
            "save": _("Opslaan"),
            "save_mine": _("Mijn versie bewaren"),
            "previous": _("Vorige"),
            "next": _("Volgende"),
            "to_review": _("Naar het overzicht"),
            "saving": _("Bezig met bewaren…"),
            "saved_at": _("Bewaard om %(time)s", time="{time}"),
            "not_saved": _("Niet bewaard"),
            "retry": _("Opnieuw proberen"),
            "invalid": _("Niet bewaard: controleer de gemarkeerde velden."),
            "unsaved": _("Je wijzigingen zijn nog niet bewaard."),
            "guidance": _("Hulp bij deze stap"),
            "preview": _("Voorbeeld: dit deel van het protocol"),
            "preview_stale": _("Het voorbeeld toont de laatst geldige tekst: verbeter eerst de gemarkeerde velden."),
            "preview_note": _("Zo komt deze stap in het document. Het voorbeeld volgt wat je typt."),
            "preview_label": _("Voorbeeld van dit deel van het protocol"),
            "whole_preview": _("Bekijk het voorbeeld van het hele protocol"),
        }.items()}
    return kept[locale]


def _step_states(schema, protocol: Protocol) -> list:
    """Where every step stands, for the navigation above the form."""
    return per_revision("step_states", protocol, lambda: step_states(schema, protocol))


def _step_warnings(protocol: Protocol, key: str) -> dict[str, list[str]]:
    """Question id -> the compliance warnings to show beside that question of step ``key``."""
    lang = current_lang()
    return per_revision("step_warnings", protocol, lambda: _warnings_by_question(protocol.answers, key, lang),
                        key, lang, date.today())


def _warnings_by_question(answers: dict, key: str, lang: str) -> dict[str, list[str]]:
    """The warnings about ``answers`` in step ``key``, by question id."""
    warnings: dict[str, list[str]] = {}
    for finding in page_warnings(answers, lang):
        step, _dot, question_id = finding.field.partition(".")
        if step == key:
            warnings.setdefault(question_id, []).append(finding.message)
    return warnings


def _form_data(protocol: Protocol, key: str) -> dict:
    """The answers of one step as form data, with default wording (in the answers' language) where nothing was saved yet."""
    schema = get_schema()
    lang = answers_language(schema, protocol.answers)
    answers = with_profile_contacts(schema, protocol.answers, lang)
    return {q.id: to_form_data(q, value(schema, answers, f"{key}.{q.id}", lang)) for q in schema.element(key).questions}


def _add_row(form: StepForm, element, question_id: str | None) -> None:
    """Add the empty row a "Rij toevoegen" button asked for, unless the group is full (then say so)."""
    group = next((q for q in element.questions if q.type == "group" and q.id == question_id), None)
    if group is None:
        return
    if len(form[group.id].entries) >= group.max_items:
        flash(too_many_rows(group.max_items), "error")
    else:
        form[group.id].append_entry()


def _mark_missing(form: StepForm, protocol: Protocol, key: str) -> list:
    """Mark every required answer still empty with a message on its field (the review page links here)."""
    gaps = missing_answers(get_schema(), protocol.answers, key)
    message = _("Dit antwoord ontbreekt nog.")
    for gap in gaps:
        field = form[gap.question.id]
        if gap.question.type == "group":
            if not field.entries:
                field.append_entry()
            field = field.entries[(gap.row or 1) - 1].form[(gap.field or gap.question.fields[0]).id]
        field.errors = [message]
    return gaps


def _collect(element, form: StepForm, action: str) -> tuple[dict, dict | None]:
    """The step's answers from a validated form, minus a row the drafter removed; and that row, for undo."""
    answers = {q.id: from_form_data(q, without_removed_row(q, form[q.id].data, action)) for q in element.questions}
    target = removal(action)
    group = next((q for q in element.questions if q.type == "group" and target and q.id == target[0]), None)
    if group is None or not 0 <= target[1] < len(form[group.id].data):
        return answers, None
    rows = form[group.id].data
    removed = from_form_data(group, rows[target[1]: target[1] + 1])
    if not removed:
        return answers, None
    index = len(from_form_data(group, rows[: target[1]]))
    return answers, {"step": element.key, "question": group.id, "index": index, "row": removed[0], "number": target[1] + 1}


def _row_places(element, form: StepForm, action: str) -> dict[str, list[int | None]]:
    """Per group of the step: each shown row's index after the save, None for a row removed or emptied."""
    target = removal(action)
    places = {}
    for group in (q for q in element.questions if q.type == "group"):
        kept = [(group.id, n) != target and bool(from_form_data(group, [row])) for n, row in enumerate(form[group.id].data)]
        places[group.id] = [sum(kept[:n]) if keep else None for n, keep in enumerate(kept)]
    return places


def _undo_of(protocol: Protocol, key: str) -> dict | None:
    """The row the last save of step ``key`` removed, while nothing was saved since."""
    undo = protocol.removed_row
    return undo if undo and undo.get("step") == key and undo.get("revision") == protocol.revision else None


def _target(protocol: Protocol, key: str, action: str) -> str:
    """Where to go after a save: the chosen step, the review page, or back to this step."""
    schema = get_schema()
    if action.startswith("add:"):
        return url_for("wizard.step", protocol_id=protocol.id, key=key, add=action[4:], _anchor=f"q-{action[4:]}")
    offset = {"prev": -1, "next": 1}.get(action)
    if action.startswith("goto:") and action[5:] in schema.keys:
        return url_for("wizard.step", protocol_id=protocol.id, key=action[5:])
    target = neighbour(schema, key, offset) if offset else key
    if target is None or action == "review":
        return url_for("wizard.review", protocol_id=protocol.id)
    return url_for("wizard.step", protocol_id=protocol.id, key=target)


def _report_saved(posted, protocol: Protocol, key: str, action: str) -> None:
    """Tell the drafter the step was saved, and what still needs an answer."""
    if removal(action) is None:
        flash(_("Je antwoorden zijn bewaard."), "success")
    if any(CONTROL_CHARS.search(v) for v in posted.values()):
        flash(_("Onzichtbare stuurtekens (bijvoorbeeld uit een kopie uit een andere toepassing) werden verwijderd."))
    gaps = missing_answers(get_schema(), protocol.answers, key)
    if gaps:
        lang = current_lang()
        names = ", ".join(missing_label(gap, lang) for gap in gaps)
        title = text(get_schema().element(key).title, lang)
        flash(_("Nog in te vullen in de stap “%(step)s”: %(names)s. Je kan later verder; het overzicht toont wat ontbreekt.", step=title, names=names))


def _expired() -> str:
    return _("Dit formulier was verlopen (het stond lang open of de server werd herstart). Je tekst staat er nog: klik opnieuw op Opslaan.")


def _explain_expired(form) -> None:
    """An expired or missing CSRF token: say so; the typed text stays in the form."""
    if form.errors.get("csrf_token"):
        flash(_expired(), "error")


@bp.route("/protocols/<int:protocol_id>/template-update", methods=["GET", "POST"])
@login_required
def template_update(protocol_id: int):
    schema = get_schema()
    protocol = protocol_or_404(protocol_id, "drafter")
    newer = newer_version(protocol)
    if newer is None and request.method == "POST" and protocol.template_version is not None:
        raise update_taken(protocol)  # the update was taken since this page was opened
    if newer is None:
        flash(_("Je protocol gebruikt de nieuwste versie van het sjabloon."))
        return redirect(url_for("wizard.review", protocol_id=protocol.id))
    result = merge(template_of(protocol.template_version, schema), template_of(newer, schema), protocol.answers, schema)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            answers = validate_answers(schema, rows_followed(schema, protocol.answers, resolve(result, merge_choices(result, request.form))))
            take_update(protocol, newer, answers, as_int(request.form.get("revision")))
        except (MergeError, AnswersError) as exc:
            flash(_("Niet overgenomen: %(problem)s", problem=exc), "error")
        except StaleRevision:  # the draft changed: the differences shown were worked out on the old answers
            flash(_("Het protocol werd intussen gewijzigd. Bekijk de verschillen opnieuw en bevestig dan."), "error")
            return redirect(url_for("wizard.template_update", protocol_id=protocol.id))
        else:
            flash(_("Versie %(n)s van het sjabloon is overgenomen.", n=newer.number), "success")
            return redirect(url_for("wizard.review", protocol_id=protocol.id))
    _explain_expired(form)
    return render_template("wizard/template_update.html", protocol=protocol, newer=newer, result=result,
                           schema=schema, form=form, word_diff=word_diff)
