"""What verify compares with, recorded once per approved version: the file hash, the drawn content and the text
of its .docx and .pdf in every document language.

They are made after the approval, off the request path: a thread of the web process asks for the files (a PDF
is rendered in the render pool or queue, usually already rendered ahead) and reads them. A check that comes
before they exist starts that work if nobody does it yet, and says to try again shortly.
"""
from __future__ import annotations

import hashlib
import logging
import threading

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..document.card import CARD_LANGUAGES
from ..extensions import db
from ..models import FROZEN_STATUSES, DocumentFingerprint, ProtocolVersion

log = logging.getLogger(__name__)

FORMATS = ("docx", "pdf")
LANGUAGES = CARD_LANGUAGES  # every approved version's files exist in Dutch and in French

_running: dict[int, threading.Thread] = {}  # version id -> the thread recording its fingerprints in this process
_running_lock = threading.Lock()


def recorded(version: ProtocolVersion) -> bool:
    """True once every file of ``version`` has its fingerprint."""
    have = {tuple(row) for row in db.session.execute(
        select(DocumentFingerprint.lang, DocumentFingerprint.format).where(DocumentFingerprint.version_id == version.id)
    )}
    return have >= {(lang, fmt) for lang in LANGUAGES for fmt in FORMATS}


def record_later(version: ProtocolVersion) -> threading.Thread | None:
    """Start recording ``version``'s fingerprints in the background, unless this process already does; the thread."""
    if version.status not in FROZEN_STATUSES:
        return None
    app = current_app._get_current_object()
    with _running_lock:
        if (running := _running.get(version.id)) is not None and running.is_alive():
            return running
        thread = threading.Thread(target=_record_in, args=(app, version.id), name=f"fingerprints-{version.id}", daemon=True)
        _running[version.id] = thread
    thread.start()
    return thread


def wait_recorded(version: ProtocolVersion, seconds: float) -> bool:
    """Start recording if needed and wait up to ``seconds`` for it; True when every fingerprint exists."""
    if recorded(version):
        return True
    thread = record_later(version)
    if thread is not None and seconds > 0:
        thread.join(seconds)
    db.session.expire_all()
    return recorded(version)


def wait_for_recordings(seconds: float) -> None:
    """Wait up to ``seconds`` for the recordings this process started (a clean stop, a test's snapshot)."""
    with _running_lock:
        threads = list(_running.values())
    for thread in threads:
        thread.join(seconds)


def _record_in(app: Flask, version_id: int) -> None:
    with app.app_context():
        try:
            record(db.session.get(ProtocolVersion, version_id))
        except Exception:  # recording is a favour to later checks: the next check starts it again
            log.exception("fingerprints of version %s not recorded", version_id)
        finally:
            db.session.remove()
            with _running_lock:
                _running.pop(version_id, None)


def record(version: ProtocolVersion) -> None:
    """Make and store the fingerprint of each of ``version``'s files that has none yet."""
    from ..documents import jobs
    from ..documents.files import cached_file, render_request, rendered_here, version_meta
    from .verify import read_document

    meta = version_meta(version)
    for lang in LANGUAGES:
        for fmt in FORMATS:
            if db.session.scalar(select(DocumentFingerprint.id).filter_by(version_id=version.id, format=fmt, lang=lang)):
                continue
            key, spec = render_request(version.answers, meta, fmt, version.template_version, lang)
            if fmt == "pdf":  # rendered by the pool or the queue, not in this web process
                jobs.submit_render(key, spec)
                state = jobs.wait(key, spec, current_app.config["RENDER_TIMEOUT"])
                data = cached_file(key, spec)
                if data is None:
                    raise RuntimeError(f"{fmt} {lang} of version {version.id}: render {state}")
            else:
                data = rendered_here(key, spec)
            facts = read_document(data)
            _store(DocumentFingerprint(
                version_id=version.id, format=fmt, lang=lang, file_sha256=sha256(data), content_sha256=facts.content,
                text_sha256=sha256(facts.text.encode()), pages=facts.pages,
            ))


def _store(fingerprint: DocumentFingerprint) -> None:
    try:
        db.session.add(fingerprint)
        db.session.commit()
    except IntegrityError:  # recorded meanwhile by another process: that one counts
        db.session.rollback()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
