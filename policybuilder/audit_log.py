"""The audit log in words: one Dutch sentence per event, naming who did what to which protocol, version or person."""
from __future__ import annotations

from flask_babel import gettext as _

from .extensions import db
from .models import AuditEvent, Organisation, Protocol, ProtocolVersion, SectorTemplate, TemplateVersion, User
from .schema import text
from .schema_store import get_schema

ROLE_NAMES = {
    "drafter": lambda: _("opsteller"),
    "approver": lambda: _("goedkeurder"),
    "admin": lambda: _("beheerder"),
    "federation_editor": lambda: _("redacteur van de federatie"),
}
MODELS = {model.__name__: model for model in (Organisation, Protocol, ProtocolVersion, SectorTemplate, TemplateVersion, User)}

# One sentence per action code; the placeholders are filled by _facts().
SENTENCES = {
    "protocol.create": lambda: _("%(actor)s begon het protocol “%(protocol)s”."),
    "protocol.create.copied": lambda: _("%(actor)s begon het protocol “%(protocol)s” met het profiel en de contactpersonen van een bestaand protocol."),
    "protocol.save": lambda: _("%(actor)s bewaarde de stap “%(step)s” van “%(protocol)s”."),
    "protocol.translations": lambda: _("%(actor)s bewaarde de vertalingen van “%(protocol)s”."),
    "protocol.template_update": lambda: _("%(actor)s nam versie %(template_version)s van het sjabloon over in “%(protocol)s”."),
    "version.submit": lambda: _("%(actor)s diende versie %(number)s van “%(protocol)s” in ter goedkeuring."),
    "version.approve": lambda: _("%(actor)s keurde versie %(number)s van “%(protocol)s” goed."),
    "version.self_approve": lambda: _("%(actor)s keurde de eigen versie %(number)s van “%(protocol)s” goed (toegelaten in de instellingen)."),
    "version.return": lambda: _("%(actor)s stuurde versie %(number)s van “%(protocol)s” terug naar de opsteller."),
    "user.create": lambda: _("%(actor)s maakte een account voor %(person)s (%(email)s) als %(roles)s."),
    "user.add": lambda: _("%(actor)s gaf %(person)s (%(email)s) toegang als %(roles)s."),
    # An invitation names only the address: the inviting organisation learns no name until it is accepted.
    "user.invite": lambda: _("%(actor)s nodigde %(email)s uit als %(roles)s."),
    "user.invitation_accepted": lambda: _("%(person)s aanvaardde de uitnodiging als %(roles)s."),
    "user.invitation_declined": lambda: _("De uitnodiging voor %(email)s werd afgeslagen."),
    "user.invitation_withdrawn": lambda: _("%(actor)s trok de uitnodiging voor %(email)s in."),
    "user.roles": lambda: _("%(actor)s wijzigde de rollen van %(person)s: voortaan %(after)s (was %(before)s)."),
    "user.password_set": lambda: _("%(person)s stelde een wachtwoord in."),
    "user.link": lambda: _("%(actor)s maakte een link waarmee %(person)s een wachtwoord kan instellen."),
    "user.link_mailed": lambda: _("%(actor)s liet een link om een wachtwoord in te stellen mailen naar %(person)s."),
    "login.failed": lambda: _("Iemand probeerde zich aan te melden als %(email)s, met een verkeerd wachtwoord."),
    "organisation.settings.self_approval_on": lambda: _("%(actor)s liet toe dat wie een versie indient ze ook zelf goedkeurt."),
    "organisation.settings.self_approval_off": lambda: _("%(actor)s stelde in dat een andere goedkeurder elke ingediende versie goedkeurt."),
    "organisation.create": lambda: _("De federatie “%(organisation_name)s” werd aangemaakt."),
    "template.create": lambda: _("%(actor)s maakte het sjabloon “%(template)s” aan."),
    "template.questions": lambda: _("%(actor)s bewaarde antwoorden en instellingen van vragen in het sjabloon “%(template)s”."),
    "template.clause_add": lambda: _("%(actor)s voegde een eigen bepaling toe aan het sjabloon “%(template)s”."),
    "template.clause_change": lambda: _("%(actor)s wijzigde een eigen bepaling van het sjabloon “%(template)s”."),
    "template.clause_remove": lambda: _("%(actor)s verwijderde een eigen bepaling uit het sjabloon “%(template)s”."),
    "template.contacts": lambda: _("%(actor)s bewaarde de sectorcontacten van het sjabloon “%(template)s”."),
    "template.style": lambda: _("%(actor)s bewaarde de huisstijl van het sjabloon “%(template)s”."),
    "template.publish": lambda: _("%(actor)s publiceerde versie %(number)s van het sjabloon “%(template)s”."),
    "template.import": lambda: _("%(actor)s las versie %(number)s van het sjabloon “%(template)s” in uit een pakket."),
}


def sentence(event: AuditEvent) -> str:
    """What happened, as one Dutch sentence; an action code without its own sentence gets a general one."""
    facts = _facts(event)
    wording = SENTENCES.get(_variant(event))
    if wording is not None:
        said = wording() % facts
    elif facts["about"]:
        said = _("%(actor)s voerde een actie uit (%(code)s) op %(about)s.", actor=facts["actor"], code=event.action, about=facts["about"])
    else:
        said = _("%(actor)s voerde een actie uit (%(code)s).", actor=facts["actor"], code=event.action)
    acting = (event.detail or {}).get("organisation")
    return f"{said} {_('(vanuit %(name)s)', name=acting)}" if acting else said


# Codes that cover two different things: the refined code whose sentence fits the event's detail.
VARIANTS = {
    "protocol.create": lambda detail: "protocol.create.copied" if detail.get("copied_from") else "protocol.create",
    "version.approve": lambda detail: "version.self_approve" if detail.get("self_approved") else "version.approve",
    "organisation.settings": lambda detail: "organisation.settings.self_approval_" + ("on" if detail.get("allow_self_approval") else "off"),
}


def _variant(event: AuditEvent) -> str:
    refine = VARIANTS.get(event.action)
    return refine(event.detail or {}) if refine else event.action


class _Facts(dict):
    """The placeholders of a sentence; a fact the event does not have reads as a dash."""

    def __missing__(self, key: str) -> str:
        return "—"


def _facts(event: AuditEvent) -> _Facts:
    detail = event.detail or {}
    obj = db.session.get(MODELS[event.object_type], event.object_id) if event.object_type in MODELS and event.object_id else None
    facts = _Facts({key: value for key, value in detail.items() if isinstance(value, (str, int))})
    facts["actor"] = event.user.name if event.user else _("Iemand")
    facts["about"] = ""
    for key in ("roles", "before", "after"):
        if key in detail:
            facts[key] = _roles(detail[key])
    if isinstance(obj, Protocol):
        facts["protocol"] = facts["about"] = obj.title
        if "step" in detail and detail["step"] in get_schema().keys:
            facts["step"] = text(get_schema().element(detail["step"]).title, "nl")
    elif isinstance(obj, ProtocolVersion):
        facts["protocol"], facts["number"] = obj.protocol.title, obj.number
        facts["about"] = _("versie %(n)s van “%(name)s”", n=obj.number, name=obj.protocol.title)
    elif isinstance(obj, TemplateVersion):
        facts["template"], facts["number"] = obj.template.name, obj.number
        facts["about"] = _("versie %(n)s van het sjabloon “%(name)s”", n=obj.number, name=obj.template.name)
    elif isinstance(obj, SectorTemplate):
        facts["template"] = facts["about"] = obj.name
    elif isinstance(obj, User):
        facts["person"] = facts["about"] = obj.name
        facts.setdefault("email", obj.email)
    elif isinstance(obj, Organisation):
        facts["organisation_name"] = facts["about"] = obj.name
    return facts


def _roles(roles) -> str:
    names = [ROLE_NAMES[role]() if role in ROLE_NAMES else str(role) for role in roles or []]
    return ", ".join(names) if names else _("geen rol")

