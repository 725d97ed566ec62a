"""ModelSerializers build their fields once per class and hand each instance its own copies
(users.api.base.ModelSerializer): whatever one request binds or validates stays with that request."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from users.tests.factories import GoalFactory, GoalStepFactory
from users.tests.samples import CERTIFICATES, upload

pytestmark = pytest.mark.django_db

LIST = reverse("certificate-list")
GOALS = reverse("goal-list")


def detail(pk):
    return reverse("goal-detail", args=[pk])


def test_each_request_links_to_its_own_host(api_client, settings):
    """A file link is built from the request it answers."""
    settings.ALLOWED_HOSTS = ["testserver", "a.example", "b.example"]
    body = {"title": "With file", "issuer": "Udacity", "date_earned": "2024-07-10"}
    file = upload(CERTIFICATES / "data-analysis-with-python.pdf")
    assert api_client.post(LIST, body | {"file_upload": file}, format="multipart").status_code == 201

    for host in ["a.example", "b.example", "a.example"]:
        [item] = api_client.get(LIST, HTTP_HOST=host).json()["results"]
        assert urlparse(item["file_upload"]).netloc == host


def test_validation_does_not_leak_between_requests(api_client, user):
    """Create, partial update and full update of each resource, twice: each answers the same errors both times."""
    goal = GoalFactory(user=user)
    step = GoalStepFactory(goal=goal)
    for _ in range(2):
        assert set(api_client.post(GOALS, {"title": "x"}, format="json").json()) == {"target_projects", "deadline"}
        assert api_client.patch(detail(goal.pk), {"title": "y"}, format="json").status_code == 200
        assert set(api_client.put(detail(goal.pk), {"title": "y"}, format="json").json()) == {
            "target_projects",
            "deadline",
        }
        response = api_client.post("/api/goalsteps/", {"title": "s"}, format="json")
        assert set(response.json()) == {"goal"}
        response = api_client.patch(f"/api/goalsteps/{step.pk}/", {"title": "t"}, format="json")
        assert response.status_code == 200
        assert set(api_client.post("/api/projects/", {}, format="json").json()) == {"title"}
        assert set(api_client.post("/api/certificates/", {}, format="json").json()) == {
            "title",
            "issuer",
            "date_earned",
        }


def test_each_instance_binds_its_own_copies():
    """Fields are shallow copies of the class's prototype, nested serializers deep copies: every field, nested ones
    included, is bound to the instance that uses it, and the prototype stays unbound."""
    from users.api.goals import GoalSerializer

    first, second = GoalSerializer(), GoalSerializer()
    assert first.fields.keys() == second.fields.keys()
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first
        assert second.fields[name].parent is second
    for serializer in (first, second):
        steps = serializer.fields["steps"]  # a nested list serializer: its child and the child's fields are its own
        assert steps.child.parent is steps
        assert all(field.parent is steps.child for field in steps.child.fields.values())
    assert first.fields["steps"].child is not second.fields["steps"].child
    assert first.fields["days_left"].method_name == "get_days_left"
    for field in GoalSerializer._prototype_fields.values():
        assert field.field_name is None
        assert field.parent is None


def test_list_fields_get_their_own_child():
    """A list field's copy holds its own copy of its child, bound to it; the prototype's child stays with the
    prototype."""
    from users.api.projects import ProjectSerializer

    first, second = ProjectSerializer(), ProjectSerializer()
    prototype = ProjectSerializer._prototype_fields["skills"]
    for serializer in (first, second):
        skills = serializer.fields["skills"]
        assert skills.child is not prototype.child
        assert skills.child.parent is skills
        assert skills.parent is serializer
    assert first.fields["skills"].child is not second.fields["skills"].child
    assert prototype.child.parent is prototype


def test_relations_get_their_own_queryset():
    """A relation's queryset is never shared between instances, so rows cached on one cannot reach another request."""
    from users.api.projects import ProjectSerializer

    first, second = ProjectSerializer(), ProjectSerializer()
    assert first.fields["certificate"].queryset is not second.fields["certificate"].queryset
    assert first.fields["certificate"].queryset is not ProjectSerializer._prototype_fields["certificate"].queryset


def test_timestamps_are_written_in_the_servers_time_zone(api_client, user, settings):
    """Every timestamp a list writes (a goal's and each of its steps') is in TIME_ZONE: UTC as "Z", another zone with
    its offset, as DRF wrote them before users.api.base.DateTimeField stopped asking for the active zone per value."""
    GoalStepFactory(goal=GoalFactory(user=user))
    [goal] = api_client.get(GOALS).json()["results"]
    assert goal["created_at"].endswith("Z")
    assert goal["steps"][0]["created_at"].endswith("Z")

    settings.TIME_ZONE = "Asia/Tokyo"
    [goal] = api_client.get(GOALS).json()["results"]
    assert goal["created_at"].endswith("+09:00")
    assert goal["steps"][0]["created_at"].endswith("+09:00")


def test_every_model_serializer_writes_timestamps_with_the_shared_field():
    """One rule for timestamps: every routed serializer builds model DateTimeFields as users.api.base.DateTimeField."""
    from rest_framework import serializers

    from users.api.base import DateTimeField
    from users.api.urls import router

    for _prefix, viewset, _basename in router.registry:
        serializer_class = viewset.serializer_class
        if serializer_class is None:
            continue
        for name, field in serializer_class().fields.items():
            if isinstance(field, serializers.DateTimeField):
                assert isinstance(field, DateTimeField), f"{serializer_class.__name__}.{name}"


def test_every_serializer_writes_what_drf_writes(user, rf):
    """ModelSerializer.to_representation reads columns its own way; every routed serializer's output still equals
    DRF's own loop over the same rows (nulls, blanks, relations, annotations and properties included)."""
    from rest_framework import serializers
    from rest_framework.request import Request

    from users.api.urls import router
    from users.tests.factories import CertificateFactory, ProjectFactory, SkillFactory

    certificate = CertificateFactory(user=user, credential_id="", expires_on=None)
    project = ProjectFactory(user=user, certificate=certificate, end_date=None, work_type=None)
    project.skills.add(SkillFactory(user=user, name="SQL"))
    ProjectFactory(user=user)
    GoalStepFactory(goal=GoalFactory(user=user))
    request = Request(rf.get("/"))
    request.user = user

    for _prefix, viewset_class, _basename in router.registry:
        if viewset_class.serializer_class is None or not hasattr(viewset_class, "get_queryset"):
            continue
        viewset = viewset_class(request=request, format_kwarg=None, kwargs={}, action="list")
        rows = list(viewset.get_queryset())
        serializer = viewset.get_serializer(rows, many=True)
        drf_rows = [serializers.Serializer.to_representation(serializer.child, row) for row in rows]
        assert serializer.data == drf_rows, viewset_class.__name__
