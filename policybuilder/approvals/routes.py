"""Versions, comparison and the approval decision."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..access import protocol_or_404, version_or_404
from ..document import render_html
from ..documents.files import document_parts, version_meta
from ..errors import Conflict
from ..extensions import limiter
from ..auth.forms import ActionForm
from ..dates import local_today
from ..schema_store import get_schema
from ..wizard.forms import as_int
from ..wizard.routes import current_lang
from . import service
from .compare import compare
from .forms import ApproveForm, ReturnForm
from .verify import VerifyForm, verify_upload

bp = Blueprint("approvals", __name__)


@bp.post("/protocols/<int:protocol_id>/submit")
@login_required
def submit(protocol_id: int):
    protocol = protocol_or_404(protocol_id, "drafter")
    if not ActionForm().validate_on_submit():
        flash(_("Dit formulier was verlopen. Probeer opnieuw."), "error")
        return redirect(url_for("wizard.review", protocol_id=protocol.id))
    # The review page may post the revision it showed; else the draft as it is now is submitted.
    based_on = as_int(request.form["revision"]) if "revision" in request.form else protocol.revision
    try:
        based_on = service.leave_blank(protocol, request.form.getlist("leave_blank"), based_on)
        version = service.submit(protocol, current_user, based_on)
    except service.ApprovalRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("wizard.review", protocol_id=protocol.id))
    flash(_("Versie %(n)s is ingediend ter goedkeuring. Je kan intussen verder werken aan het concept.", n=version.number), "success")
    return redirect(url_for("approvals.version", protocol_id=protocol.id, number=version.number))


@bp.get("/protocols/<int:protocol_id>/versions")
@login_required
def versions(protocol_id: int):
    protocol = protocol_or_404(protocol_id)
    return render_template("approvals/versions.html", protocol=protocol, roles=current_user.roles(protocol.organisation_id))


@bp.get("/protocols/<int:protocol_id>/versions/<int:number>")
@login_required
def version(protocol_id: int, number: int):
    version = version_or_404(protocol_id, number)
    return _version_page(version, **_blank_forms(version))


@bp.post("/protocols/<int:protocol_id>/versions/<int:number>/approve")
@login_required
def approve(protocol_id: int, number: int):
    version = version_or_404(protocol_id, number, "approver")
    form = ApproveForm(prefix="approve")

    def act():
        service.approve(version, current_user, form.name.data, form.function.data, form.consultation_note.data or "",
                        form.consultation_date.data, form.in_force_date.data, form.next_review_date.data)
        return _("Versie %(n)s is goedgekeurd.", n=version.number)

    return _decide(version, {"approve_form": form}, act)


@bp.post("/protocols/<int:protocol_id>/versions/<int:number>/return")
@login_required
def return_version(protocol_id: int, number: int):
    version = version_or_404(protocol_id, number, "approver")
    form = ReturnForm(prefix="return")

    def act():
        service.return_version(version, current_user, form.name.data, form.function.data, form.comment.data)
        return _("Versie %(n)s is teruggestuurd naar de opsteller.", n=version.number)

    return _decide(version, {"return_form": form}, act)


def _decide(version, posted: dict, act):
    """Validate the posted decision form, act, and redirect; else show the version page with the reason."""
    forms = {**_blank_forms(version), **posted}
    form = next(iter(posted.values()))
    if not form.validate_on_submit():
        return _version_page(version, **forms), 422
    try:
        message = act()
    except service.ApprovalRefused as exc:
        flash(str(exc), "error")
        return _version_page(version, **forms), 409
    except Conflict as exc:  # another approver decided first: the typed comment is shown so it is not lost
        raise exc.keeping(form) from None
    flash(message, "success")
    return redirect(url_for("approvals.version", protocol_id=version.protocol_id, number=version.number))


def _blank_forms(version) -> dict:
    """Both decision forms, prefilled with the approver's name and the default dates."""
    today = local_today()
    return {
        "approve_form": ApproveForm(
            formdata=None, prefix="approve", name=current_user.name, in_force_date=today,
            next_review_date=service.default_next_review(get_schema(), version.answers, today),
        ),
        "return_form": ReturnForm(formdata=None, prefix="return", name=current_user.name),
    }


@bp.get("/protocols/<int:protocol_id>/compare")
@login_required
def compare_versions(protocol_id: int):
    protocol = protocol_or_404(protocol_id)
    before = version_or_404(protocol.id, request.args.get("from", type=int) or 0)
    after = version_or_404(protocol.id, request.args.get("to", type=int) or 0)
    changes = compare(get_schema(), before.answers, after.answers, current_lang())
    return render_template("approvals/compare.html", protocol=protocol, before=before, after=after, changes=changes)


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])  # public
def verify():
    form = VerifyForm()
    # An approved version's fingerprints are made after the approval; a check that comes first does not wait for them.
    result = verify_upload(form.document.data, current_app.config["RENDER_WAIT"]) if form.validate_on_submit() else None
    return render_template("approvals/verify.html", form=form, result=result), 422 if form.errors else 200


def _version_page(version, approve_form: ApproveForm, return_form: ReturnForm):
    """A version: its decision, the changes since the last approved version, the document itself,
    and (for approvers) the decision forms."""
    protocol = version.protocol
    baseline = next((v for v in reversed(protocol.versions) if v.status in ("approved", "superseded") and v.number < version.number), None)
    changes = compare(get_schema(), baseline.answers, version.answers, current_lang()) if baseline else None
    doc, style = document_parts(version.answers, version_meta(version), version.template_version)
    return render_template(
        "approvals/version.html", protocol=protocol, version=version, baseline=baseline, changes=changes,
        approve_form=approve_form, return_form=return_form, roles=current_user.roles(protocol.organisation_id),
        own=version.submitted_by_id == current_user.id, document=Markup(render_html(doc, style, fragment=True)),
    )
