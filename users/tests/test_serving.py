"""Production serving: gunicorn with the repository's config and DEBUG off, WhiteNoise static files, health checks."""

import json
import os
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from users.tests.servers import gunicorn_server, port_for


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory):
    """collectstatic once, as a deploy would, into a folder of this test run."""
    static_root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=_production_env(static_root),
        check=True,
    )
    return static_root


def _production_env(static_root) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_MEDIA_ROOT": str(static_root.parent / "media"),
        "DATABASE_URL": f"sqlite:///{static_root.parent / 'db.sqlite3'}",
        "REDIS_URL": "",
        "USE_S3_MEDIA": "false",
    }


@pytest.fixture(scope="module")
def production_server(collected_static):
    with gunicorn_server(port=port_for(0), workers=2, env=_production_env(collected_static)) as url:
        yield url


def get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        return urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error


def test_liveness_and_readiness_answer_under_gunicorn(production_server):
    live = get(f"{production_server}/health/")
    ready = get(f"{production_server}/health/ready/")

    assert live.status == 200 and json.load(live) == {"status": "ok"}
    assert ready.status == 200
    assert json.load(ready)["checks"] == {"database": "ok", "cache": "ok", "storage": "ok"}


def test_collected_static_is_fingerprinted_compressed_and_cached_for_a_year(production_server, collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]

    response = get(f"{production_server}/static/{hashed}", {"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Type"].startswith("text/css")


def test_debug_is_off_errors_are_json_and_browsable_api_is_gone(production_server):
    missing = get(f"{production_server}/api/no-such-thing/")
    unauthenticated = get(f"{production_server}/api/certificates/")
    browser = get(f"{production_server}/api/certificates/", {"Accept": "text/html"})

    assert missing.status == 404 and json.load(missing) == {"detail": "Not found."}
    assert unauthenticated.status == 401
    assert unauthenticated.headers["Content-Type"] == "application/json"
    assert browser.status == 406  # JSON is the only renderer with DEBUG off: no browsable API pages


def test_gunicorn_config_reads_workers_and_timeouts_from_env(monkeypatch):
    import runpy

    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "sync")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")

    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))

    assert (config["workers"], config["worker_class"], config["timeout"], config["bind"]) == (
        3,
        "sync",
        45,
        "0.0.0.0:9000",
    )
    assert config["accesslog"] == "-"


# --- readiness with a part down (in process) ------------------------------


@pytest.mark.django_db
def test_ready_is_503_naming_an_unreachable_cache(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}  # nothing listens
    }

    response = client.get(reverse("health-ready"))

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert body["checks"]["database"] == body["checks"]["storage"] == "ok"
    assert body["checks"]["cache"].startswith("failing: ")


@pytest.mark.django_db
def test_ready_is_503_naming_a_broken_storage(client, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked

    response = client.get(reverse("health-ready"))

    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


@pytest.mark.django_db
def test_ready_is_503_naming_the_database_and_liveness_stays_200(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("skillfolio.health.connection.cursor", refuse)

    ready = client.get(reverse("health-ready"))
    live = client.get(reverse("health-live"))

    assert ready.status_code == 503
    assert ready.json()["failing"] == ["database"]
    assert live.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["health-live", "health-ready"])
def test_health_answers_a_post_with_a_json_405_not_the_csrf_page(route):
    client = Client(enforce_csrf_checks=True)  # as a real browser or probe meets it: CSRF middleware on

    response = client.post(reverse(route))

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    assert client.head(reverse(route)).status_code == 200
