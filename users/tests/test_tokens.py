"""Token lifetimes, revocation (password change, deactivation, deletion) and dead tokens on every endpoint."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken as PlainAccessToken

from users.admin import RevokingPasswordChangeForm
from users.models import User
from users.services import user_deactivate
from users.tests.endpoints import api_endpoints, owned_object
from users.tests.factories import UserFactory
from users.tokens import AccessToken, RefreshToken

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-brand-new-passphrase"


def sign_in(user: User, password: str = PASSWORD) -> dict:
    response = APIClient().post(reverse("auth-login"), {"email": user.email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def me(access: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get(reverse("auth-me"))


def refresh(token: str):
    return APIClient().post(reverse("auth-refresh"), {"refresh": token}, format="json")


def assert_dead(tokens: dict) -> None:
    assert me(tokens["access"]).status_code == 401
    assert refresh(tokens["refresh"]).status_code == 401


def test_lifetimes_default_to_15_minutes_and_7_days(settings):
    assert settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] == timedelta(minutes=15)
    assert settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] == timedelta(days=7)


def test_password_change_revokes_earlier_tokens_at_once_and_the_fresh_pair_works(user):
    old = sign_in(user)
    also_old = sign_in(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {old['access']}")

    response = client.post(
        reverse("auth-change-password"),
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert_dead(old)
    assert_dead(also_old)
    fresh = response.json()
    assert me(fresh["access"]).status_code == 200  # same second as the change: still told apart
    renewed = refresh(fresh["refresh"])
    assert renewed.status_code == 200
    assert me(renewed.json()["access"]).status_code == 200
    assert me(sign_in(user, NEW_PASSWORD)["access"]).status_code == 200


def test_deactivation_revokes_tokens_and_reactivation_does_not_revive_them(user):
    old = sign_in(user)

    user_deactivate(user=user)
    assert_dead(old)
    user.is_active = True
    user.save()

    assert_dead(old)
    assert me(sign_in(user)["access"]).status_code == 200


def test_password_set_by_staff_in_the_admin_revokes_tokens(user):
    old = sign_in(user)

    form = RevokingPasswordChangeForm(user, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert form.is_valid(), form.errors
    form.save()

    assert_dead(old)


def test_deactivating_in_the_admin_revokes_tokens(user, client):
    admin = User.objects.create_superuser("root", "root@example.com", "admin-password-long")
    old = sign_in(user)
    client.force_login(admin)
    page = client.get(reverse("admin:users_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        {
            "is_active": "",
            "groups": [],
            "user_permissions": [],
            "date_joined_0": user.date_joined.date().isoformat(),
            "date_joined_1": "00:00:00",
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)

    response = client.post(reverse("admin:users_user_change", args=[user.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active
    user.is_active = True
    user.save()
    assert_dead(old)


def test_account_deletion_kills_its_tokens(user):
    tokens = sign_in(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

    assert client.delete(reverse("auth-me")).status_code == 204

    assert_dead(tokens)


def test_blacklisted_refresh_token_is_401(user):
    tokens = sign_in(user)
    RefreshToken(tokens["refresh"]).blacklist()

    response = refresh(tokens["refresh"])

    assert response.status_code == 401
    assert "detail" in response.json()


# --- every dead token, on every endpoint that needs a token -------------


def dead_tokens(user: User, other: User) -> dict[str, str]:
    live = sign_in(user)
    expired = AccessToken.for_user(user)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    gone = AccessToken.for_user(other)
    other.delete()
    header, payload, signature = live["access"].split(".")
    forged_payload = AccessToken.for_user(user)
    forged_payload["user_id"] = str(user.pk + 1000)
    return {
        "garbage": "not-a-jwt",
        "expired": str(expired),
        "tampered signature": f"{header}.{payload}.{signature[:-4]}AAAA",
        "tampered payload": f"{header}.{str(forged_payload).split('.')[1]}.{signature}",
        "refresh as access": live["refresh"],
        "deleted user": str(gone),
        "plain simplejwt, issued before revocation": str(PlainAccessToken.for_user(user)),
    }


def test_dead_tokens_are_401_json_on_every_protected_endpoint(user, other_user):
    tokens = dead_tokens(user, other_user)
    user.tokens_valid_after = user.date_joined + timedelta(days=365 * 100)  # everything so far is revoked
    user.save(update_fields=["tokens_valid_after"])
    protected = [endpoint for endpoint in api_endpoints() if not endpoint.is_public]
    assert {"auth-me", "certificate-list", "certificate-detail"} <= {endpoint.name for endpoint in protected}
    objects = {}

    for endpoint in protected:
        if endpoint.name == "auth-refresh":
            continue  # takes its token in the body: covered below
        kwargs = {}
        if endpoint.url_kwargs:
            objects.setdefault(endpoint.model, owned_object(endpoint.model, user))
            kwargs = {name: objects[endpoint.model].pk for name in endpoint.url_kwargs}
        url = reverse(endpoint.name, kwargs=kwargs)
        for kind, token in tokens.items():
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            for method in endpoint.methods:
                response = getattr(client, method.lower())(url, {}, format="json")
                assert response.status_code == 401, (endpoint.name, method, kind, response.content)
                assert response["Content-Type"] == "application/json"
                assert isinstance(response.json()["detail"], str)


def dead_refresh_tokens(user: User) -> dict[str, str]:
    expired = RefreshToken.for_user(user)
    expired.set_exp(lifetime=-timedelta(seconds=1))
    doomed = UserFactory()
    orphan = RefreshToken.for_user(doomed)
    doomed.delete()
    live = RefreshToken.for_user(user)
    header, payload, signature = str(live).split(".")
    return {
        "garbage": "not-a-jwt",
        "expired": str(expired),
        "tampered signature": f"{header}.{payload}.{signature[:-4]}AAAA",
        "access as refresh": str(live.access_token),
        "deleted user": str(orphan),
    }


def test_dead_refresh_tokens_are_401_json(user):
    for kind, token in dead_refresh_tokens(user).items():
        response = refresh(token)

        assert response.status_code == 401, kind
        assert isinstance(response.json()["detail"], str), kind


def test_signed_tokens_naming_no_user_or_no_valid_id_are_401(user):
    """Tokens only this server can sign, but whose user claim is missing or not a user id: a 401, never a 500."""
    missing = object()
    for user_id in [
        missing,
        None,
        True,
        1.0,
        [user.pk],
        "abc",
        "1.5",
        " 1",
        "0",
        "-3",
        str(2**70),
        str(user.pk + 1000),
    ]:
        token = AccessToken.for_user(user)
        if user_id is missing:
            del token["user_id"]
        else:
            token["user_id"] = user_id
        response = me(str(token))
        assert response.status_code == 401, (user_id, response.content)
        assert isinstance(response.json()["detail"], str)
    assert me(str(AccessToken.for_user(user))).status_code == 200
    old_style = AccessToken.for_user(user)
    old_style["user_id"] = user.pk  # a number, as older SimpleJWT versions wrote it
    assert me(str(old_style)).status_code == 200


def test_signed_refresh_tokens_naming_no_valid_user_id_are_401(user):
    for user_id in [None, "abc", [], str(2**70)]:
        token = RefreshToken.for_user(user)
        token["user_id"] = user_id
        response = refresh(str(token))
        assert response.status_code == 401, (user_id, response.content)
        assert response.json()["detail"] == "No active account found for the given token."


def test_an_expiry_past_any_date_is_401(user):
    """A signed exp no date can hold (past the year 9999) is an invalid token, not an overflow."""
    access, refresh_token = AccessToken.for_user(user), RefreshToken.for_user(user)
    access["exp"] = refresh_token["exp"] = 1e20

    assert me(str(access)).status_code == 401
    assert refresh(str(refresh_token)).status_code == 401


def test_inactive_user_and_unknown_user_answer_simplejwts_codes(user, other_user):
    gone = AccessToken.for_user(other_user)
    other_user.delete()
    assert me(str(gone)).json()["code"] == "user_not_found"
    token = AccessToken.for_user(user)
    User.objects.filter(pk=user.pk).update(is_active=False)  # no revocation cut-off: only is_active refuses it
    assert me(str(token)).json()["code"] == "user_inactive"
