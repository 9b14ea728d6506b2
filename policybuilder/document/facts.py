"""The organisation's facts, decided once from the answers and used by every clause, annex and the card.

Clause and document texts name a fact as ``{facts.<name>}``; ``load_schema`` refuses unknown names.
Fixed wording (role names, sector nouns, joiners) lives in ``schemas/document.yaml`` under ``phrases``.

Fact names and their meaning (every value is text in the document's language, lowercase, ready to
put inside a sentence; the builder capitalises it at the start of a sentence):

Roles
- ``management``          who leads the organisation and takes the final decisions ("de directie", "de coördinator")
- ``report_to``           who receives a report (procedure.report_to)
- ``report_standin``      who receives it when that person cannot be reached (a tailored default unless reworded)
- ``alert_high``          who is told at once for the highest severity levels (report_to and management)
- ``confidant``           the one person for a confidential talk: the vertrouwenspersoon if there is one,
                          otherwise the preventieadviseur psychosociale aspecten (PA-PSY) of the external service
- ``confidential_help``   where to go outside the hierarchical line (vertrouwenspersoon or PA-PSY; PA-PSY only)
- ``psy_roles``           the psychosocial roles that exist ("de vertrouwenspersoon en de PA-PSY"; "de PA-PSY")
- ``first_contact_by``    who makes the first contact with external help ("de leidinggevende (of de vertrouwenspersoon)")
- ``register_keeper``     who keeps the register of facts by third parties (never an absent vertrouwenspersoon)
- ``register_access``     who may read the register (psy_roles and the employer)
- ``evidence_location``   where evidence is stored (procedure.evidence_location)
- ``evidence_access``     who may see the evidence (a tailored default unless reworded)
- ``support_talk_by``     who holds the support and follow-up talks (a tailored default unless reworded)
- ``end_guidance_by``     who decides to end the guidance of a client (a tailored default unless reworded)
- ``consultation_body``   who is consulted on the protocol ("het CPBW", "de vakbondsafvaardiging", "de werknemers …")
- ``out_of_hours``        how a worker reaches someone outside office hours (contacts.out_of_hours_route)

Clients (per sector)
- ``clients``             who the organisation works with ("de ouders en kinderen", "cliënten en hun wettelijke vertegenwoordigers")
- ``child``               the person receiving care ("het kind", "de jongere", "de leerling", "de cliënt")
- ``family``              the people around that person ("de ouders", "de wettelijke vertegenwoordiger en het netwerk")

Deadlines (good practice, the organisation's own choice)
- ``report_deadline``           report an ordinary incident (procedure.report_deadline)
- ``report_deadline_high``      report an incident of the highest levels (procedure.report_deadline_high)
- ``assessment_deadline``       the team's assessment (procedure.assessment_deadline)
- ``assessment_deadline_high``  the assessment for the highest levels (procedure.assessment_deadline_high)
- ``manager_response``          the manager contacts the worker (reactions.manager_response)
- ``first_talk``                first support talk, 72 hours by default (recovery.first_talk)
- ``followup_first``            first follow-up talk, about 2 weeks (recovery.followup_first)
- ``followup_second``           second follow-up talk, 6 to 8 weeks (recovery.followup_second)

Severity levels (the organisation's own scale, procedure.severity_levels)
- ``level_first``         the lowest level, e.g. 'niveau “groen”'
- ``level_second``        the second level, from which the register is offered
- ``level_high``          the highest levels that need immediate action (the last two of four or more, else the last)
- ``level_top``           the highest level (acute danger)

Forms
- ``form``                the one name of the registration form ("het registratieformulier")

Legal frame
- ``law_date``            the date the legal frame was last checked (schemas/document.yaml law_date), dd/mm/yyyy

An answer typed in the other language only (a document in French of answers typed in Dutch, without a
translation) never becomes part of a fact's wording: the fact holds a mark ``\x00key\x00`` in its place
(validation refuses U+0000 in answers) and ``Facts.foreign`` gives the key's blank name and the text as typed;
the builder shows the blank name with a note number there. ``facts.<name>`` as an attribute is the plain text,
with the typed answer in place of each mark.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from ..answers import answer_text, format_date, is_empty, localised, value
from ..schema import Schema, load_schema, text
from .texts import DocumentTexts, load_texts

FACT_NAMES = (
    "management", "report_to", "report_standin", "alert_high", "confidant", "confidential_help", "psy_roles",
    "first_contact_by", "register_keeper", "register_access", "evidence_location", "evidence_access",
    "support_talk_by", "end_guidance_by", "consultation_body", "out_of_hours",
    "clients", "child", "family",
    "report_deadline", "report_deadline_high", "assessment_deadline", "assessment_deadline_high",
    "manager_response", "first_talk", "followup_first", "followup_second",
    "level_first", "level_second", "level_high", "level_top",
    "form", "law_date",
)
# Facts that copy one answer: fact name -> question.
FROM_ANSWERS = {
    "management": "profile.management",
    "report_to": "procedure.report_to",
    "evidence_location": "procedure.evidence_location",
    "out_of_hours": "contacts.out_of_hours_route",
    "report_deadline": "procedure.report_deadline",
    "report_deadline_high": "procedure.report_deadline_high",
    "assessment_deadline": "procedure.assessment_deadline",
    "assessment_deadline_high": "procedure.assessment_deadline_high",
    "manager_response": "reactions.manager_response",
    "first_talk": "recovery.first_talk",
    "followup_first": "recovery.followup_first",
    "followup_second": "recovery.followup_second",
}
# Questions whose default wording names roles: while the drafter keeps that wording, the document
# uses the same wording tailored to the organisation's roles.
TAILORED = {
    "report_standin": "procedure.report_standin",
    "evidence_access": "procedure.evidence_access",
    "support_talk_by": "recovery.support_talk_by",
    "end_guidance_by": "procedure.end_guidance_by",
}
MARK = "\x00"
MARKED = re.compile(f"{MARK}([^{MARK}]+){MARK}")
ITEM = "\x01"  # before each further item of a French list: the builder repeats "à"/"de" there ("au X et à la Y")


def marked(key: str) -> str:
    """The mark that stands for the answer ``key`` typed in the other language only."""
    return f"{MARK}{key}{MARK}"


@dataclass(frozen=True)
class Facts:
    """Every fact as text; ``missing`` maps a fact without an answer to the label of its blank.

    ``values`` may hold marks of answers typed in the other language only; ``foreign`` maps each mark's key
    to (blank name, text as typed).
    """

    lang: str
    values: dict[str, str]
    missing: dict[str, str] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    has_vertrouwenspersoon: bool = True
    sites: tuple[dict[str, str], ...] = ()
    foreign: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __getattr__(self, name: str) -> str:
        """The fact ``name`` as plain text (a typed answer in place of its mark)."""
        try:
            wording = self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None
        return MARKED.sub(lambda match: self.__dict__["foreign"][match[1]][1], wording).replace(ITEM, "")


@lru_cache(maxsize=1)
def _shipped_schema() -> Schema:
    return load_schema()


def derive_facts(answers: dict, lang: str = "nl", schema: Schema | None = None, texts: DocumentTexts | None = None) -> Facts:
    """Decide every fact once from ``answers`` (schema and texts default to the shipped ones)."""
    return _Deriver(schema or _shipped_schema(), answers, lang, texts or load_texts()).facts()


class _Deriver:
    def __init__(self, schema: Schema, answers: dict, lang: str, texts: DocumentTexts):
        self.schema, self.answers, self.lang = schema, answers, lang
        self.phrases, self.law_date = texts.phrases, texts.law_date
        self.values: dict[str, str] = {}
        self.missing: dict[str, str] = {}
        self.foreign: dict[str, tuple[str, str]] = {}

    def phrase(self, key: str, **slots: str) -> str:
        wording = self.phrases[key]
        return text(wording, self.lang).format(**slots)

    def answer(self, ref: str) -> str:
        """The answer as text in the document's language, or the mark of an answer typed in the other one only."""
        question = self.schema.question(ref)
        answer, foreign = localised(self.schema, self.answers, ref, self.lang)
        if ref in foreign:
            return self.mark(ref, self.blank_of(ref), answer_text(question, answer, self.lang))
        return answer_text(question, answer, self.lang)

    def mark(self, key: str, name: str, typed: str) -> str:
        self.foreign[key] = (name, typed)
        return marked(key)

    def blank_of(self, ref: str) -> str:
        question = self.schema.question(ref)
        return text(question.blank, self.lang) or text(question.label, self.lang)

    def join(self, items: list[str], joiner: str = "and") -> str:
        items = [item for item in items if item]
        if len(items) < 2:
            return "".join(items)
        if self.lang == "fr":
            items = [items[0], *(f"{ITEM}{item}" for item in items[1:])]
        return f"{', '.join(items[:-1])} {self.phrase(joiner)} {items[-1]}"

    def facts(self) -> Facts:
        v = self.values
        for name, ref in FROM_ANSWERS.items():
            v[name] = self.answer(ref)
            if not v[name]:
                self.missing[name] = self.blank_of(ref)
        has_vp = value(self.schema, self.answers, "contacts.has_vertrouwenspersoon") is not False
        vp, pa_psy, manager = self.phrase("vertrouwenspersoon"), self.phrase("pa_psy"), self.phrase("manager")
        service = self.answer("profile.external_service")
        pa_psy_at = self.phrase("pa_psy_at", service=service) if service else pa_psy
        # Composed facts never carry a [placeholder]: without an answer they use the general wording.
        management = v["management"] or self.phrase("management_unnamed")
        v["alert_high"] = self.join([v["report_to"], management]) if v["report_to"] != management else management
        v["confidant"] = vp if has_vp else pa_psy_at
        v["confidential_help"] = self.join([vp, pa_psy], "or") if has_vp else pa_psy_at
        psy = [vp, pa_psy] if has_vp else [pa_psy]
        v["psy_roles"] = self.join(psy)
        v["first_contact_by"] = self.join([manager, vp], "or") if has_vp else manager
        keeper = value(self.schema, self.answers, "procedure.register_keeper")
        v["register_keeper"] = vp if has_vp and keeper != "pa_psy" else pa_psy
        v["register_access"] = self.join([*psy, self.phrase("employer")])
        tailored = {
            "report_standin": self.phrase("report_standin", management=management),
            "evidence_access": self.join([self.phrase("worker_concerned"), manager, *psy]),
            "support_talk_by": self.phrase("support_talk_by", people=self.join([manager, *([vp] if has_vp else []), self.phrase("experienced_colleague")], "or")),
            "end_guidance_by": self.phrase("end_guidance_by", management=management),
        }
        for name, ref in TAILORED.items():
            v[name] = self.tailored(ref, tailored[name])
            if not v[name]:
                self.missing[name] = self.blank_of(ref)
        v["consultation_body"] = self.consultation_body()
        if not v["consultation_body"]:
            self.missing["consultation_body"] = self.blank_of("profile.has_cpbw")
        sector = value(self.schema, self.answers, "profile.sector") or "other"
        nouns = sector if f"clients_{sector}" in self.phrases else "other"
        for name in ("clients", "child", "family"):
            v[name] = self.phrase(f"{name}_{nouns}")
        levels = self.levels()
        self.level_facts(levels)
        v["form"] = self.phrase("form")
        v["law_date"] = format_date(self.law_date)
        plain_levels = tuple(MARKED.sub(lambda match: self.foreign[match[1]][1], level) for level in levels)
        return Facts(self.lang, dict(v), dict(self.missing), plain_levels, has_vp, self.sites(), dict(self.foreign))

    def tailored(self, ref: str, wording: str) -> str:
        """The answer, or ``wording`` while the answer is absent or still the default wording (in either language)."""
        default = self.schema.question(ref).default_value(self.lang)
        if isinstance(default, str) and value(self.schema, self.answers, ref, self.lang) == default:
            return wording
        return self.answer(ref)

    def consultation_body(self) -> str:
        cpbw = value(self.schema, self.answers, "profile.has_cpbw")
        union = value(self.schema, self.answers, "profile.has_union_delegation")
        if cpbw is True:
            return self.phrase("body_cpbw")
        if cpbw is False and union is True:
            return self.phrase("body_union")
        if cpbw is False and union is False:
            return self.phrase("body_workers")
        return ""

    def levels(self) -> tuple[str, ...]:
        ref = "procedure.severity_levels"
        rows, foreign = localised(self.schema, self.answers, ref, self.lang)
        name = next(text(f.label, self.lang).lower() for f in self.schema.question(ref).fields if f.id == "level")
        return tuple(
            self.mark(key, name, row["level"].strip()) if (key := f"{ref}.{index}.level") in foreign else str(row["level"]).strip()
            for index, row in enumerate(rows or ()) if not is_empty(row.get("level"))
        )

    def level_facts(self, levels: tuple[str, ...]) -> None:
        names = ("level_first", "level_second", "level_high", "level_top")
        if not levels:
            blank = text(self.schema.question("procedure.severity_levels").label, self.lang).lower()
            self.values.update(dict.fromkeys(names, ""))
            self.missing.update(dict.fromkeys(names, blank))
            return
        quoted = [self.phrase("quote", name=name) for name in levels]
        high = quoted[-2:] if len(quoted) >= 4 else quoted[-1:]
        for name, chosen in zip(names, ([quoted[0]], [quoted[min(1, len(quoted) - 1)]], high, [quoted[-1]])):
            self.values[name] = self.phrase("level", names=self.join(chosen, "or"))

    def sites(self) -> tuple[dict[str, str], ...]:
        rows = value(self.schema, self.answers, "contacts.site_contacts", self.lang) or ()
        return tuple({k: str(v).strip() for k, v in row.items() if not is_empty(v)} for row in rows if any(not is_empty(v) for v in row.values()))

