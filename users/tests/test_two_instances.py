"""Two gunicorn instances behind an imaginary load balancer share everything a user can observe.

A and B run on different ports against one MariaDB database, one Redis and one S3 bucket (moto's server), as two
app servers in production would. Whatever one instance does, the other sees; killing one loses nothing it
acknowledged.
"""

import os
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from django.conf import settings

from users.api.auth import LoginView
from users.tests.conftest import new_bucket_env
from users.tests.samples import CERTIFICATES
from users.tests.servers import gunicorn_server, port_for

pytestmark = pytest.mark.services

PASSWORD = "a-long-test-passphrase"
PDF = CERTIFICATES / "data-analysis-with-python.pdf"


@pytest.fixture(scope="module")
def shared_env(mariadb_url, redis_url, s3_client, s3_endpoint) -> dict[str, str]:
    return {
        "DATABASE_URL": mariadb_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"two-instances-{uuid.uuid4().hex[:8]}",  # this run's keys only
        # day-long windows: the throttle counters' windows are wall-clock aligned, and a minute's edge falling inside
        # the throttle test would reset the count halfway
        "THROTTLE_RATES": "login_ip=5/day,login_account=20/day",
        **new_bucket_env(s3_client, s3_endpoint),
    }


@pytest.fixture(scope="module")
def instances(shared_env):
    with (
        gunicorn_server(port=port_for(20), workers=2, env=shared_env) as a,
        gunicorn_server(port=port_for(21), workers=2, env=shared_env) as b,
    ):
        yield a, b


def register_and_login(url_register: str, url_login: str) -> tuple[str, dict]:
    email = f"two-{uuid.uuid4().hex[:10]}@example.com"
    assert (
        requests.post(f"{url_register}/api/auth/register/", json={"email": email, "password": PASSWORD}).status_code
        == 201
    )
    tokens = requests.post(f"{url_login}/api/auth/login/", json={"email": email, "password": PASSWORD})
    assert tokens.status_code == 200, tokens.text
    return email, tokens.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access']}"}


def test_both_instances_are_ready_on_the_shared_services(instances):
    for url in instances:
        ready = requests.get(f"{url}/health/ready/")

        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "cache": "ok", "storage": "ok"}


def test_registered_on_a_logs_in_on_b(instances):
    a, b = instances

    email, tokens = register_and_login(a, b)

    me = requests.get(f"{a}/api/auth/me/", headers=bearer(tokens))  # a token B issued works on A
    assert me.status_code == 200 and me.json()["email"] == email


def test_refresh_token_logged_out_on_a_is_refused_on_b(instances):
    a, b = instances
    _, tokens = register_and_login(a, a)
    assert requests.post(f"{b}/api/auth/refresh/", json={"refresh": tokens["refresh"]}).status_code == 200

    logout = requests.post(f"{a}/api/auth/logout/", json={"refresh": tokens["refresh"]}, headers=bearer(tokens))
    refused = requests.post(f"{b}/api/auth/refresh/", json={"refresh": tokens["refresh"]})

    assert logout.status_code == 200
    assert refused.status_code == 401


def test_certificate_uploaded_through_a_is_listed_and_opens_through_b(instances):
    a, b = instances
    _, tokens = register_and_login(a, a)

    with PDF.open("rb") as file:
        created = requests.post(
            f"{a}/api/certificates/",
            data={"title": "Shared file", "issuer": "S3", "date_earned": "2024-05-14"},
            files={"file_upload": ("certificate.pdf", file, "application/pdf")},
            headers=bearer(tokens),
        )
    assert created.status_code == 201, created.text
    listed = requests.get(f"{b}/api/certificates/", headers=bearer(tokens)).json()["results"]
    link = listed[0]["file_upload"]
    opened = requests.get(link.replace(a, b))  # whichever instance the balancer picks

    assert [row["title"] for row in listed] == ["Shared file"]
    assert link.startswith(b)  # links are built from the host that answered
    assert opened.status_code == 200
    assert opened.headers["Content-Type"] == "application/pdf"
    assert opened.content == PDF.read_bytes()


def _clear_cache(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


def _failed_logins_until_throttled(targets: list[str], email: str, budget: int = 40) -> int:
    """Send wrong-password logins round-robin over targets; the number of the first 429, or 0 if none came."""
    for attempt in range(1, budget + 1):
        target = targets[(attempt - 1) % len(targets)]
        response = requests.post(f"{target}/api/auth/login/", json={"email": email, "password": "wrong-password"})
        if response.status_code == 429:
            return attempt
        assert response.status_code == 401, response.text
    return 0


def test_a_throttle_limit_counts_requests_sent_to_both(instances, shared_env):
    login_throttled = bool(LoginView.throttle_classes) or bool(settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES"))
    if not login_throttled:
        pytest.skip("login is not throttled on this branch yet (the throttles come with issue 5)")
    a, b = instances
    email, _ = register_and_login(a, a)
    prefix = shared_env["CACHE_KEY_PREFIX"]

    try:
        _clear_cache(shared_env["REDIS_URL"], prefix)
        alone = _failed_logins_until_throttled([a], email)  # the limit, measured on one instance
        _clear_cache(shared_env["REDIS_URL"], prefix)
        both = _failed_logins_until_throttled([a, b], email)  # the same limit, spread over both
    finally:
        _clear_cache(shared_env["REDIS_URL"], prefix)  # the later tests log in from this same address

    assert alone > 1, "one instance alone never throttled failed logins"
    assert both == alone  # per-instance counters would allow twice as many before the first 429


def test_killing_an_instance_mid_load_loses_no_acknowledged_write(shared_env, tmp_path):
    pidfile = tmp_path / "a.pid"
    env_a = {**shared_env, "GUNICORN_CMD_ARGS": f"--pid {pidfile}"}
    acknowledged: list[str] = []
    failed_on_a = 0
    lock = threading.Lock()
    killed = threading.Event()

    with (
        gunicorn_server(port=port_for(22), workers=2, env=env_a) as a,
        gunicorn_server(port=port_for(23), workers=2, env=shared_env) as b,
    ):
        _, tokens = register_and_login(a, b)
        headers = bearer(tokens)

        def kill_a() -> None:
            os.killpg(os.getpgid(int(pidfile.read_text())), signal.SIGKILL)  # master and workers, no goodbye
            killed.set()

        def client(number: int) -> None:
            nonlocal failed_on_a
            session = requests.Session()
            for request_number in range(25):
                target = a if request_number % 4 != 3 else b  # A takes most of the load
                title = f"load {number}-{request_number} {uuid.uuid4().hex[:6]}"
                body = {"title": title, "issuer": "Load", "date_earned": "2024-01-01"}
                try:
                    response = session.post(f"{target}/api/certificates/", json=body, headers=headers, timeout=10)
                except requests.RequestException:
                    if target == a:
                        with lock:
                            failed_on_a += 1
                    continue
                if 200 <= response.status_code < 300:
                    with lock:
                        acknowledged.append(title)
                        if len(acknowledged) == 30 and not killed.is_set():
                            kill_a()

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(client, range(4)))

        stored: set[str] = set()
        page = f"{b}/api/certificates/?page_size=100"
        while page:
            body = requests.get(page, headers=headers).json()
            stored.update(row["title"] for row in body["results"])
            page = body["next"]

    assert killed.is_set(), "instance A was never killed"
    assert failed_on_a > 0, "no request was in flight or queued on A when it died"
    assert len(acknowledged) > 30  # B kept acknowledging writes after A died
    assert set(acknowledged) <= stored
    assert time.monotonic() - started < 60
