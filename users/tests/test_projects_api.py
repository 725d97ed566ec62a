import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from users.models import Project
from users.tests.factories import CertificateFactory, ProjectFactory

pytestmark = pytest.mark.django_db

LIST = reverse("project-list")
TODAY = timezone.localdate


def detail(pk: int) -> str:
    return reverse("project-detail", args=[pk])


SPEC_CREATE = {
    "title": "Portfolio Dashboard",
    "status": "completed",
    "work_type": "team",
    "duration_text": "2 weeks",
    "primary_goal": "deliver_feature",
    "tools_used": "React, Django, DRF",
    "skills_used": "React, Zustand, Tailwind",
    "problem_solved": "Visualize certificate progress in one place.",
    "outcome_short": "Shipped a responsive dashboard showing live stats.",
    "skills_to_improve": "Test coverage and CI",
}
SPEC_DESCRIPTION = (
    "Portfolio Dashboard was a team project completed in 2 weeks. The main goal was to deliver a functional feature. "
    "It addressed: Visualize certificate progress in one place. Key tools/skills: React, Django, DRF, React, Zustand, "
    "Tailwind. Outcome: Shipped a responsive dashboard showing live stats. Next, I plan to improve: Test coverage and "
    "CI."
)


def spa_create_payload(certificate_id: str | None = None, **overrides) -> dict:
    """What the SPA's project form sends on create (CLIENT-CONTRACT 6.2)."""
    return {
        "title": "Habit tracker",
        "description": "",
        "certificate": certificate_id,
        "status": "in_progress",
        "work_type": None,
        "primary_goal": None,
        "tools_used": "",
        "skills_used": "React",
        "problem_solved": "",
        "challenges_short": "",
        "skills_to_improve": "",
        "start_date": str(TODAY() - datetime.timedelta(days=3)),
        **overrides,
    }


# --- the specification's examples (seed-README section 4) ------------------


def test_spec_create_with_blank_description_writes_the_spec_description(api_client):
    response = api_client.post(LIST, SPEC_CREATE, format="json")

    assert response.status_code == 201, response.content
    created = api_client.get(detail(response.json()["id"])).json()
    assert created["description"] == SPEC_DESCRIPTION
    assert created["certificate"] is None
    assert created["status"] == "completed"


def test_spec_create_keeps_a_description_the_user_wrote(api_client):
    response = api_client.post(LIST, {**SPEC_CREATE, "description": "My own words."}, format="json")

    assert response.json()["description"] == "My own words."


def test_spec_list_filter_search_order_and_paginate(api_client, user):
    certificate = CertificateFactory(user=user)
    dashboard = ProjectFactory(user=user, title="Dashboard", status="completed", certificate=certificate)
    ProjectFactory(user=user, title="Blog", status="planned", description="About a dashboard widget")
    ProjectFactory(user=user, title="API", status="in_progress", tools_used="Django", skills_used="Testing")

    assert [p["title"] for p in api_client.get(LIST).json()["results"]] == ["API", "Blog", "Dashboard"]
    assert [p["id"] for p in api_client.get(LIST, {"certificate": certificate.pk}).json()["results"]] == [dashboard.pk]
    assert [p["title"] for p in api_client.get(LIST, {"status": "completed"}).json()["results"]] == ["Dashboard"]
    assert [p["title"] for p in api_client.get(LIST, {"search": "dashboard"}).json()["results"]] == [
        "Blog",
        "Dashboard",
    ]
    assert [p["title"] for p in api_client.get(LIST, {"search": "django"}).json()["results"]] == ["API"]
    assert [p["title"] for p in api_client.get(LIST, {"search": "testing"}).json()["results"]] == ["API"]
    assert [p["title"] for p in api_client.get(LIST, {"ordering": "date_created"}).json()["results"]] == [
        "Dashboard",
        "Blog",
        "API",
    ]
    assert [p["title"] for p in api_client.get(LIST, {"ordering": "-title"}).json()["results"]] == [
        "Dashboard",
        "Blog",
        "API",
    ]


def test_pagination_is_ten_a_page_with_count(api_client, user):
    ProjectFactory.create_batch(12, user=user)

    first = api_client.get(LIST).json()
    second = api_client.get(LIST, {"page": 2}).json()

    assert first["count"] == 12 and len(first["results"]) == 10
    assert len(second["results"]) == 2
    assert api_client.get(LIST, {"page": 3}).status_code == 404


def test_spec_patch_status_guided_fields_and_link_certificate(api_client, user):
    certificate = CertificateFactory(user=user)
    project = ProjectFactory(user=user, description="Mine.")

    response = api_client.patch(
        detail(project.pk),
        {
            "status": "in_progress",
            "certificate": certificate.pk,
            "duration_text": "3 weeks",
            "primary_goal": "deliver_feature",
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["certificate"], body["duration_text"], body["primary_goal"]) == (
        "in_progress",
        certificate.pk,
        "3 weeks",
        "deliver_feature",
    )
    assert body["description"] == "Mine."


def test_spec_full_update_replaces_and_unlinks(api_client, user):
    project = ProjectFactory(user=user, certificate=CertificateFactory(user=user))
    body = {
        "title": "Rewritten Project",
        "description": "Full replace",
        "certificate": None,
        "status": "completed",
        "work_type": "team",
        "duration_text": "10 days",
        "primary_goal": "build_demo",
        "challenges_short": "X",
        "skills_used": "React, DRF",
        "outcome_short": "Shipped!",
        "skills_to_improve": "Testing",
    }

    response = api_client.put(detail(project.pk), body, format="json")

    assert response.status_code == 200, response.content
    assert {key: response.json()[key] for key in body} == body


def test_spec_delete_then_404(api_client, user):
    project = ProjectFactory(user=user)

    assert api_client.delete(detail(project.pk)).status_code == 204
    assert api_client.get(detail(project.pk)).status_code == 404


# --- the SPA's payloads (CLIENT-CONTRACT 6.2) --------------------------------


def test_spa_create_with_string_certificate_and_nulls(api_client, user):
    certificate = CertificateFactory(user=user)

    response = api_client.post(LIST, spa_create_payload(str(certificate.pk)), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["certificate"] == certificate.pk
    assert body["work_type"] is None and body["primary_goal"] is None
    assert body["start_date"] == str(TODAY() - datetime.timedelta(days=3))
    assert body["end_date"] is None
    assert body["description"] == "Habit tracker is a project in progress. Key tools/skills: React."
    assert set(body) >= {"id", "date_created", "updated_at", "duration_text", "outcome_short"}


def test_null_text_fields_are_stored_as_empty_strings(api_client):
    response = api_client.post(
        LIST,
        {"title": "T", "description": None, "tools_used": None, "problem_solved": None, "outcome_short": None},
        format="json",
    )

    assert response.status_code == 201, response.content
    project = Project.objects.get()
    assert (project.tools_used, project.problem_solved, project.outcome_short) == ("", "", "")
    assert response.json()["tools_used"] == ""
    assert project.description == "T is a planned project."


def test_empty_choice_is_stored_as_null(api_client):
    response = api_client.post(LIST, {"title": "T", "work_type": "", "primary_goal": ""}, format="json")

    assert response.status_code == 201
    assert (response.json()["work_type"], response.json()["primary_goal"]) == (None, None)


def test_spa_patch_with_emptied_description_regenerates_it(api_client, user):
    project = ProjectFactory(user=user, title="Game", status="in_progress", description="Old words")

    response = api_client.patch(
        detail(project.pk),
        {"description": "", "status": "completed", "tools_used": "Godot", "end_date": str(TODAY())},
        format="json",
    )

    assert response.json()["description"] == "Game was a completed project. Key tools/skills: Godot."


def test_defaults_status_planned(api_client):
    response = api_client.post(LIST, {"title": "Only a title"}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "planned"


@pytest.mark.parametrize(
    "field, value",
    [("status", "done"), ("work_type", "solo"), ("primary_goal", "fun"), ("certificate", "abc"), ("certificate", True)],
)
def test_invalid_choice_or_certificate_is_400_and_creates_nothing(api_client, field, value):
    response = api_client.post(LIST, {"title": "T", field: value}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Project.objects.exists()


def test_missing_title_is_400(api_client):
    response = api_client.post(LIST, {"status": "planned"}, format="json")

    assert response.status_code == 400
    assert "title" in response.json()


# --- dates and duration -----------------------------------------------------


def test_completed_project_dates_derive_duration_in_weeks(api_client):
    start = TODAY() - datetime.timedelta(days=21)

    response = api_client.post(
        LIST, {"title": "T", "status": "completed", "start_date": str(start), "end_date": str(TODAY())}, format="json"
    )

    assert response.json()["duration_text"] == "3 weeks"
    assert response.json()["end_date"] == str(TODAY())


def test_duration_in_days_and_user_duration_kept(api_client):
    start = TODAY() - datetime.timedelta(days=10)
    dates = {"status": "completed", "start_date": str(start), "end_date": str(TODAY())}

    derived = api_client.post(LIST, {"title": "A", **dates}, format="json").json()
    written = api_client.post(LIST, {"title": "B", **dates, "duration_text": "a fortnight"}, format="json").json()

    assert derived["duration_text"] == "10 days"
    assert written["duration_text"] == "a fortnight"


def test_end_date_is_cleared_unless_completed(api_client, user):
    start = TODAY() - datetime.timedelta(days=14)
    created = api_client.post(
        LIST, {"title": "T", "status": "completed", "start_date": str(start), "end_date": str(TODAY())}, format="json"
    ).json()

    response = api_client.patch(detail(created["id"]), {"status": "in_progress"}, format="json")

    assert response.json()["end_date"] is None
    assert response.json()["duration_text"] == ""  # the derived duration went with the end date
    assert response.json()["start_date"] == str(start)
    assert response.json()["description"] == "T is a project in progress."  # server-written, so it follows


def test_end_date_sent_for_a_planned_project_is_dropped(api_client):
    response = api_client.post(
        LIST, {"title": "T", "status": "planned", "end_date": str(TODAY() - datetime.timedelta(days=1))}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["end_date"] is None


def test_end_date_before_start_date_is_400(api_client):
    response = api_client.post(
        LIST,
        {
            "title": "T",
            "status": "completed",
            "start_date": str(TODAY()),
            "end_date": str(TODAY() - datetime.timedelta(1)),
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"end_date": ["end_date cannot be before start_date."]}
    assert not Project.objects.exists()


def test_end_date_in_the_future_is_400(api_client):
    tomorrow = TODAY() + datetime.timedelta(days=1)

    response = api_client.post(
        LIST,
        {"title": "T", "status": "completed", "start_date": str(TODAY()), "end_date": str(tomorrow)},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"end_date": ["end_date cannot be in the future."]}


def test_malformed_date_is_400(api_client):
    response = api_client.post(LIST, {"title": "T", "start_date": "31/12/2024"}, format="json")

    assert response.status_code == 400
    assert "start_date" in response.json()


def test_user_written_description_survives_guided_changes(api_client, user):
    project = api_client.post(LIST, {"title": "T", "description": "Mine."}, format="json").json()

    response = api_client.patch(detail(project["id"]), {"status": "in_progress", "tools_used": "Go"}, format="json")

    assert response.json()["description"] == "Mine."


def test_server_written_description_follows_guided_changes(api_client):
    project = api_client.post(LIST, {"title": "T"}, format="json").json()

    response = api_client.patch(detail(project["id"]), {"work_type": "individual"}, format="json")

    assert response.json()["description"] == "T is a planned individual project."


# --- certificates and projects -----------------------------------------------


def test_deleting_certificate_unlinks_its_projects(api_client, user):
    certificate = CertificateFactory(user=user)
    project = ProjectFactory(user=user, certificate=certificate)

    assert api_client.delete(reverse("certificate-detail", args=[certificate.pk])).status_code == 204

    assert api_client.get(detail(project.pk)).json()["certificate"] is None


def test_certificate_project_count_counts_only_its_owners_projects(api_client, user):
    certificate = CertificateFactory(user=user)
    ProjectFactory.create_batch(2, user=user, certificate=certificate)
    ProjectFactory(certificate=certificate)  # a row another user could only get by bypassing the API

    response = api_client.get(reverse("certificate-detail", args=[certificate.pk]))

    assert response.json()["project_count"] == 2


def test_filter_by_another_users_certificate_is_an_empty_list(api_client, user, other_user):
    foreign = CertificateFactory(user=other_user)
    ProjectFactory(user=other_user, certificate=foreign)
    ProjectFactory(user=user)

    response = api_client.get(LIST, {"certificate": foreign.pk})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_malformed_filter_is_400(api_client):
    assert api_client.get(LIST, {"certificate": "abc"}).status_code == 400
    assert api_client.get(LIST, {"status": "done"}).status_code == 400


# --- owner scoping (CONVENTIONS 3.6) -------------------------------------------


def test_list_shows_only_own_projects(api_client, user, other_user):
    mine = ProjectFactory(user=user)
    ProjectFactory(user=other_user)

    response = api_client.get(LIST)

    assert [p["id"] for p in response.json()["results"]] == [mine.pk]


def test_other_users_project_is_404_on_retrieve_update_delete(api_client, other_user):
    foreign = ProjectFactory(user=other_user, title="Theirs")

    assert api_client.get(detail(foreign.pk)).status_code == 404
    assert api_client.patch(detail(foreign.pk), {"title": "Mine"}, format="json").status_code == 404
    assert api_client.put(detail(foreign.pk), {"title": "Mine"}, format="json").status_code == 404
    assert api_client.delete(detail(foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Theirs"


def test_user_in_payload_is_ignored(api_client, user, other_user):
    response = api_client.post(LIST, {"title": "T", "user": other_user.pk}, format="json")

    assert response.status_code == 201
    assert Project.objects.get().user == user


def test_other_users_certificate_is_400_on_create_and_update(api_client, user, other_user):
    foreign = CertificateFactory(user=other_user)
    project = ProjectFactory(user=user)

    created = api_client.post(LIST, {"title": "T", "certificate": foreign.pk}, format="json")
    updated = api_client.patch(detail(project.pk), {"certificate": str(foreign.pk)}, format="json")

    assert created.status_code == 400 and "certificate" in created.json()
    assert updated.status_code == 400 and "certificate" in updated.json()
    assert Project.objects.count() == 1
    project.refresh_from_db()
    assert project.certificate is None


def test_anonymous_is_401(anon_client):
    assert anon_client.get(LIST).status_code == 401


# --- query counts -----------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_projects(api_client, user, django_assert_num_queries, rows):
    certificate = CertificateFactory(user=user)
    ProjectFactory.create_batch(rows, user=user, certificate=certificate)

    with django_assert_num_queries(1):  # one page of projects with their skill names and the pager's total
        response = api_client.get(LIST, {"page_size": 100})

    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("field", ["status", "work_type", "primary_goal", "title"])
def test_lone_surrogate_in_a_field_is_400_not_500(api_client, field):
    """A choice field's error message quotes the value; a lone surrogate there used to crash the JSON renderer."""
    body = '{"title": "ok", "FIELD": "\\udfff"}'.replace("FIELD", field)

    response = api_client.post(LIST, body, content_type="application/json")

    assert response.status_code == 400
    assert not Project.objects.exists()


@pytest.mark.parametrize("value", [10**30, -(10**30), 0])
def test_certificate_filter_with_an_id_no_row_can_have_is_an_empty_list(api_client, user, value):
    ProjectFactory(user=user, certificate=CertificateFactory(user=user))

    response = api_client.get(LIST, {"certificate": value})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_certificate_filter_with_a_decimal_is_400(api_client):
    assert api_client.get(LIST, {"certificate": "1.5"}).status_code == 400
