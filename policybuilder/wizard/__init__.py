"""The wizard: start a protocol, walk the profile and the eight elements, review what is missing."""
from flask import Flask

from ..schema_store import get_schema
from .forms import step_form_classes


def init_app(app: Flask) -> None:
    """Build the step forms from the loaded schema and register the blueprint."""
    from .routes import bp

    with app.app_context():
        app.extensions["policybuilder.forms"] = step_form_classes(get_schema())
    app.register_blueprint(bp)
