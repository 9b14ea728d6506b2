"""Operations: a health endpoint for load balancers and request ids in responses and log lines."""
from __future__ import annotations

import logging
import re
import uuid

from flask import Blueprint, Flask, g, has_request_context, jsonify, request
from flask.logging import default_handler
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)

REQUEST_ID_HEADER = "X-Request-ID"
# An id given by the proxy is kept when it is short and plain; anything else gets a fresh one.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
LOG_FORMAT = "[%(asctime)s] %(levelname)s request=%(request_id)s in %(module)s: %(message)s"


def init_app(app: Flask) -> None:
    """Register ``/health``, give every request an id and put it in the app's log lines."""
    app.register_blueprint(bp)
    app.before_request(_take_request_id)
    app.after_request(_send_request_id)
    default_handler.addFilter(_REQUEST_ID_FILTER)  # one filter, however many apps are made
    default_handler.setFormatter(logging.Formatter(LOG_FORMAT))


@bp.get("/health")
def check():
    """200 with ``{"status": "ok"}`` when the database answers, else 503; no login, no cookie."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        db.session.rollback()
        database = type(exc).__name__
    status = 200 if database == "ok" else 503
    response = jsonify(status="ok" if status == 200 else "error", database=database)
    response.headers["Cache-Control"] = "no-store"
    return response, status


def request_id() -> str:
    """The current request's id, or "-" outside a request."""
    return g.get("request_id", "-") if has_request_context() else "-"


def _take_request_id() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _send_request_id(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record passing through the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


_REQUEST_ID_FILTER = RequestIdFilter()
