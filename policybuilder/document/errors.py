"""Errors of the document package; each message names what is wrong and where."""


class DocumentError(Exception):
    """Base class: the protocol document could not be built or rendered."""


class StyleError(DocumentError):
    """A house-style value (colour, font, logo) is unusable."""


class TemplateError(DocumentError):
    """The document texts (schemas/document.yaml) are missing, invalid or name an unknown question."""


class RenderError(DocumentError):
    """A renderer failed to produce the file."""


class UnknownFormat(DocumentError):
    """A format other than docx, pdf or html was asked for."""
