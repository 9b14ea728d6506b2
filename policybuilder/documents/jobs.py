"""Renders off the request path: ``submit_render(key, spec)`` and ``status(key)``.

Two backends behind one interface. The embedded default is a bounded local process pool (spawned processes
at idle priority, so a burst of PDFs cannot starve the web workers); a marker file in the cache folder makes
the workers of one machine render a key once. With ``POLICYBUILDER_REDIS_URL`` set, jobs go to RQ on Redis
(``flask worker`` or ``rq worker policybuilder-render`` on any machine); the job returns the file's bytes,
which RQ keeps in Redis, and the web side that next asks for the key writes them into its own cache. So
worker machines need no shared disk and each web machine's cache stays its own, as before.
"""
from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path

from flask import Flask, current_app

from ..document import DocumentMeta, Style, build_document, render
from ..document.card import build_staff_card
from ..schema import SCHEMA_DIR, Schema, load_schema
from .cache import cache_path, store

log = logging.getLogger(__name__)

READY, PENDING, FAILED, MISSING = "ready", "pending", "failed", "missing"
QUEUE_NAME = "policybuilder-render"
PARTS = {"protocol": build_document, "card": build_staff_card}


@dataclasses.dataclass(frozen=True)
class RenderSpec:
    """Everything a render needs, as plain data (no ORM objects): it travels to another process or machine."""

    answers: dict
    meta: DocumentMeta
    template: dict | None
    logo: bytes | None
    fmt: str
    lang: str = "nl"
    part: str = "protocol"
    schema_dir: str | None = None

    @property
    def keep(self) -> bool:
        """Approved versions' files are kept whatever the cache's size bound."""
        return self.meta.status == "approved"


_schemas: dict[str, Schema] = {}


def render_spec(spec: RenderSpec, schema: Schema | None = None) -> bytes:
    """The .docx or .pdf of ``spec`` with the pure document functions (the schema loaded once per process)."""
    from ..federation.store import FONTS, house_style
    from ..sector import extend_schema, template_from_json

    if schema is None:
        folder = spec.schema_dir or str(SCHEMA_DIR)
        schema = _schemas.get(folder) or _schemas.setdefault(folder, load_schema(Path(folder)))
    style = Style()
    if spec.template is not None:
        template = template_from_json(spec.template, schema, FONTS)
        schema, style = extend_schema(template, schema), house_style(template.style, spec.logo)
    return render(PARTS[spec.part](schema, spec.answers, spec.meta, spec.lang), style, spec.fmt)


def _ready() -> None:
    """Load the PDF renderer (WeasyPrint, fonts) in a render process before its first document."""
    from ..document import render_pdf  # noqa: F401  (imported for its side effect: the module loaded)


def _lower_priority() -> None:
    """Render only on CPU time the web workers leave: SCHED_IDLE yields to them at once (Linux), else nice 19."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux
        os.nice(19)


class LocalBackend:
    """A process pool of ``workers`` processes with at most ``queue_max`` jobs waiting, keyed by content key."""

    _pool: ProcessPoolExecutor | None = None  # one pool per web process, shared by its apps
    _pool_lock = threading.Lock()

    def __init__(self, directory: Path, max_bytes: int | None, workers: int, queue_max: int, timeout: int):
        self.directory, self.max_bytes, self.workers, self.queue_max, self.timeout = directory, max_bytes, workers, queue_max, timeout
        self._jobs: dict[str, Future] = {}
        self._failed: set[str] = set()
        self._lock = threading.Lock()

    def submit(self, key: str, spec: RenderSpec) -> str:
        """Start rendering ``key`` unless it is ready, running here or in another process, or the queue is full."""
        state = self.status(key)
        if state != MISSING:
            return state
        with self._lock:
            if key in self._jobs:
                return PENDING
            if len(self._jobs) >= self.queue_max or not self._claim(key):
                return PENDING if self._claimed(key) else MISSING
            try:
                future = self._executor().submit(render_spec, spec)
            except BrokenProcessPool:  # a render process died (out of memory, killed): start a new pool
                LocalBackend._pool = None
                future = self._executor().submit(render_spec, spec)
            self._jobs[key] = future
        log.info("render %s queued (%s %s)", key, spec.part, spec.fmt)
        future.add_done_callback(partial(self._finished, key, spec))
        return PENDING

    def start(self) -> None:
        """Start the render processes now, each loading the renderer at idle priority: a web worker calls this when it
        starts, so that neither the first download nor the drafters of that moment pay for it."""
        for _ in range(self.workers):
            self._executor().submit(_ready)

    def status(self, key: str) -> str:
        """ready, pending, failed, or missing (nobody renders it)."""
        if key in self._failed:
            return FAILED
        if key in self._jobs or self._claimed(key):
            return PENDING
        return MISSING

    def _finished(self, key: str, spec: RenderSpec, future: Future) -> None:
        try:
            store(self.directory, key, spec.fmt, future.result(), spec.keep, self.max_bytes)
        except Exception:
            log.exception("render %s failed", key)
            self._failed.add(key)
        finally:
            self._marker(key).unlink(missing_ok=True)
            with self._lock:
                self._jobs.pop(key, None)

    def _marker(self, key: str) -> Path:
        return self.directory / "jobs" / f"{key}.pending"

    def _claim(self, key: str) -> bool:
        """Create the key's marker unless another process holds a fresh one (a stale one is taken over)."""
        marker = self._marker(key)
        marker.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            if self._claimed(key):
                return False
            os.utime(marker)  # stale: its process died; take it over
        return True

    def _claimed(self, key: str) -> bool:
        try:
            return time.time() - self._marker(key).stat().st_mtime < self.timeout
        except FileNotFoundError:
            return False

    def _executor(self) -> ProcessPoolExecutor:
        with LocalBackend._pool_lock:
            if LocalBackend._pool is None:
                LocalBackend._pool = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_lower_priority
                )
            return LocalBackend._pool


class RQBackend:
    """RQ on Redis: the job id is the content key, and a Redis lock makes one enqueue of it across all web processes."""

    def __init__(self, url: str, directory: Path, max_bytes: int | None, timeout: int):
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(url)
        self.queue = Queue(QUEUE_NAME, connection=self.redis)
        self.directory, self.max_bytes, self.timeout = directory, max_bytes, timeout

    def submit(self, key: str, spec: RenderSpec) -> str:
        """Enqueue ``key`` unless it is queued, running, finished or failed."""
        state = self.status(key)
        if state == MISSING and self.redis.set(self._lock_name(key), 1, nx=True, ex=self.timeout):
            self.queue.enqueue(render_spec, spec, job_id=key, job_timeout=self.timeout, result_ttl=self.timeout, failure_ttl=self.timeout)
            log.info("render %s queued on %s (%s %s)", key, QUEUE_NAME, spec.part, spec.fmt)
            return PENDING
        return PENDING if state == MISSING else state

    def status(self, key: str) -> str:
        """ready (its bytes just written into this machine's cache), pending, failed or missing."""
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        try:
            job = Job.fetch(key, connection=self.redis)
        except NoSuchJobError:
            return PENDING if self.redis.exists(self._lock_name(key)) else MISSING
        state = job.get_status()
        if state == JobStatus.FINISHED:
            spec = job.args[0]
            store(self.directory, key, spec.fmt, job.return_value(), spec.keep, self.max_bytes)
            job.delete()
            self.redis.delete(self._lock_name(key))
            return READY
        return FAILED if state in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED) else PENDING

    @staticmethod
    def _lock_name(key: str) -> str:
        return f"{QUEUE_NAME}:lock:{key}"


def init_app(app: Flask) -> None:
    """Choose the backend: RQ when REDIS_URL (POLICYBUILDER_REDIS_URL) is set, else the local pool."""
    directory = Path(app.config["DOCUMENT_CACHE_DIR"])
    max_bytes = app.config.setdefault("DOCUMENT_CACHE_MAX_BYTES", 500 * 1024 * 1024)
    timeout = app.config.setdefault("RENDER_TIMEOUT", 300)
    url = app.config.get("REDIS_URL")
    app.config.setdefault("RENDER_WAIT", 0)
    app.config.setdefault("RENDER_AHEAD", True)
    app.config.setdefault("RENDER_AHEAD_DELAY", 10)
    if url:
        app.extensions["policybuilder.render"] = RQBackend(url, directory, max_bytes, timeout)
    else:
        app.extensions["policybuilder.render"] = LocalBackend(
            directory, max_bytes, app.config.setdefault("RENDER_WORKERS", 1), app.config.setdefault("RENDER_QUEUE_MAX", 16), timeout
        )


def _backend() -> LocalBackend | RQBackend:
    return current_app.extensions["policybuilder.render"]


def submit_render(key: str, spec: RenderSpec) -> str:
    """Render ``spec`` into the cache under ``key`` once, however often it is asked; its state."""
    return _submit(_backend(), key, spec)


def _submit(backend: LocalBackend | RQBackend, key: str, spec: RenderSpec) -> str:
    if cache_path(backend.directory, key, spec.fmt, spec.keep).exists():
        return READY
    return backend.submit(key, spec)


_timers: dict[object, threading.Timer] = {}
_timers_lock = threading.Lock()


def render_ahead(renders: list[tuple[str, RenderSpec]] | Callable[[], list[tuple[str, RenderSpec]]], delay: float = 0,
                 group: object = None) -> None:
    """Queue ``renders`` (or what the callable returns then) before anyone asks: at once, or ``delay`` seconds after
    the last call for ``group``."""
    backend = _backend()

    def start() -> None:
        try:
            wanted = renders() if callable(renders) else renders
        except Exception:  # rendering ahead is a favour: a download later asks again
            log.exception("render ahead not prepared")
            return
        for key, spec in wanted:
            try:
                _submit(backend, key, spec)
            except Exception:
                log.exception("render ahead of %s not queued", key)

    if not delay:
        start()
        return
    timer = threading.Timer(delay, start)
    timer.daemon = True
    with _timers_lock:
        if (earlier := _timers.pop(group, None)) is not None:
            earlier.cancel()
        _timers[group] = timer
    timer.start()


def status(key: str, spec: RenderSpec) -> str:
    """ready, pending, failed, or missing (nobody renders it)."""
    if cache_path(_backend().directory, key, spec.fmt, spec.keep).exists():
        return READY
    return _backend().status(key)


def wait(key: str, spec: RenderSpec, seconds: float) -> str:
    """The state of ``key`` once ready or failed, or after ``seconds``."""
    deadline = time.monotonic() + seconds
    state = status(key, spec)
    while state in (PENDING, MISSING) and time.monotonic() < deadline:
        time.sleep(0.05)
        state = status(key, spec)
    return state
