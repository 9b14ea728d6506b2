"""Sector templates: federations' defaults, locked questions, clauses, contacts and house style (no Flask)."""
from .errors import MergeError, PackageError, ProblemsError, TemplateError
from ..textdiff import word_diff
from .merge import Conflict, MergeResult, merge, resolve
from .package import export_package, import_package
from .template import (
    QuestionOverlay,
    Template,
    TemplateStyle,
    apply_defaults,
    check_locked,
    extend_schema,
    hidden_refs,
    in_language,
    locked_refs,
    template_from_json,
    template_to_json,
    template_value,
    untranslated,
)

__all__ = [
    "Conflict",
    "MergeError",
    "MergeResult",
    "PackageError",
    "ProblemsError",
    "QuestionOverlay",
    "Template",
    "TemplateError",
    "TemplateStyle",
    "apply_defaults",
    "check_locked",
    "export_package",
    "extend_schema",
    "hidden_refs",
    "in_language",
    "import_package",
    "locked_refs",
    "merge",
    "resolve",
    "template_from_json",
    "template_to_json",
    "template_value",
    "untranslated",
    "word_diff",
]
