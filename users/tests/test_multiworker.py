"""The login limits hold in total across four gunicorn workers sharing Redis (SERVICES_REDIS_URL), hit concurrently.

Each worker serves few requests at once and a counted login spends most of a second hashing, so a dozen concurrent
attempts are necessarily spread over the workers; the totals below hold only because the counters are shared.
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

from users.tests.servers import gunicorn_server, port_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PORT_OFFSET = 30  # port_for(): TEST_PORT_BASE + 30
PASSWORD = "correct-horse-battery"
IP_LIMIT, ACCOUNT_LIMIT, ATTEMPTS = 3, 4, 12  # few: every counted attempt costs a real PBKDF2 hash


@pytest.fixture
def server_database(tmp_path) -> str:
    """A database the server processes can see: the test database itself for MariaDB/PostgreSQL (this test commits),
    or a freshly migrated SQLite file."""
    if connection.vendor != "sqlite":
        return urlparse(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        timeout=120,
    )
    return url


def post(url: str, body: dict, forwarded_for: str) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_login_limits_hold_in_total_across_four_workers(redis_url, server_database):
    import redis

    prefix = f"multiworker-{uuid.uuid4().hex}"
    env = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "multi-worker-test-secret-" + uuid.uuid4().hex,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": server_database,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,  # a fresh set of counters, nobody else's keys
        "NUM_PROXIES": "1",  # so each simulated client below has its own address
        "THROTTLE_RATES": f"login_ip={IP_LIMIT}/day,login_account={ACCOUNT_LIMIT}/day",
    }
    try:
        per_ip, per_account, right_password = run_attempts(env)
    finally:
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)

    assert per_ip == {401: IP_LIMIT, 429: ATTEMPTS - IP_LIMIT}
    assert per_account == {401: ACCOUNT_LIMIT, 429: ATTEMPTS - ACCOUNT_LIMIT}
    assert right_password == 429  # the account stays locked for the window, whatever the password


def run_attempts(env: dict[str, str]) -> tuple[Counter, Counter, int]:
    with gunicorn_server(port=port_for(PORT_OFFSET), workers=4, env=env) as base_url:
        login = f"{base_url}/api/auth/login/"
        email = f"{uuid.uuid4().hex[:12]}@example.com"
        assert post(f"{base_url}/api/auth/register/", {"email": email, "password": PASSWORD}, "198.51.100.1") == 201

        with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
            # one client address, a different unknown account each time: the per-IP limit
            per_ip = Counter(
                pool.map(
                    lambda n: post(login, {"email": f"nobody{n}@example.com", "password": "wrong"}, "203.0.113.1"),
                    range(ATTEMPTS),
                )
            )
            # one account, a different client address each time: the per-account limit
            per_account = Counter(
                pool.map(
                    lambda n: post(login, {"email": email, "password": "wrong"}, f"192.0.2.{n + 1}"),
                    range(ATTEMPTS),
                )
            )
        right_password = post(login, {"email": email, "password": PASSWORD}, "192.0.2.200")
    return per_ip, per_account, right_password
