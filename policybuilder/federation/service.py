"""Storing templates: save a draft with optimistic locking, publish a version, import a package, take an update.

Publishing, importing and taking an update are each one conditional step: of simultaneous requests exactly
one wins and the others hear what happened (Conflict, a 409 page).
"""
from __future__ import annotations

from datetime import date

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..document import DocumentMeta, StyleError, build_document, render_html
from ..errors import Conflict
from ..extensions import db
from ..models import (
    AuditEvent,
    Organisation,
    Protocol,
    SectorTemplate,
    StaleRevision,
    TemplateVersion,
    User,
    lock,
    lock_at_revision,
    update_at_revision,
)
from ..schema import Schema
from ..sector import Template, apply_defaults, extend_schema, template_from_json, template_to_json
from .drafts import content_of, new_draft
from .store import FONTS, house_style

SAMPLE_ORGANISATION = "<voorbeeldorganisatie>"


class Refused(Exception):
    """The action is not allowed now; the message says why, in Dutch."""


def create(federation: Organisation, name: str) -> SectorTemplate:
    """A new template of ``federation`` with an empty draft; Refused if the federation has one of that name; commits."""
    lock(federation)  # two editors creating the same name take turns, so the second sees the first's
    if db.session.scalar(select(SectorTemplate.id).where(SectorTemplate.organisation_id == federation.id, SectorTemplate.name == name)):
        db.session.rollback()
        raise Refused(_("Er bestaat al een sjabloon met deze naam."))
    row = SectorTemplate(organisation=federation, name=name, draft=new_draft(name, federation.name))
    db.session.add(row)
    db.session.flush()
    audit.record("template.create", federation.id, row, name=name)
    db.session.commit()
    return row


def save_draft(row: SectorTemplate, draft: dict, based_on: int, schema: Schema, action: str, **columns) -> None:
    """Store ``draft`` (and ``columns`` such as draft_logo) and commit.

    TemplateError if the draft is not a valid template; StaleRevision if someone saved since ``based_on``.
    """
    template_from_json(draft, schema, FONTS)
    update_at_revision(row, based_on, draft=draft, **columns)
    audit.record(action, row.organisation_id, row, revision=row.revision)
    db.session.commit()


def draft_changed(row: SectorTemplate, schema: Schema) -> bool:
    """True when the draft differs from the latest published version (or nothing was published yet)."""
    latest = row.latest
    if latest is None:
        return True
    logo = row.draft_logo if row.draft.get("style", {}).get("logo") else None
    return content_of(row.draft, schema) != content_of(latest.data, schema) or logo != latest.logo


def publish(row: SectorTemplate, notes: str, based_on: int, schema: Schema, user: User) -> TemplateVersion:
    """Freeze the draft as the next version with ``notes``; commits.

    Refused if the draft changed since revision ``based_on``; Conflict if it is already published (by someone else meanwhile).
    """
    try:
        lock_at_revision(row, based_on)  # a simultaneous publish waits here, then finds the draft published
    except StaleRevision:
        raise Refused(_("Het concept werd intussen gewijzigd. Bekijk het voorbeeld opnieuw en publiceer dan.")) from None
    if not draft_changed(row, schema):
        db.session.rollback()
        raise _already_published(row.latest)
    number = (row.latest.number if row.latest else 0) + 1
    template = template_from_json({**row.draft, "version": number, "release_notes": notes}, schema, FONTS, complete=True)
    try:
        version = _add_version(row, template, row.draft_logo if template.style.logo else None, user)
    except IntegrityError:  # the unique version number: the second guard, should the lock not hold
        db.session.rollback()
        raise _already_published(row.latest) from None
    audit.record("template.publish", row.organisation_id, version, template=row.id, number=number)
    db.session.commit()
    return version


def _add_version(row: SectorTemplate, template: Template, logo: bytes | None, user: User | None) -> TemplateVersion:
    version = TemplateVersion(
        template=row, number=template.version, data=template_to_json(template), logo=logo,
        release_notes=template.release_notes, published_by_id=user.id if user else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def preview(row: SectorTemplate, schema: Schema, lang: str = "nl") -> tuple[str, bool]:
    """The draft's document in ``lang`` for a sample member, as an HTML fragment; True if its logo could not be shown."""
    template = template_from_json(row.draft, schema, FONTS)
    answers = apply_defaults(template, {"profile": {"name": SAMPLE_ORGANISATION}}, schema)
    meta = DocumentMeta(organisation=SAMPLE_ORGANISATION, version_label="voorbeeld", date=date.today())
    doc = build_document(extend_schema(template, schema), answers, meta, lang)
    try:
        return render_html(doc, house_style(template.style, row.draft_logo), fragment=True), False
    except StyleError:  # the document renderers draw PNG logos only
        return render_html(doc, house_style(template.style, None), fragment=True), True


def federation_named(name: str) -> Organisation:
    """The federation called ``name``, made if missing; Refused if a member organisation has that name."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, sector="other", kind="federation")
        db.session.add(organisation)
        db.session.flush()
        audit.record("organisation.create", organisation.id, organisation, kind="federation")
    elif organisation.kind != "federation":
        raise Refused(_("“%(name)s” is een organisatie, geen federatie.", name=name))
    return organisation


def store_import(federation: Organisation, template: Template, logo: bytes | None, schema: Schema,
                 user: User | None = None) -> tuple[SectorTemplate, TemplateVersion | None]:
    """Store an imported template as a version of the federation's template of that name; commits.

    Returns the template and the new version (None when the content equals a version already there).
    Refused when the version number exists with other content, or is older than the latest (also said to the
    command line, so an import that loses a race is refused rather than a 409).
    """
    lock(federation)  # imports into one federation take turns: a simultaneous one waits, then sees this one's version
    data = template_to_json(template)
    row = db.session.scalar(
        select(SectorTemplate).where(SectorTemplate.organisation_id == federation.id, SectorTemplate.name == template.name)
    )
    if row is None:
        row = SectorTemplate(organisation=federation, name=template.name, draft=data, draft_logo=logo)
        db.session.add(row)
    else:
        same = next((v for v in row.versions if v.number == template.version), None)
        if same is not None:
            db.session.rollback()
            if same.data == data and same.logo == logo:
                return row, None
            raise Refused(_("Versie %(n)s van “%(name)s” bestaat al met een andere inhoud.", n=template.version, name=row.name))
        latest = row.latest
        if latest is not None and content_of(latest.data, schema) == content_of(data, schema) and latest.logo == logo:
            db.session.rollback()
            return row, None
        if latest is not None and template.version < latest.number:
            db.session.rollback()
            raise Refused(_("Versie %(n)s is ouder dan de laatste versie (%(latest)s) van “%(name)s”.",
                            n=template.version, latest=latest.number, name=row.name))
        if not draft_changed(row, schema):  # no unpublished edits: the draft follows the new version
            try:
                update_at_revision(row, row.revision, draft=data, draft_logo=logo)
            except StaleRevision:  # an editor saved the draft at this very moment
                raise Refused(_("Het concept van “%(name)s” werd net bewaard. Lees het pakket opnieuw in.", name=row.name)) from None
    try:
        version = _add_version(row, template, logo, user)
    except IntegrityError:  # the unique version number: the second guard, should the lock not hold
        db.session.rollback()
        raise Refused(_("Versie %(n)s van “%(name)s” werd intussen al ingelezen.", n=template.version, name=template.name)) from None
    audit.record("template.import", federation.id, version, template=row.id, number=version.number)
    db.session.commit()
    return row, version


def take_update(protocol: Protocol, newer: TemplateVersion, answers: dict, based_on: int) -> None:
    """Store ``answers`` (merged with template version ``newer``) if the draft is still at revision ``based_on``; commits.

    Conflict if someone took this update meanwhile; StaleRevision if the draft changed otherwise.
    """
    try:
        protocol.save_answers(answers, based_on, template_version_id=newer.id)
    except StaleRevision:
        if protocol.template_version_id == newer.id:
            raise update_taken(protocol) from None
        raise
    audit.record("protocol.template_update", protocol.organisation_id, protocol, template_version=newer.number)
    db.session.commit()


def _when(moment) -> str:
    return format_datetime(moment, _("dd/MM/yyyy 'om' HH:mm"))  # the pattern's word follows the interface


def _already_published(version: TemplateVersion) -> Conflict:
    """What to say to an editor who publishes a draft equal to the latest version (published meanwhile, or earlier)."""
    publisher = db.session.get(User, version.published_by_id) if version.published_by_id else None
    if publisher is None:
        return Conflict(_("Dit concept is al gepubliceerd als versie %(n)s, op %(date)s. Er is niets nieuws om te publiceren.",
                          n=version.number, date=_when(version.published_at)))
    return Conflict(_("Dit concept is al gepubliceerd als versie %(n)s, door %(name)s op %(date)s. Er is niets nieuws om te publiceren.",
                      n=version.number, name=publisher.name, date=_when(version.published_at)))


def update_taken(protocol: Protocol) -> Conflict:
    """What to say to a drafter who takes the template update that ``protocol`` already took meanwhile."""
    number = protocol.template_version.number
    taken = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "protocol.template_update", AuditEvent.object_type == "Protocol", AuditEvent.object_id == protocol.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if taken is None or taken.user is None:
        return Conflict(_("Versie %(n)s van het sjabloon werd intussen al overgenomen.", n=number))
    return Conflict(_("Versie %(n)s van het sjabloon werd intussen al overgenomen door %(name)s op %(date)s.",
                      n=number, name=taken.user.name, date=_when(taken.created_at)))
