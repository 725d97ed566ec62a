"""Real servers for tests that cross process boundaries: gunicorn instances of this project and moto's S3 server.

Each runs as a subprocess in its own process group on 127.0.0.1, is waited for until it answers, and is always torn
down with its whole group (gunicorn's master and workers), whatever the test did.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
START_TIMEOUT = 30.0


def port_for(offset: int) -> int:
    """A loopback port for a test server: TEST_PORT_BASE (default 8600) plus a fixed offset per test module."""
    return int(os.environ.get("TEST_PORT_BASE") or "8600") + offset


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False
    return True


def _stop_group(process: subprocess.Popen, timeout: float = 10.0) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
        except ProcessLookupError:
            pass
    try:  # workers outlive a SIGKILLed master unless the group goes too
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@contextmanager
def _subprocess_server(command: list[str], *, base_url: str, probe_url: str, env: dict[str, str]) -> Iterator[str]:
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not _answers(probe_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-4000:]
                    raise RuntimeError(f"{command[2]} on {base_url} did not start:\n{output}")
                time.sleep(0.1)
            yield base_url
        finally:
            _stop_group(process)


@contextmanager
def gunicorn_server(*, port: int, workers: int = 1, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run gunicorn with the repository's gunicorn.conf.py on 127.0.0.1:port and yield its base URL.

    The child gets this process's environment plus `env`, so callers pass DATABASE_URL, REDIS_URL and the like.
    """
    child_env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # loopback speaks plain http; production redirects to https
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": "2",
        "GUNICORN_ACCESS_LOG": "-",
        **(env or {}),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "--config", str(BASE_DIR / "gunicorn.conf.py")]
    with _subprocess_server(command, base_url=base_url, probe_url=f"{base_url}/health/", env=child_env) as url:
        yield url


@contextmanager
def moto_s3_server(*, port: int) -> Iterator[str]:
    """moto's standalone S3-compatible server on 127.0.0.1:port; yields its endpoint URL."""
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    with _subprocess_server(command, base_url=base_url, probe_url=f"{base_url}/moto-api/", env=env) as url:
        yield url
