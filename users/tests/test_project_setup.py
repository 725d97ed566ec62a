"""The wiring around the API: routing, errors, settings, CORS, fixtures and the demo seed."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from users.api.base import OwnedModelViewSet
from users.api.urls import router
from users.models import Certificate, User

pytestmark = pytest.mark.django_db


def test_every_routed_viewset_is_owner_scoped():
    for prefix, viewset, _basename in router.registry:
        assert issubclass(viewset, OwnedModelViewSet), prefix


def test_unknown_api_path_is_json_404(api_client):
    response = api_client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_method_on_unknown_api_path_is_json_404_not_csrf_403(method):
    """Found by the schema fuzzer: PUT /api/certificates/abc/ met Django's HTML CSRF page (403) instead of a 404."""
    client = APIClient(enforce_csrf_checks=True)  # as a real client: Django's test client skips CSRF by default

    response = getattr(client, method)("/api/certificates/not-an-id/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_cors_preflight_allows_spa_origin(anon_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]

    response = anon_client.options(
        reverse("certificate-list"),
        HTTP_ORIGIN="http://localhost:5173",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )

    assert response["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "PATCH" in response["Access-Control-Allow-Methods"]


def test_cors_refuses_unknown_origin(anon_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]

    response = anon_client.get(reverse("certificate-list"), HTTP_ORIGIN="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response


def test_missing_secret_key_with_debug_off_refuses_to_start_with_one_line():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "false", "HOME": "/tmp"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["Configuration error: Set the DJANGO_SECRET_KEY environment variable"]


def test_every_fixture_file_loads(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # the fixture's real hash
    for fixture in sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json")):
        call_command("loaddata", fixture, stdout=StringIO())

    assert User.objects.get(email="demo@skillfolio.dev").check_password("pass1234")


def test_seed_demo_is_idempotent_and_refuses_without_debug_or_force(settings, django_capture_on_commit_callbacks):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force", stdout=StringIO())
        call_command("seed_demo", "--force", stdout=StringIO())

    demo = User.objects.get(email="demo@skillfolio.dev")
    assert demo.check_password("pass1234")
    assert Certificate.objects.owned_by(demo).count() == 3
    assert Certificate.objects.owned_by(demo).exclude(file_upload="").count() == 2
    assert len(list((settings.MEDIA_ROOT / "certificates").iterdir())) == 2


def test_api_root_is_public_and_links_every_resource(anon_client):
    response = anon_client.get("/api/")

    assert response.status_code == 200
    assert set(response.json()) == {prefix for prefix, _viewset, _basename in router.registry}


def test_post_to_unknown_api_path_is_json_404_even_with_csrf_checks(user):
    """A POST that misses the trailing slash lands on the catch-all; CSRF must not turn it into an HTML 403."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_authenticate(user)

    response = client.post("/api/goals", {"title": "x"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unknown_host_is_json_400(anon_client):
    response = anon_client.get("/api/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


@pytest.mark.parametrize("raw", ['{"title": "\\ud800"}', '{"\\udfff": 1}', '["\\ud83d"]'])
def test_json_with_a_lone_surrogate_escape_is_400(api_client, raw):
    response = api_client.post(reverse("goal-list"), raw, content_type="application/json")

    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]


def test_manage_py_check_starts_in_a_fresh_process():
    """A fresh process imports the URLconf before DRF's views; the test run imports them the other way round, so an
    import cycle through the REST_FRAMEWORK settings only shows here."""
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "true", "HOME": "/tmp"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr[-2000:]
