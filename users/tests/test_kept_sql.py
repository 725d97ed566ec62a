"""Annotations compiled once (users.querysets.KeepsItsSQL): the same SQL as a plain Subquery or Case, compiled once
per queryset a class or a cache keeps, and never carried over to a copy that Django relabels or rebuilds."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Case, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from users.api.goals import owned_goals_with_progress
from users.models import Goal, Project
from users.querysets import KeptCase, KeptSubquery
from users.tests.factories import GoalFactory, GoalStepFactory, ProjectFactory, SkillFactory

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
