"""Production settings, request ids, JSON logs without secrets, and one JSON error shape under /api/."""

import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from users.api.defaults import csrf_failure
from users.tests.factories import CertificateFactory
from users.tests.samples import CERTIFICATES, upload
from users.tokens import AccessToken

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
print(json.dumps({name: getattr(settings, name) for name in [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER"]} | {"renderers": settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]}))
"""


def run_with_production_env(**extra: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "skillfolio.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "api.skillfolio.example",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_production_env_and_proxy_header_comes_from_env():
    result = run_with_production_env(DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] and values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["renderers"] == ["users.api.renderers.JSONRenderer"]  # no browsable API


def test_an_empty_database_url_means_the_default_sqlite_file():
    """A blank `DATABASE_URL=` line in .env used to stop every command with KeyError: 'ENGINE'."""
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default'])"
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "skillfolio.settings", "DJANGO_DEBUG": "true"}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=django_settings.BASE_DIR,
        env={**env, "DATABASE_URL": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert "django.db.backends.sqlite3" in done.stdout and "db.sqlite3" in done.stdout


def test_plain_http_is_redirected_and_https_behind_the_proxy_gets_hsts(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = APIClient()

    plain = client.get("/api/certificates/")
    proxied = client.get("/api/certificates/", HTTP_X_FORWARDED_PROTO="https")
    probe = client.get("/health/")

    assert probe.status_code == 200  # load balancers probe over plain http
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    assert proxied.status_code == 401
    assert proxied["Strict-Transport-Security"].startswith("max-age=31536000")


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def crash(*args, **kwargs):
    raise RuntimeError("something broke deep inside")


def test_no_debug_page_browsable_api_or_settings_leak(api_client, monkeypatch):
    monkeypatch.setattr("users.api.certificates.CertificateViewSet.list", crash)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(api_client.handler._force_user)

    answers = [
        client.get("/api/certificates/", HTTP_ACCEPT=BROWSER_ACCEPT),
        client.get("/api/nowhere/", HTTP_ACCEPT=BROWSER_ACCEPT),
        client.get("/api/auth/me/?format=api", HTTP_ACCEPT=BROWSER_ACCEPT),
        client.get("/api/auth/me/", HTTP_ACCEPT="text/html"),
        client.get("/nowhere/"),
    ]

    assert [response.status_code for response in answers] == [500, 404, 404, 406, 404]
    for response in answers:
        assert response["Content-Type"] == "application/json"
        text = response.content.decode()
        assert "Traceback" not in text and "something broke" not in text and "SECRET_KEY" not in text


# --- request ids ------------------------------------------------------------


def test_request_id_is_generated_when_missing_and_returned_and_the_spa_may_read_it(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.skillfolio.example"]

    response = APIClient().get("/api/certificates/", HTTP_ORIGIN="https://app.skillfolio.example")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    exposed = {name.strip() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed >= {"X-Request-ID", "Retry-After"}


def test_a_sane_client_request_id_is_kept_and_anything_else_replaced():
    mine = str(uuid.uuid4())
    client = APIClient()

    kept = client.get("/api/certificates/", HTTP_X_REQUEST_ID=mine)
    replaced = [
        client.get("/api/certificates/", HTTP_X_REQUEST_ID=value)["X-Request-ID"]
        for value in ["<script>", "a" * 500, "1234", 'x\\n{"level": "CRITICAL"}']
    ]

    assert kept["X-Request-ID"] == mine
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in replaced)


@pytest.fixture
def log_lines():
    """What the configured console handler writes, as parsed JSON lines."""
    [handler] = [handler for handler in logging.getLogger().handlers if handler.name == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    lines: list = []

    def read() -> list[dict]:
        lines[:] = [json.loads(line) for line in stream.getvalue().splitlines()]
        return lines

    yield read
    handler.setStream(previous)


def test_errors_are_json_lines_with_the_request_id_and_no_credentials(user, monkeypatch, log_lines, settings):
    client = APIClient(raise_request_exception=False)
    tokens = client.post(reverse("auth-login"), {"email": user.email, "password": PASSWORD}, format="json").json()
    expired = AccessToken.for_user(user)
    expired.set_exp(lifetime=-__import__("datetime").timedelta(seconds=1))
    certificate = CertificateFactory(user=user)
    link = f"/api/files/certificates/{tokens['access'][:40]}.signed-part/cert.pdf"
    monkeypatch.setattr("users.api.auth.user_change_password", crash)
    request_id = uuid.uuid4().hex

    client.post(reverse("auth-login"), {"email": user.email, "password": "wrong-" + PASSWORD}, format="json")
    client.post(reverse("auth-refresh"), {"refresh": tokens["refresh"] + "x"}, format="json")
    client.get(reverse("certificate-detail", args=[certificate.pk]), HTTP_AUTHORIZATION=f"Bearer {expired}")
    client.get(link)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    crashed = client.post(
        reverse("auth-change-password"),
        {"current_password": PASSWORD, "new_password": "n3w-" + PASSWORD},
        format="json",
        HTTP_X_REQUEST_ID=request_id,
    )

    assert crashed.status_code == 500
    lines = log_lines()
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == request_id == crashed["X-Request-ID"]
    assert error["path"] == "/api/auth/change-password/" and "RuntimeError" in error["exc_info"]
    assert {line["level"] for line in lines} >= {"WARNING", "ERROR"}
    text = "\n".join(json.dumps(line) for line in lines)
    for secret in [PASSWORD, tokens["access"], tokens["refresh"], str(expired), "signed-part", settings.SECRET_KEY]:
        assert secret not in text


def test_a_refused_client_request_id_never_reaches_the_log(log_lines):
    hostile = "forged-" + "a" * 5000

    response = APIClient().get("/health/", HTTP_X_REQUEST_ID=hostile)

    assert response.status_code == 200 and response["X-Request-ID"] != hostile
    assert all(hostile not in json.dumps(line) for line in log_lines())


# --- one error shape --------------------------------------------------------


def test_every_kind_of_error_under_api_is_a_json_detail(api_client, settings, monkeypatch):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # Django's limit: form fields of a multipart body
    settings.REQUEST_BODY_MAX_BYTES = 100_000  # ours: any declared body
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "20/min"},
    }
    broken = APIClient(raise_request_exception=False)
    broken.force_authenticate(api_client.handler._force_user)
    monkeypatch.setattr("users.api.auth.MeView.get", crash)
    csrf_client = APIClient(enforce_csrf_checks=True)
    pdf = upload(CERTIFICATES / "data-analysis-with-python.pdf")
    another_pdf = upload(CERTIFICATES / "intro-to-django-rest.pdf")

    answers = {
        404: api_client.get("/api/no-such-thing/"),
        405: api_client.delete(reverse("auth-login")),
        415: api_client.post(reverse("certificate-list"), "title=x", content_type="text/plain"),
        400: api_client.post(reverse("certificate-list"), "{not json", content_type="application/json"),
        413: api_client.post(reverse("certificate-list"), {"title": "x" * 200_000}, format="json"),
        "multipart fields too big": api_client.post(
            reverse("certificate-list"), {"title": "x" * 2000, "file_upload": pdf}, format="multipart"
        ),
        500: broken.get(reverse("auth-me")),
        "csrf": csrf_client.post("/api/no-such-thing/", {"a": 1}),
        "oversized upload": api_client.post(
            reverse("certificate-list"),
            {"file_upload": another_pdf},
            format="multipart",
            CONTENT_LENGTH=str(settings.REQUEST_BODY_MAX_BYTES + 1),
        ),
    }
    for _ in range(25):
        throttled = api_client.get(reverse("certificate-list"))
    answers[429] = throttled

    assert {key: response.status_code for key, response in answers.items()} == {
        404: 404,
        405: 405,
        415: 415,
        400: 400,
        413: 413,
        "multipart fields too big": 413,
        500: 500,
        "csrf": 404,
        "oversized upload": 413,
        429: 429,
    }
    for key, response in answers.items():
        assert response["Content-Type"] == "application/json", key
        assert set(response.json()) == {"detail"}, (key, response.json())
        assert isinstance(response.json()["detail"], str), key


def test_csrf_failure_under_api_is_json_and_the_admin_keeps_djangos_page():
    factory = RequestFactory()

    api = csrf_failure(factory.post("/api/anything/"), reason="CSRF cookie not set.")
    admin = csrf_failure(factory.post("/admin/login/"), reason="CSRF cookie not set.")

    assert api.status_code == admin.status_code == 403
    assert json.loads(api.content) == {"detail": "CSRF check failed: CSRF cookie not set."}
    assert admin["Content-Type"].startswith("text/html")


def test_gunicorn_access_log_masks_file_links_and_bearer_tokens(user):
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from users.logs import RedactingGunicornLogger

    access = str(AccessToken.for_user(user))
    path = "/api/files/certificates/SIGNED-LINK-PART/cert.pdf"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_AUTHORIZATION": f"Bearer {access}",
        "HTTP_REFERER": f"https://app.example{path}",
    }
    request = SimpleNamespace(headers=[("AUTHORIZATION", f"Bearer {access}")])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[("X-Request-ID", "abc")])

    logger = RedactingGunicornLogger(Config())
    atoms = logger.atoms_wrapper_class(logger.atoms(response, request, environ, timedelta(milliseconds=5)))

    text = json.dumps({key: str(atoms[key]) for key in atoms})  # what any access_log_format can print
    assert "SIGNED-LINK-PART" not in text and access not in text
    assert "SIGNED-LINK-PART" not in logger.cfg.access_log_format % atoms  # the line gunicorn writes
    assert atoms["r"] == "GET /api/files/certificates/[redacted]/cert.pdf HTTP/1.1"
    assert atoms["{x-request-id}o"] == "abc"
