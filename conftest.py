"""Fixtures shared by every test: two users and an authenticated API client."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, files under a per-test folder, no collected static manifest needed, and a fresh local-memory
    cache per test (throttle counters start at zero; a Redis named by REDIS_URL is left to the services tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain http; test_deployment checks the redirect
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def user(db):
    from users.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from users.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_client(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client


@pytest.fixture
def sample_pdf():
    from users.tests.samples import CERTIFICATES, upload

    return upload(CERTIFICATES / "data-analysis-with-python.pdf", "application/pdf")
