"""A running gunicorn survives the database dropping its connections (a restart, a failover, an idle timeout).

Django keeps connections open between requests (CONN_MAX_AGE) and checks a reused one before trusting it
(CONN_HEALTH_CHECKS), so the first request after the drop reconnects instead of failing with a 500.
"""

import uuid

import pytest
import requests

from users.tests.servers import gunicorn_server, port_for

pytestmark = pytest.mark.services


def kill_mariadb_connections(url: str) -> int:
    import environ
    import MySQLdb

    config = environ.Env.db_url_config(url)
    admin = MySQLdb.connect(
        host=config["HOST"], port=int(config["PORT"] or 3306), user=config["USER"], password=config["PASSWORD"]
    )
    try:
        cursor = admin.cursor()
        cursor.execute(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = %s AND ID <> CONNECTION_ID()", [config["NAME"]]
        )
        ids = [row[0] for row in cursor.fetchall()]
        for connection_id in ids:
            cursor.execute(f"KILL {int(connection_id)}")
        return len(ids)
    finally:
        admin.close()


def kill_postgres_connections(url: str) -> int:
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    with psycopg.connect(
        host=config["HOST"],
        port=int(config["PORT"] or 5432),
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [config["NAME"]],
        ).fetchall()
    return len(rows)


@pytest.mark.parametrize(
    "database, kill",
    [("mariadb_url", kill_mariadb_connections), ("postgres_url", kill_postgres_connections)],
    ids=["mariadb", "postgresql"],
)
def test_requests_succeed_after_the_database_killed_every_connection(request, database, kill):
    database_url = request.getfixturevalue(database)
    env = {"DATABASE_URL": database_url, "DATABASE_CONN_MAX_AGE": "600", "REDIS_URL": "", "USE_S3_MEDIA": "false"}
    email, password = f"resilience-{uuid.uuid4().hex[:10]}@example.com", "a-long-test-passphrase"

    with gunicorn_server(port=port_for(10), workers=1, env=env) as url:
        session = requests.Session()
        assert session.post(f"{url}/api/auth/register/", json={"email": email, "password": password}).ok
        access = session.post(f"{url}/api/auth/login/", json={"email": email, "password": password}).json()["access"]
        session.headers["Authorization"] = f"Bearer {access}"
        assert session.get(f"{url}/api/auth/me/").ok  # the worker now holds a persistent connection

        killed = kill(database_url)

        after = [session.get(f"{url}/api/auth/me/").status_code for _ in range(4)]
        ready = session.get(f"{url}/health/ready/")
        created = session.post(
            f"{url}/api/certificates/", json={"title": "After the drop", "issuer": "DB", "date_earned": "2024-01-01"}
        )

    assert killed >= 1
    assert after == [200, 200, 200, 200]
    assert ready.status_code == 200, ready.text
    assert created.status_code == 201
