import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from users.models import Certificate, User
from users.tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def login(client: APIClient, **body) -> dict:
    response = client.post(reverse("auth-login"), {"password": PASSWORD, **body}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


# --- register -------------------------------------------------------------


def test_register_lowercases_email_and_uses_it_as_username(anon_client):
    response = anon_client.post(
        reverse("auth-register"), {"email": " New.Learner@Example.COM ", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["username"] == body["email"] == "new.learner@example.com"
    assert set(body) == {"id", "username", "email"}


def test_register_duplicate_email_in_other_case_is_400_on_email(anon_client, user):
    response = anon_client.post(
        reverse("auth-register"), {"email": user.email.upper(), "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert "email" in response.json()
    assert User.objects.count() == 1


@pytest.mark.parametrize("squatted", ["newcomer@example.com", "NewComer@Example.com"])
def test_register_email_someone_took_as_username_still_signs_up(anon_client, api_client, squatted):
    """Another account renamed itself to this e-mail (in any case): the e-mail is free, so sign-up must work."""
    assert api_client.patch(reverse("auth-me"), {"username": squatted}, format="json").status_code == 200

    response = anon_client.post(
        reverse("auth-register"), {"email": "newcomer@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["email"] == "newcomer@example.com"
    assert User.objects.filter(username__iexact="newcomer@example.com").count() == 1
    login = anon_client.post(
        reverse("auth-login"), {"email_or_username": "newcomer@example.com", "password": PASSWORD}, format="json"
    )
    assert login.json()["email"] == "newcomer@example.com"


def test_register_email_longer_than_a_username_signs_up(anon_client):
    email = f"{'a' * 70}.{'b' * 70}.{'c' * 30}@example.com"  # 186 characters: valid, but a username holds 150

    response = anon_client.post(reverse("auth-register"), {"email": email, "password": PASSWORD}, format="json")

    assert response.status_code == 201
    assert response.json()["email"] == email
    login = anon_client.post(reverse("auth-login"), {"email": email, "password": PASSWORD}, format="json")
    assert login.status_code == 200


def test_register_weak_password_is_400_on_password(anon_client):
    response = anon_client.post(reverse("auth-register"), {"email": "a@example.com", "password": "1234"}, format="json")

    assert response.status_code == 400
    assert "password" in response.json()
    assert not User.objects.exists()


@pytest.mark.parametrize("body", [{}, {"email": "not-an-email", "password": PASSWORD}, {"email": "a@example.com"}])
def test_register_bad_body_is_400(anon_client, body):
    response = anon_client.post(reverse("auth-register"), body, format="json")

    assert response.status_code == 400
    assert not User.objects.exists()


def test_email_is_unique_in_the_database_too(user):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="someone-else", email=user.email)


# --- login ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["email", "username", "email_or_username"])
def test_login_accepts_each_key_spelling(anon_client, user, key):
    body = login(anon_client, **{key: user.email.upper()})

    assert set(body) >= {"access", "refresh", "username", "email"}
    assert body["email"] == user.email


def test_login_by_changed_username(anon_client, user):
    user.username = "Ada"
    user.save()

    body = login(anon_client, email_or_username="ada")

    assert body["username"] == "Ada"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "learner-unknown@example.com", "password": PASSWORD},
        {"email": "{email}", "password": "wrong-password"},
    ],
)
def test_login_bad_credentials_is_401_with_one_message(anon_client, user, body):
    body = {key: value.format(email=user.email) for key, value in body.items()}

    response = anon_client.post(reverse("auth-login"), body, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "No active account found with the given credentials."}


def test_login_inactive_user_is_401(anon_client, user):
    user.is_active = False
    user.save()

    response = anon_client.post(reverse("auth-login"), {"email": user.email, "password": PASSWORD}, format="json")

    assert response.status_code == 401


@pytest.mark.parametrize(
    "body", [{}, {"email": "a@example.com"}, {"password": PASSWORD}, {"email": "", "password": ""}]
)
def test_login_missing_fields_is_400(anon_client, body):
    response = anon_client.post(reverse("auth-login"), body, format="json")

    assert response.status_code == 400


# --- refresh and logout ---------------------------------------------------


def test_refresh_token_keeps_working_until_logout(anon_client, user):
    tokens = login(anon_client, email=user.email)

    for _ in range(2):  # the SPA re-uses the refresh token it got at login
        response = anon_client.post(reverse("auth-refresh"), {"refresh": tokens["refresh"]}, format="json")
        assert response.status_code == 200
        assert "access" in response.json()

    logout = bearer(tokens["access"]).post(reverse("auth-logout"), {"refresh": tokens["refresh"]}, format="json")
    assert logout.status_code == 200
    assert logout.json() == {"detail": "Successfully logged out."}

    after = anon_client.post(reverse("auth-refresh"), {"refresh": tokens["refresh"]}, format="json")
    assert after.status_code == 401
    assert after.json() == {"detail": "Invalid or expired refresh token."}  # the specification's section 7


def test_logout_with_someone_elses_refresh_token_is_400_and_token_stays_valid(anon_client, user, other_user):
    mine = login(anon_client, email=user.email)
    theirs = login(anon_client, email=other_user.email)

    response = bearer(mine["access"]).post(reverse("auth-logout"), {"refresh": theirs["refresh"]}, format="json")

    assert response.status_code == 400
    assert anon_client.post(reverse("auth-refresh"), {"refresh": theirs["refresh"]}, format="json").status_code == 200


def test_logout_with_garbage_token_is_400(api_client):
    response = api_client.post(reverse("auth-logout"), {"refresh": "garbage"}, format="json")

    assert response.status_code == 400


def test_refresh_garbage_is_401_json(anon_client):
    response = anon_client.post(reverse("auth-refresh"), {"refresh": "garbage"}, format="json")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_tokens_of_deactivated_user_are_401_everywhere(anon_client, user):
    tokens = login(anon_client, email=user.email)
    user.is_active = False
    user.save()

    assert bearer(tokens["access"]).get(reverse("certificate-list")).status_code == 401
    assert anon_client.post(reverse("auth-refresh"), {"refresh": tokens["refresh"]}, format="json").status_code == 401


def test_tokens_of_deleted_user_are_401_everywhere(anon_client, user):
    tokens = login(anon_client, email=user.email)
    user.delete()

    assert bearer(tokens["access"]).get(reverse("certificate-list")).status_code == 401
    assert anon_client.post(reverse("auth-refresh"), {"refresh": tokens["refresh"]}, format="json").status_code == 401


def test_no_token_is_401_with_json_body(anon_client):
    response = anon_client.get(reverse("certificate-list"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


# --- me -------------------------------------------------------------------


def test_me_returns_own_profile(api_client, user):
    response = api_client.get(reverse("auth-me"))

    assert response.json() == {"id": user.id, "username": user.username, "email": user.email}


def test_me_patch_changes_username_and_email(api_client, user):
    response = api_client.patch(reverse("auth-me"), {"username": "ada", "email": "ADA@Example.com"}, format="json")

    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.com"
    user.refresh_from_db()
    assert (user.username, user.email) == ("ada", "ada@example.com")


def test_me_patch_taken_username_or_email_in_other_case_is_400(api_client, other_user):
    other_user.username = "Taken"
    other_user.save()

    by_username = api_client.patch(reverse("auth-me"), {"username": "taken"}, format="json")
    by_email = api_client.patch(reverse("auth-me"), {"email": other_user.email.upper()}, format="json")

    assert by_username.status_code == 400 and "username" in by_username.json()
    assert by_email.status_code == 400 and "email" in by_email.json()


def test_me_put_id_is_read_only(api_client, user):
    response = api_client.put(reverse("auth-me"), {"id": 999, "username": "x", "email": "x@example.com"}, format="json")

    assert response.status_code == 200
    assert response.json()["id"] == user.id


def test_me_delete_removes_account_rows_and_files(
    api_client, user, settings, sample_pdf, django_capture_on_commit_callbacks
):
    api_client.post(
        reverse("certificate-list"),
        {"title": "T", "issuer": "I", "date_earned": "2024-01-01", "file_upload": sample_pdf},
        format="multipart",
    )
    CertificateFactory(user=UserFactory())  # someone else's row stays
    stored = list((settings.MEDIA_ROOT / "certificates").iterdir())
    assert len(stored) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(reverse("auth-me"))

    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert Certificate.objects.count() == 1
    assert list((settings.MEDIA_ROOT / "certificates").iterdir()) == []


# --- change password ------------------------------------------------------


def test_change_password_revokes_old_refresh_tokens_and_returns_fresh_pair(anon_client, user):
    old = login(anon_client, email=user.email)

    response = bearer(old["access"]).post(
        reverse("auth-change-password"),
        {"current_password": PASSWORD, "new_password": "another-long-secret-7"},
        format="json",
    )

    assert response.status_code == 200
    fresh = response.json()
    assert set(fresh) == {"access", "refresh"}
    assert anon_client.post(reverse("auth-refresh"), {"refresh": old["refresh"]}, format="json").status_code == 401
    assert anon_client.post(reverse("auth-refresh"), {"refresh": fresh["refresh"]}, format="json").status_code == 200
    assert bearer(fresh["access"]).get(reverse("auth-me")).status_code == 200
    user.refresh_from_db()
    assert user.check_password("another-long-secret-7")


def test_change_password_wrong_current_is_400_on_current_password(api_client, user):
    response = api_client.post(
        reverse("auth-change-password"),
        {"current_password": "nope", "new_password": "another-long-secret-7"},
        format="json",
    )

    assert response.status_code == 400
    assert "current_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_weak_new_password_is_400_on_new_password(api_client, user):
    response = api_client.post(
        reverse("auth-change-password"), {"current_password": PASSWORD, "new_password": "123"}, format="json"
    )

    assert response.status_code == 400
    assert "new_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
