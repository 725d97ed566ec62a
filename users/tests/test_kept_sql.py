"""Annotations compiled once (users.querysets.KeepsItsSQL): the same SQL as a plain Subquery or Case, compiled once
per queryset a class or a cache keeps, and never carried over to a copy that Django relabels or rebuilds."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Case, Subquery
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from users.admin import GoalAdmin
from users.api.goals import owned_goals_with_progress
from users.models import Goal, Project
from users.querysets import KeptCase, KeptSubquery
from users.tests.factories import (
    CertificateFactory,
    GoalFactory,
    GoalStepFactory,
    ProjectFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GOALS = "/api/goals/"


def _sql(queryset) -> str:
    return str(queryset.query)


def test_same_sql_as_a_plain_subquery_and_case():
    """Swapping the kept classes for Django's own changes nothing in the statement."""
    kept = owned_goals_with_progress(1, datetime.date(2026, 1, 1))
    with mock.patch("users.querysets.KeptSubquery", Subquery), mock.patch("users.querysets.KeptCase", Case):
        plain = Goal.objects.with_step_rows().with_progress(owner=1, today=datetime.date(2026, 1, 1))
    assert not any(isinstance(a, (KeptSubquery, KeptCase)) for a in plain.query.annotations.values())
    assert _sql(kept.filter(status="expired")) == _sql(plain.filter(status="expired"))


def test_compiled_once_per_kept_queryset():
    """A second statement from the same kept queryset compiles none of its annotations again."""
    kept = Project.objects.with_skill_names()
    with mock.patch.object(Subquery, "as_sql", autospec=True, side_effect=Subquery.as_sql) as compiled:
        first = _sql(kept.filter(status="completed"))
        assert compiled.call_count == 1
        second = _sql(kept.filter(status="planned"))
        assert compiled.call_count == 1
    assert first.replace("completed", "planned") == second


def test_a_relabelled_copy_compiles_its_own_sql():
    """Moved into another statement as a subquery, the annotation is a copy with new table aliases and its own SQL."""
    annotation = Project.objects.with_skill_names().query.annotations["skill_names"]
    before = annotation.as_sql(Project.objects.all().query.get_compiler("default"), connection)[0]
    relabelled = annotation.relabeled_clone({"users_project": "X9"})
    after = relabelled.as_sql(Project.objects.all().query.get_compiler("default"), connection)[0]
    assert "X9" in after and "X9" not in before
    assert annotation.as_sql(Project.objects.all().query.get_compiler("default"), connection)[0] == before
    assert "_kept_sql" not in annotation.copy().__dict__


def test_each_learner_and_day_gets_their_own_figures(api_client, other_client, user, other_user):
    """Kept SQL carries the owner and the day it was built for: every learner reads their own goals, statuses and
    steps, page after page, and a new day is a new statement."""
    for _ in range(3):
        ProjectFactory(user=user, status=Project.Status.COMPLETED)
    mine = GoalFactory(user=user, target_projects=3)
    GoalStepFactory(goal=mine, is_done=True)
    theirs = GoalFactory(user=other_user, target_projects=3, deadline=timezone.localdate())
    for _ in range(2):
        assert [g["status"] for g in api_client.get(GOALS).json()["results"]] == ["achieved"]
        assert [g["status"] for g in other_client.get(GOALS).json()["results"]] == ["on_track"]
        assert api_client.get(GOALS, {"status": "on_track"}).json()["count"] == 0
        assert other_client.get(GOALS, {"status": "on_track"}).json()["results"][0]["id"] == theirs.pk
        assert api_client.get(GOALS, {"page_size": 1, "page": 1}).json()["results"][0]["steps"][0]["is_done"] is True

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        assert [g["status"] for g in other_client.get(GOALS).json()["results"]] == ["expired"]


def test_deep_pages_and_totals_stay_right(api_client, user):
    """The deep-page key lookup and the page total use relabelled copies of the kept annotations."""
    python = SkillFactory(user=user, name="Python")
    projects = [ProjectFactory(user=user, status=Project.Status.COMPLETED) for _ in range(12)]
    projects[0].skills.add(python)
    for _ in range(2):
        page = api_client.get("/api/projects/", {"status": "completed", "page": 2}).json()
        assert page["count"] == 12
        assert [p["id"] for p in page["results"]] == [p.pk for p in projects[1::-1]]
        assert page["results"][-1]["skills"] == ["Python"]


def test_one_statement_per_list_request(api_client, user):
    """Kept SQL changes how the statement is written, not how many there are."""
    GoalStepFactory(goal=GoalFactory(user=user))
    api_client.get(GOALS)
    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(GOALS).status_code == 200
    assert len(queries) == 1


# From a QA probe of the kept SQL: several learners' requests interleaved, checked against figures worked out here.


def _status_page(client, status, page_size, page):
    response = client.get("/api/goals/", {"status": status, "page_size": page_size, "page": page})
    if response.status_code == 404:
        return None
    body = response.json()
    return body["count"], [goal["id"] for goal in body["results"]]


def test_goal_statuses_and_pages_stay_each_learners_own_as_requests_alternate(
    api_client, other_client, user, other_user
):
    """Three learners' requests interleaved, each filter and page answered from their own goals: a deadline of today
    is on track, yesterday's expired, a met target achieved even when overdue."""
    third = UserFactory()
    third_client = type(api_client)()
    third_client.force_authenticate(third)
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    ProjectFactory.create_batch(2, user=user, status=Project.Status.COMPLETED)
    mine = {
        "achieved": [GoalFactory(user=user, target_projects=2, deadline=yesterday).pk],
        "expired": [GoalFactory(user=user, target_projects=3, deadline=yesterday).pk for _ in range(3)],
        "on_track": [GoalFactory(user=user, target_projects=3, deadline=today).pk for _ in range(2)],
    }
    theirs = {
        "achieved": [],
        "expired": [GoalFactory(user=other_user, target_projects=2, deadline=yesterday).pk],
        "on_track": [GoalFactory(user=other_user, target_projects=2, deadline=today).pk for _ in range(4)],
    }
    clients = [(api_client, mine), (other_client, theirs), (third_client, {s: [] for s in mine})]
    for _ in range(2):
        for status in ("expired", "on_track", "achieved"):
            for client, goals in clients:
                ids = sorted(goals[status], reverse=True)  # newest first
                for page in (1, 2, 3, 4):
                    expected = ids[(page - 1) * 1 : page]
                    answer = _status_page(client, status, 1, page)
                    if not expected and page > 1:
                        assert answer is None
                    else:
                        assert answer == (len(ids), expected)
                assert client.get("/api/goals/", {"status": status, "deadline": yesterday}).json()["count"] == len(
                    [pk for pk in ids if Goal.objects.get(pk=pk).deadline == yesterday]
                )
        summary = api_client.get("/api/analytics/summary/").json()
        assert (summary["goals_count"], summary["goals_completed_count"], summary["goals_in_progress_count"]) == (
            6,
            1,
            2,
        )
        progress = other_client.get("/api/analytics/goals-progress/").json()
        assert sorted(goal["id"] for goal in progress) == sorted(theirs["expired"] + theirs["on_track"])


def test_project_count_counts_only_the_owners_projects_whoever_asked_first(api_client, other_client, user, other_user):
    """The class-level certificates queryset keeps its SQL: another learner's project linked to a certificate (the
    admin can do that) never counts, on a first page, a deep page, a skill filter (a join) or a detail."""
    python = SkillFactory(user=user, name="Python")
    certificates = [CertificateFactory(user=user) for _ in range(12)]
    certificates[0].skills.add(python)
    ProjectFactory(user=user, certificate=certificates[0])
    ProjectFactory.create_batch(3, user=other_user, certificate=certificates[0])  # linked behind the API's back
    CertificateFactory(user=other_user)
    oldest = certificates[0].pk
    for _ in range(2):
        for client in (other_client, api_client):
            client.get("/api/certificates/")
        answers = [
            api_client.get("/api/certificates/", {"page": 2}).json()["results"],
            api_client.get("/api/certificates/", {"skill": "python"}).json()["results"],
            api_client.get("/api/certificates/", {"skill": python.pk, "ordering": "title"}).json()["results"],
            [api_client.get(f"/api/certificates/{oldest}/").json()],
        ]
        for rows in answers:
            assert {row["id"]: row["project_count"] for row in rows}[oldest] == 1
        assert [row["project_count"] for row in other_client.get("/api/certificates/").json()["results"]] == [0]


def test_admin_goal_list_filters_and_sorts_by_each_owners_status(admin_client, user, other_user):
    """The admin filters by the computed status (?status=, an annotation) and sorts by it, every owner's goals by
    their own completed projects."""
    past = timezone.localdate() - datetime.timedelta(days=1)
    ProjectFactory.create_batch(2, user=other_user, status=Project.Status.COMPLETED)
    expected = {
        GoalFactory(user=user, target_projects=2, deadline=past).pk: "expired",
        GoalFactory(user=user, target_projects=2).pk: "on_track",
        GoalFactory(user=other_user, target_projects=2, deadline=past).pk: "achieved",
        GoalFactory(user=other_user, target_projects=3).pk: "on_track",
    }
    url = reverse("admin:users_goal_changelist")
    column = GoalAdmin.list_display.index("status") + 1
    for order in (str(column), f"-{column}"):
        shown = [(goal.pk, goal.status) for goal in admin_client.get(url, {"o": order}).context["cl"].result_list]
        assert dict(shown) == expected
        statuses = [status for _pk, status in shown]
        assert statuses == sorted(statuses, reverse=order.startswith("-"))
    for status in ("achieved", "expired", "on_track"):
        result = admin_client.get(url, {"status": status}).context["cl"].result_list
        assert sorted(goal.pk for goal in result) == sorted(pk for pk, s in expected.items() if s == status)
