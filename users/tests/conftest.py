"""Fixtures for tests that need real servers: moto's S3 server with a fresh bucket, the machine's databases, Redis."""

import os
import subprocess
import sys
import uuid

import boto3
import environ
import pytest
import redis
from django.conf import settings

from users.tests.servers import moto_s3_server, port_for

S3_REGION = "us-east-1"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's standalone S3 server on loopback: a real HTTP S3 API in another process, not a mock in this one."""
    with moto_s3_server(port=port_for(1)) as url:
        yield url


@pytest.fixture(scope="session")
def s3_client(s3_endpoint):
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    )


def new_bucket_env(s3_client, s3_endpoint: str) -> dict[str, str]:
    """Create an empty bucket and return the environment that points the app at it."""
    bucket = f"skillfolio-test-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=bucket)
    return {
        "USE_S3_MEDIA": "true",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_REGION_NAME": S3_REGION,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        **S3_KEYS,
    }


@pytest.fixture
def s3_env(s3_endpoint, s3_client) -> dict[str, str]:
    """A new, empty bucket per test, so tests never see each other's objects."""
    return new_bucket_env(s3_client, s3_endpoint)


# --- Machine services for the tests marked `services` -------------------------------------------------------------
# Each comes from an environment variable (.ci/run sets them all); unset means the test skips and says which to set.
# With SERVICES_REQUIRED=1 (as in .ci/run) a missing service or driver fails instead, so CI cannot pass by skipping.


def _missing(reason: str):
    if os.environ.get("SERVICES_REQUIRED") == "1":
        pytest.fail(f"SERVICES_REQUIRED=1 but {reason}")
    pytest.skip(reason)


def _service_url(variable: str) -> str:
    url = os.environ.get(variable, "")
    if not url:
        _missing(f"needs a real service: set {variable} (bash .ci/run sets it)")
    return url


def _migrate(database_url: str) -> None:
    """Bring a services database up to date the way a deploy does, in a separate process."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
    )


@pytest.fixture(scope="session")
def mariadb_url() -> str:
    """SERVICES_MARIADB_URL, its database created (utf8mb4) if missing and migrated."""
    url = _service_url("SERVICES_MARIADB_URL")
    try:
        import MySQLdb
    except ImportError:
        _missing("needs mysqlclient: pip install -r requirements-mysql.txt")
    config = environ.Env.db_url_config(url)
    server = MySQLdb.connect(
        host=config["HOST"], port=int(config["PORT"] or 3306), user=config["USER"], password=config["PASSWORD"]
    )
    try:
        server.cursor().execute(
            f"CREATE DATABASE IF NOT EXISTS `{config['NAME']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
    finally:
        server.close()
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """SERVICES_POSTGRES_URL, its database created if missing and migrated."""
    import psycopg

    url = _service_url("SERVICES_POSTGRES_URL")
    config = environ.Env.db_url_config(url)
    with psycopg.connect(
        host=config["HOST"],
        port=int(config["PORT"] or 5432),
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            server.execute(f'CREATE DATABASE "{config["NAME"]}"')
    _migrate(url)
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = _service_url("SERVICES_REDIS_URL")
    redis.Redis.from_url(url).ping()
    return url
