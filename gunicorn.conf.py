"""gunicorn settings for `make run` and production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Workers and threads follow the cores; the environment overrides them:
WEB_CONCURRENCY (worker processes), GUNICORN_THREADS (threads per worker), BIND or PORT,
GUNICORN_TIMEOUT (seconds a request may take, a large PDF included), GUNICORN_MAX_REQUESTS (requests before a
worker is replaced by a fresh one).
"""
import os

cores = os.cpu_count() or 1

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
# One process per core does the CPU work (pages, documents); threads cover the waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", cores))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Load the app once, before forking: workers start at once and share the loaded code.
preload_app = True
# Restart a worker now and then, so that a slow leak cannot grow without bound; rarely, since a new worker starts
# with cold caches (forms, templates, previews): at 250 requests/s, 5,000 meant a restart of each worker every 40 s.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
# No control socket in the home folder: several instances (a benchmark beside `make run`) would share it.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# Access lines carry the request id the app sends back (X-Request-ID), to match them with app log lines.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request=%({x-request-id}o)s'


def post_fork(server, worker):
    """Each worker opens its own database connections (none inherited from the loading process) and starts its render
    processes (the embedded default's local pool; with Redis the queue's workers render)."""
    from policybuilder.documents.jobs import LocalBackend
    from policybuilder.extensions import db

    app = worker.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)
    if isinstance(backend := app.extensions["policybuilder.render"], LocalBackend):
        backend.start()
