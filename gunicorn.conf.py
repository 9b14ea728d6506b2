"""gunicorn settings for `make run` and production: `gunicorn -c gunicorn.conf.py wsgi:app`.

One worker process per core, one request at a time each; the environment overrides them:
WEB_CONCURRENCY (worker processes), GUNICORN_THREADS (threads per worker; more than 1 means threaded workers
with keep-alive), BIND or PORT,
GUNICORN_TIMEOUT (seconds a request may take, a large PDF included), GUNICORN_MAX_REQUESTS (requests before a
worker is replaced by a fresh one).
"""
import os

cores = os.cpu_count() or 1

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
# One process per core does the CPU work (pages; documents render in processes of their own), one request at a
# time: a free worker takes the next connection, so no request waits behind another in a busy worker while the
# other idles, and no two requests of one worker share its interpreter lock. Measured with 20 drafters on 2 cores
# (bench/load.py), the step pages' p95 fell from 148-170 ms with 4 threads a worker to 103-134 ms. A worker
# holds its connection until the response is sent: behind a buffering reverse proxy (README), slow clients are
# the proxy's to wait for. Threads (GUNICORN_THREADS > 1: gunicorn's gthread workers, with keep-alive) suit a
# database far away, whose waits they fill.
workers = int(os.environ.get("WEB_CONCURRENCY", cores))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5  # seconds an idle connection stays open (threaded workers only)
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
