import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from users.tests.factories import CertificateFactory, GoalFactory, GoalStepFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SUMMARY = reverse("analytics-summary")
GOALS_PROGRESS = reverse("analytics-goals-progress")


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_spec_summary_counts(api_client, user, other_user):
    CertificateFactory.create_batch(2, user=user)
    ProjectFactory.create_batch(2, user=user, status="completed")
    ProjectFactory.create_batch(3, user=user, status="planned")
    GoalFactory(user=user, target_projects=5)
    CertificateFactory(user=other_user)
    ProjectFactory(user=other_user)
    GoalFactory(user=other_user)

    response = api_client.get(SUMMARY)

    assert response.status_code == 200
    assert response.json() == {
        "certificates_count": 2,
        "projects_count": 5,
        "goals_count": 1,
        "goals_completed_count": 0,
        "goals_in_progress_count": 1,
        "goals_completion_rate_percent": 0,
        "projects_by_status": {"planned": 3, "in_progress": 0, "completed": 2},
        "certificates_expired": 0,
        "certificates_expiring_within_30_days": 0,
        "skills_count": 0,
    }


def test_spec_goals_progress(api_client, user):
    ProjectFactory.create_batch(2, user=user, status="completed")
    goal = GoalFactory(user=user, title="Ship portfolio v1", target_projects=5, deadline=days(30))

    response = api_client.get(GOALS_PROGRESS)

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": goal.pk,
            "title": "Ship portfolio v1",
            "target_projects": 5,
            "deadline": str(days(30)),
            "status": "on_track",
            "progress_percent": 40.0,
            "projects_progress_percent": 0,
            "steps_progress_percent": 0,
            "overall_progress_percent": 40,
        }
    ]


def test_summary_goal_statuses_and_completion_rate(api_client, user):
    GoalFactory(user=user, target_projects=1, completed_projects=1)  # achieved
    GoalFactory(user=user, target_projects=1, deadline=days(-1))  # expired
    GoalFactory(user=user, target_projects=1)  # on track
    checklist_open = GoalFactory(user=user, target_projects=1, completed_projects=1)  # on track: a step is open
    GoalStepFactory(goal=checklist_open, is_done=False)

    body = api_client.get(SUMMARY).json()

    assert (body["goals_count"], body["goals_completed_count"], body["goals_in_progress_count"]) == (4, 1, 2)
    assert body["goals_completion_rate_percent"] == 25


def test_summary_of_a_new_account_is_all_zeros(api_client):
    body = api_client.get(SUMMARY).json()

    assert body["goals_completion_rate_percent"] == 0
    assert body["projects_by_status"] == {"planned": 0, "in_progress": 0, "completed": 0}


def test_goals_progress_matches_the_goal_endpoint(api_client, user):
    """Same numbers as /api/goals/: both read GoalQuerySet.with_progress()."""
    ProjectFactory(user=user, status="completed")
    goal = GoalFactory(user=user, target_projects=3, completed_projects=2)
    GoalStepFactory(goal=goal, is_done=True)
    GoalStepFactory.create_batch(2, goal=goal)

    [progress] = api_client.get(GOALS_PROGRESS).json()
    full = api_client.get(reverse("goal-detail", args=[goal.pk])).json()

    assert progress == {key: full[key] for key in progress}
    assert (progress["progress_percent"], progress["projects_progress_percent"]) == (33.33, 66)
    assert (progress["steps_progress_percent"], progress["overall_progress_percent"]) == (33, 49)


def test_goals_progress_shows_only_own_goals_newest_first(api_client, user, other_user):
    older, newer = GoalFactory(user=user), GoalFactory(user=user)
    GoalFactory(user=other_user)

    assert [goal["id"] for goal in api_client.get(GOALS_PROGRESS).json()] == [newer.pk, older.pk]


def test_analytics_need_a_token(anon_client):
    assert anon_client.get(SUMMARY).status_code == 401
    assert anon_client.get(GOALS_PROGRESS).status_code == 401


def _fill(user, rows: int) -> None:
    CertificateFactory.create_batch(rows, user=user)
    ProjectFactory.create_batch(rows, user=user, status="completed")
    for goal in GoalFactory.create_batch(rows, user=user):
        GoalStepFactory.create_batch(2, goal=goal, is_done=True)


@pytest.mark.parametrize("rows", [3, 30])
def test_summary_costs_two_queries(api_client, user, django_assert_num_queries, rows):
    _fill(user, rows)

    with django_assert_num_queries(2):  # every row count (certificates, skills, projects by status) + goals by status
        body = api_client.get(SUMMARY).json()

    assert body["goals_count"] == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_goals_progress_costs_one_query(api_client, user, django_assert_num_queries, rows):
    _fill(user, rows)

    with django_assert_num_queries(1):  # goals with every computed field
        body = api_client.get(GOALS_PROGRESS).json()

    assert len(body) == rows
