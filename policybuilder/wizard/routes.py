"""Wizard views: validate, act, redirect."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import get_locale
from flask_login import current_user, login_required
from wtforms import SelectChoice

from .. import audit
from ..access import protocol_or_404
from ..answers import AnswersError, answer_text, validate_answers, value
from ..auth.forms import ActionForm
from ..extensions import db
from ..models import Protocol, StaleRevision
from ..federation.service import take_update, update_taken
from ..federation.store import template_of
from ..schema import text
from ..schema_store import get_schema
from ..sector import MergeError, apply_defaults, merge, resolve
from ..textdiff import word_diff
from .dashboard import dashboard
from .forms import (
    CONTROL_CHARS,
    NewProtocolForm,
    StepForm,
    as_int,
    ensure_one_row,
    from_form_data,
    sector_choices,
    to_form_data,
    without_removed_row,
)
from .progress import neighbour, step_states
from .templating import enforce_fixed, merge_choices, newer_version, published_templates, step_template

bp = Blueprint("wizard", __name__)


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
    }


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
    form = NewProtocolForm(organisation=drafting[0].id, name=drafting[0].name, sector=drafting[0].sector, template=0)
    form.organisation.choices = [SelectChoice(o.id, o.name) for o in drafting]
    form.sector.choices = sector_choices(schema, current_lang())
    form.template.choices = [SelectChoice(0, _("Geen sjabloon: de standaardtekst van policybuilder"))] + [
        SelectChoice(v.id, _("%(name)s van %(federation)s (versie %(n)s)", name=v.template.name,
                             federation=v.template.organisation.name, n=v.number))
        for v in templates.values()
    ]
    if form.validate_on_submit():
        version = templates.get(form.template.data)
        answers = {"profile": {"name": form.name.data, "sector": form.sector.data}}
        if version is not None:
            answers = apply_defaults(template_of(version, schema), answers, schema)
        protocol = Protocol(
            organisation_id=form.organisation.data, answers=answers, saved_steps=[], template_version=version
        )
        db.session.add(protocol)
        db.session.flush()
        audit.record("protocol.create", protocol.organisation_id, protocol)
        db.session.commit()
        flash(_("Protocol aangemaakt. Begin met het profiel van je organisatie."))
        return redirect(url_for("wizard.step", protocol_id=protocol.id, key="profile"))
    _explain_expired(form)
    return render_template("wizard/new.html", form=form), 422 if form.errors else 200


@bp.route("/protocols/<int:protocol_id>/steps/<key>", methods=["GET", "POST"])
@login_required
def step(protocol_id: int, key: str):
    schema = get_schema()
    protocol = protocol_or_404(protocol_id, "drafter")
    if key not in schema.keys:
        abort(404)
    element = schema.element(key)
    form_class = current_app.extensions["policybuilder.forms"][(key, current_lang())]
    if request.method == "GET":
        form = form_class(data=_form_data(protocol, key), revision=protocol.revision)
        if request.args.get("add") in {q.id for q in element.questions if q.type == "group"}:
            form[request.args["add"]].append_entry()
        ensure_one_row(form, element.questions)
        return render_template("wizard/step.html", **_page(protocol, element, form))

    form = form_class()
    if not form.validate_on_submit():
        _explain_expired(form)
        ensure_one_row(form, element.questions)
        return render_template("wizard/step.html", **_page(protocol, element, form)), 422
    action = request.form.get("nav", "stay")
    step_answers = _collect(element, form, action)
    overlay = step_template(protocol, element, schema)
    if overlay and (refused := enforce_fixed(overlay, element, schema, step_answers, request.form)):
        labels = ", ".join(text(schema.question(ref).label, current_lang()) for ref in refused)
        flash(_("Niet bewaard: deze antwoorden legde de federatie vast en kunnen niet gewijzigd worden: %(labels)s.", labels=labels), "error")
        return render_template("wizard/step.html", **_page(protocol, element, form)), 422
    try:
        protocol.save_step(key, step_answers, based_on=as_int(form.revision.data))
    except StaleRevision:
        db.session.refresh(protocol)
        form.revision.data, form.revision.raw_data = protocol.revision, None
        ensure_one_row(form, element.questions)
        return render_template("wizard/step.html", **_page(protocol, element, form, conflict=True)), 409
    audit.record("protocol.save", protocol.organisation_id, protocol, step=key, revision=protocol.revision)
    db.session.commit()
    _report_saved(request.form, protocol, key)
    return redirect(_target(protocol, key, action))


@bp.get("/protocols/<int:protocol_id>/review")
@login_required
def review(protocol_id: int):
    schema = get_schema()
    protocol = protocol_or_404(protocol_id, "drafter")
    return render_template(
        "wizard/review.html", protocol=protocol, schema=schema, states=step_states(schema, protocol),
        newer=newer_version(protocol),
    )


def _page(protocol: Protocol, element, form: StepForm, conflict: bool = False) -> dict:
    """Everything the step template shows."""
    schema = get_schema()
    return {
        "protocol": protocol,
        "element": element,
        "form": form,
        "overlay": step_template(protocol, element, schema),
        "states": step_states(schema, protocol),
        "schema": schema,
        "element_number": schema.keys.index(element.key) + 1,
        "previous": neighbour(schema, element.key, -1),
        "next": neighbour(schema, element.key, 1),
        "stored": protocol.answers.get(element.key, {}) if conflict else None,
    }


def _form_data(protocol: Protocol, key: str) -> dict:
    """The answers of one step as form data, with default wording where nothing was saved yet."""
    schema = get_schema()
    lang = current_lang()
    return {
        q.id: to_form_data(q, value(schema, protocol.answers, f"{key}.{q.id}", lang))
        for q in schema.element(key).questions
    }


def _collect(element, form: StepForm, action: str) -> dict:
    """The step's answers from a validated form, minus a row the drafter removed."""
    answers = {}
    for question in element.questions:
        answers[question.id] = from_form_data(question, without_removed_row(question, form[question.id].data, action))
    return answers


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


def _report_saved(posted, protocol: Protocol, key: str) -> None:
    """Tell the drafter the step was saved, and what still needs an answer."""
    flash(_("Je antwoorden zijn bewaard."), "success")
    if any(CONTROL_CHARS.search(v) for v in posted.values()):
        flash(_("Onzichtbare stuurtekens (bijvoorbeeld uit een kopie uit een andere toepassing) werden verwijderd."))
    state = next(s for s in step_states(get_schema(), protocol) if s.key == key)
    if state.missing:
        lang = current_lang()
        names = ", ".join(text(gap.question.label, lang) for gap in state.missing)
        title = text(get_schema().element(key).title, lang)
        flash(_("Nog in te vullen in de stap “%(step)s”: %(names)s. Je kan later verder; het overzicht toont wat ontbreekt.", step=title, names=names))


def _explain_expired(form) -> None:
    """An expired or missing CSRF token: say so; the typed text stays in the form."""
    if form.errors.get("csrf_token"):
        flash(
            _("Dit formulier was verlopen (het stond lang open of de server werd herstart). Je tekst staat er nog: klik opnieuw op Opslaan."),
            "error",
        )


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
            answers = resolve(result, merge_choices(result, request.form))
            validate_answers(schema, answers)
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
