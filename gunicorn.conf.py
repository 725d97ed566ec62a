"""Gunicorn settings for every production-like run (`make serve`, deployments, the benchmark, the instance tests).

Gunicorn reads this file by itself when started from the repository root; each value can be changed from the
environment (or the .env file, as for Django's settings), so one file serves a laptop and a fleet of instances behind
a load balancer.
"""

import multiprocessing
import os
from pathlib import Path

import environ

environ.Env.read_env(Path(__file__).resolve().parent / ".env", overwrite=False)


def _str(name: str, default: str) -> str:
    return os.environ.get(name) or default  # an empty value (a blank line in .env) means the default


def _int(name: str, default: int) -> int:
    return int(_str(name, str(default)))


# Listen address: 127.0.0.1:8000 for a local run; behind a load balancer use 0.0.0.0:8000 (or the port it targets).
bind = _str("GUNICORN_BIND", "127.0.0.1:8000")
# Processes x threads = requests served at once. Threads let a worker wait on the database, Redis or S3 while its
# siblings keep serving; each thread holds its own persistent database connection.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = _str("GUNICORN_WORKER_CLASS", "gthread")
# A request running longer than this is killed with its worker; graceful_timeout bounds a restart or shutdown.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak can never grow without bound; the jitter keeps them from restarting
# together. 0 turns it off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Addresses whose X-Forwarded-Proto/-For gunicorn believes: the load balancer's. "*" only on a private network.
forwarded_allow_ips = _str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs go to stdout/stderr, where the process manager or the container runtime collects them. The access log gives
# the request time in microseconds (%(D)s) so slow requests can be found without a profiler.
accesslog = _str("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = _str("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s" %({x-request-id}o)s'
# Masks credentials (signed file links, bearer tokens) in every access-log field, as Django's log lines are.
logger_class = "users.logs.RedactingGunicornLogger"

# Heartbeat files in memory, not on a disk that may be slow or read-only in a container.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
wsgi_app = "skillfolio.wsgi:application"


def post_worker_init(worker):
    """Leave everything loaded at start-up out of the garbage collector's full passes (gc.freeze): Django, DRF and
    the URLconf's views are never freed, yet every full collection scanned them all again, which cost a 100-goal page
    about a sixth of its CPU time. The URLconf is imported first so its modules are frozen too."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view and serializer now)
    gc.freeze()
