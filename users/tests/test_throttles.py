"""Rate limits on the auth endpoints and the general per-user rate (rates lowered per test via settings)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGIN = reverse("auth-login")


@pytest.fixture
def rates(settings):
    """Set some throttle rates for this test; the others keep their defaults."""

    def set_rates(**scopes):
        framework = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **framework,
            "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **scopes},
        }

    return set_rates


def login(client: APIClient, identifier: str, password: str, **extra):
    return client.post(LOGIN, {"email_or_username": identifier, "password": password}, format="json", **extra)


def assert_throttled(response):
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert set(response.json()) == {"detail"}


def test_failed_logins_per_ip_then_429_with_retry_after_even_for_the_right_password(rates, user):
    rates(login_ip="3/min")
    client = APIClient()

    answers = [login(client, f"nobody{n}@example.com", "wrong").status_code for n in range(3)]
    blocked = login(client, user.email, PASSWORD)

    assert answers == [401, 401, 401]
    assert_throttled(blocked)
    assert 1 <= int(blocked["Retry-After"]) <= 60


def test_successful_logins_do_not_count_as_failures(rates, user):
    rates(login_ip="2/min")
    client = APIClient()

    answers = [login(client, user.email, PASSWORD).status_code for _ in range(5)]

    assert answers == [200] * 5
    assert login(client, user.email, "wrong").status_code == 401


def test_failed_logins_per_account_hold_across_ips_and_identifiers(rates, user):
    rates(login_account="3/hour")
    client = APIClient()

    for n, identifier in enumerate([user.email, user.username.upper(), user.email]):
        assert login(client, identifier, "wrong", REMOTE_ADDR=f"10.0.0.{n}").status_code == 401
    blocked = login(client, user.email, PASSWORD, REMOTE_ADDR="10.0.0.99")
    other = login(client, UserFactory().email, PASSWORD, REMOTE_ADDR="10.0.0.99")

    assert_throttled(blocked)
    assert other.status_code == 200


def test_spoofed_x_forwarded_for_buys_nothing_without_trusted_proxies(rates, settings):
    rates(login_ip="2/min")
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    client = APIClient()

    answers = [
        login(client, "a@example.com", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)
    ]

    assert answers == [401, 401, 429, 429]


def test_one_trusted_proxy_counts_the_address_it_saw_not_what_the_client_wrote(rates, settings):
    rates(login_ip="2/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = APIClient()

    forged = [
        login(client, "a@example.com", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7").status_code
        for n in range(3)
    ]
    other_client = login(client, "a@example.com", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.8")

    assert forged == [401, 401, 429]
    assert other_client.status_code == 401


def test_register_is_limited_per_ip_and_per_email(rates):
    rates(register_ip="4/hour", register_account="2/hour")
    client = APIClient()

    same_email = [
        client.post(reverse("auth-register"), {"email": "Same@Example.com", "password": "x"}, format="json")
        for _ in range(3)
    ]
    new_email = client.post(
        reverse("auth-register"), {"email": "fresh@example.com", "password": PASSWORD}, format="json"
    )
    over_ip = client.post(reverse("auth-register"), {"email": "late@example.com", "password": PASSWORD}, format="json")

    assert [response.status_code for response in same_email] == [400, 400, 429]
    assert new_email.status_code == 201
    assert_throttled(over_ip)


def test_refresh_is_limited_per_account_and_forged_tokens_count_only_per_ip(rates, user):
    rates(refresh_account="2/hour", refresh_ip="4/min")
    client = APIClient()
    refresh = login(client, user.email, PASSWORD).json()["refresh"]

    own = [
        client.post(reverse("auth-refresh"), {"refresh": refresh}, format="json", REMOTE_ADDR=f"10.1.0.{n}")
        for n in range(3)
    ]
    forged = [
        client.post(reverse("auth-refresh"), {"refresh": refresh[:-3] + "abc"}, format="json").status_code
        for _ in range(5)
    ]

    assert [response.status_code for response in own] == [200, 200, 429]
    assert forged == [401, 401, 401, 401, 429]


def test_failed_password_changes_are_limited(rates, user):
    rates(password_account="2/hour")
    client = APIClient()
    client.force_authenticate(user)
    url = reverse("auth-change-password")

    answers = [
        client.post(url, {"current_password": "wrong", "new_password": "a-new-long-password"}, format="json")
        for _ in range(3)
    ]

    assert [response.status_code for response in answers] == [400, 400, 429]


def test_general_rate_is_per_user_on_authenticated_endpoints(rates, api_client, other_client):
    rates(user="3/min")

    answers = [api_client.get(reverse("certificate-list")).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert other_client.get(reverse("certificate-list")).status_code == 200


def test_default_rates_match_the_issue(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    assert rates["login_ip"] == "5/min"
    assert rates["login_account"] == "20/hour"
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == ["users.api.throttles.UserRateThrottle"]


def test_counter_keys_are_short_and_carry_no_address_whatever_the_client_sends(rates, settings):
    from django.core.cache import cache

    rates(login_account="2/hour")
    identifier = "x" * 5000 + "@example.com"

    login(APIClient(), identifier, "wrong")

    keys = list(cache._cache)  # the local-memory cache the conftest installs
    assert keys and all(len(key) < 120 and "example.com" not in key and "127.0.0.1" not in key for key in keys)
