"""Owner scoping and mass assignment, walked generically over every routed resource (new ones are covered as soon as
they are routed and have a factory)."""

import pytest
from django.conf import global_settings
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIClient

from skillfolio import settings as project_settings
from users.api.base import OwnedModelViewSet, OwnedPrimaryKeyRelatedField
from users.models import User
from users.tests.endpoints import api_endpoints, owned_object

pytestmark = pytest.mark.django_db

FORGED = 987654
FORGED_TIME = "2001-01-01T00:00:00Z"

ROUTED = [endpoint for endpoint in api_endpoints() if endpoint.is_viewset]
DETAIL_ROUTES = [endpoint for endpoint in ROUTED if endpoint.url_kwargs]
LIST_ROUTES = [endpoint for endpoint in ROUTED if endpoint.name.endswith("-list")]


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url_of(endpoint, obj) -> str:
    return reverse(endpoint.name, kwargs={name: obj.pk for name in endpoint.url_kwargs})


def detail_url(model, obj) -> str:
    [endpoint] = [e for e in DETAIL_ROUTES if e.model is model and e.name.endswith("-detail")]
    return url_of(endpoint, obj)


def snapshot() -> dict:
    """Every row of every routed model, and the users: what "nothing changed" compares."""
    models = {endpoint.model for endpoint in ROUTED} | {User}
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def ids_in(body) -> list:
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return [row["id"] for row in rows]


def serializer_fields(endpoint, user: User) -> dict:
    view = endpoint.view_class(request=None, format_kwarg=None, action="partial_update", kwargs={})
    request = client_for(user).get("/").wsgi_request
    return endpoint.view_class.serializer_class(context={"request": request, "view": view}).fields


def test_every_routed_viewset_is_owner_scoped():
    assert ROUTED, "the router has no viewsets?"
    for endpoint in ROUTED:
        assert issubclass(endpoint.view_class, OwnedModelViewSet), endpoint.name


@pytest.mark.parametrize("endpoint", DETAIL_ROUTES, ids=lambda endpoint: endpoint.name)
def test_every_method_on_another_users_object_is_404_and_changes_nothing(endpoint, user, other_user):
    target = owned_object(endpoint.model, user)
    body = client_for(user).get(detail_url(endpoint.model, target)).json()
    before = snapshot()
    intruder = client_for(other_user)

    for method in endpoint.methods:
        send = getattr(intruder, method.lower())
        response = send(url_of(endpoint, target)) if method == "GET" else send(url_of(endpoint, target), body, "json")

        assert response.status_code == 404, (method, response.content)
        assert response.json() == {"detail": "No " + endpoint.model._meta.object_name + " matches the given query."}
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", LIST_ROUTES, ids=lambda endpoint: endpoint.name)
def test_lists_and_id_filters_never_show_another_users_rows(endpoint, user, other_user):
    theirs = owned_object(endpoint.model, user)
    mine = owned_object(endpoint.model, other_user)
    client = client_for(other_user)

    listed = client.get(reverse(endpoint.name)).json()
    filtered = client.get(reverse(endpoint.name), {"id": theirs.pk}).json()

    assert ids_in(listed) == [mine.pk]
    assert theirs.pk not in ids_in(filtered)


def relation_fields() -> list[tuple]:
    """(endpoint, field name) for every writable relation of every routed resource (project.certificate, ...)."""
    found = []
    for endpoint in DETAIL_ROUTES:
        if not endpoint.name.endswith("-detail"):
            continue
        for name, field in endpoint.view_class.serializer_class().fields.items():
            relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            if isinstance(relation, serializers.RelatedField) and not field.read_only:
                found.append((endpoint, name))
    return found


def test_relation_fields_refuse_another_users_id_with_400(user, other_user):
    """One loop rather than a parametrized test, so a router without relations yet does not produce a skip."""
    for endpoint, name in relation_fields():
        field = endpoint.view_class.serializer_class().fields[name]
        many = isinstance(field, serializers.ManyRelatedField)
        relation = field.child_relation if many else field
        assert isinstance(relation, OwnedPrimaryKeyRelatedField), f"{endpoint.name}.{name} is not owner-scoped"
        mine = owned_object(endpoint.model, other_user)
        theirs = owned_object(relation.queryset.model, user)
        before = snapshot()

        response = client_for(other_user).patch(
            url_of(endpoint, mine), {name: [theirs.pk] if many else theirs.pk}, format="json"
        )

        assert response.status_code == 400, (endpoint.name, name)
        assert name in response.json()
        assert snapshot() == before


def forged_read_only(endpoint, user: User, other_user: User) -> dict:
    fields = serializer_fields(endpoint, user)
    forged = {name: FORGED for name, field in fields.items() if field.read_only}
    forged.update({name: FORGED_TIME for name in forged if name.endswith(("_at", "created", "updated"))})
    return {**forged, "id": FORGED, "user": other_user.pk, "user_id": other_user.pk}


@pytest.mark.parametrize(
    "endpoint", [e for e in DETAIL_ROUTES if e.name.endswith("-detail")], ids=lambda endpoint: endpoint.name
)
def test_update_ignores_owner_id_timestamps_and_computed_fields(endpoint, user, other_user):
    obj = owned_object(endpoint.model, user)
    client = client_for(user)
    before = client.get(url_of(endpoint, obj)).json()
    row_before = endpoint.model.objects.values().get(pk=obj.pk)
    forged = forged_read_only(endpoint, user, other_user)

    response = client.patch(url_of(endpoint, obj), forged, format="json")

    assert response.status_code == 200, response.content
    after = response.json()
    for name in forged:
        if name in before and not name.startswith("updated"):
            assert after[name] == before[name], name
    row_after = endpoint.model.objects.values().get(pk=obj.pk)
    assert {k: v for k, v in row_after.items() if not k.startswith("updated")} == {
        k: v for k, v in row_before.items() if not k.startswith("updated")
    }


def writable_body(endpoint, user: User, obj) -> dict:
    """A create body copied from an existing row's representation: writable fields only, text made unique."""
    fields = serializer_fields(endpoint, user)
    representation = client_for(user).get(url_of(endpoint, obj)).json()
    body = {}
    for name, field in fields.items():
        if field.read_only or isinstance(field, serializers.FileField) or representation.get(name) is None:
            continue
        value = representation[name]
        is_text = isinstance(field, serializers.CharField) and not isinstance(field, serializers.ChoiceField)
        body[name] = f"{value} (copy)" if is_text and value else value
    return body


@pytest.mark.parametrize(
    "endpoint", [e for e in DETAIL_ROUTES if e.name.endswith("-detail")], ids=lambda endpoint: endpoint.name
)
def test_create_ignores_owner_id_timestamps_and_computed_fields(endpoint, user, other_user):
    template = owned_object(endpoint.model, user)
    body = {**writable_body(endpoint, user, template), **forged_read_only(endpoint, user, other_user)}
    list_name = endpoint.name.removesuffix("-detail") + "-list"

    response = client_for(user).post(reverse(list_name), body, format="json")

    assert response.status_code == 201, response.content
    created = endpoint.model.objects.get(pk=response.json()["id"])
    assert created.pk != FORGED
    assert endpoint.model.objects.owned_by(user).filter(pk=created.pk).exists()
    assert not endpoint.model.objects.owned_by(other_user).exists()
    for name, value in response.json().items():
        if name in body and name not in writable_body(endpoint, user, template):
            assert value != FORGED and value != FORGED_TIME, name


def test_profile_ignores_privileges_password_and_token_cut_off(api_client, user):
    response = api_client.patch(
        reverse("auth-me"),
        {
            "id": FORGED,
            "is_staff": True,
            "is_superuser": True,
            "is_active": False,
            "password": "plain-text",
            "tokens_valid_after": FORGED_TIME,
            "date_joined": FORGED_TIME,
        },
        format="json",
    )

    assert response.status_code == 200
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.is_staff, fresh.is_superuser, fresh.is_active) == (False, False, True)
    assert fresh.password == user.password
    assert fresh.tokens_valid_after is None
    assert fresh.date_joined == user.date_joined


def test_password_hashing_outside_tests_is_strong():
    """The test suite swaps in MD5 for speed; the project itself must keep Django's default or Argon2."""
    hashers = getattr(project_settings, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)

    assert hashers[0] in {
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    }
    assert not any("MD5" in hasher or "Unsalted" in hasher for hasher in hashers)
