"""Query budgets per endpoint (issue 7): a list runs at most 3 queries, a detail at most 2, an analytics call at most 3,
whatever the amount of data. Requests carry a real Bearer token, as in production, so every count is the token's
user lookup (one per authenticated request, the same for every endpoint) plus the endpoint's own queries; each test
pins the exact figure and checks it does not move between a little data and ten times more.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from users.tests.factories import CertificateFactory, GoalFactory, GoalStepFactory, ProjectFactory, SkillFactory

pytestmark = pytest.mark.django_db

TOKEN_USER = 1  # JWTAuthentication loads the token's user (so a deactivated or revoked account is refused at once)
LIST_BUDGET, DETAIL_BUDGET, ANALYTICS_BUDGET = 3, 2, 3


@pytest.fixture(autouse=True)
def _json_support_known():
    """Django asks the database once per connection whether it supports JSON (on SQLite, a query): ask it before
    anything is counted, or whichever endpoint runs first in a session counts it."""
    connection.features.supports_json_field  # noqa: B018


@pytest.fixture
def bearer_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def endpoint_queries(client, url, params=None) -> int:
    """Queries the endpoint itself ran, the token's user lookup taken off."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(queries) - TOKEN_USER


def add_data(user, rows: int) -> None:
    """`rows` of everything: certificates with linked projects, both with skills, goals with steps (some done)."""
    skills = SkillFactory.create_batch(2, user=user)
    for certificate in CertificateFactory.create_batch(rows, user=user, issuer="Coursera", title="Python basics"):
        certificate.skills.set(skills)
        project = ProjectFactory(user=user, certificate=certificate, status="completed", title="Sales dashboard")
        project.skills.set(skills)
    for goal in GoalFactory.create_batch(rows, user=user):
        GoalStepFactory.create_batch(2, goal=goal, is_done=True)
        GoalStepFactory(goal=goal)


def assert_constant(client, user, url, params, expected: int, budget: int) -> None:
    assert expected <= budget
    add_data(user, 3)
    few = endpoint_queries(client, url, params)
    add_data(user, 27)

    assert (few, endpoint_queries(client, url, params)) == (expected, expected)


@pytest.mark.parametrize(
    "params", [{}, {"page": 2, "page_size": 2}, {"search": "python"}, {"issuer": "coursera"}, {"ordering": "title"}]
)
def test_certificate_list(bearer_client, user, params):
    assert_constant(bearer_client, user, reverse("certificate-list"), params, 1, LIST_BUDGET)  # the page, skills inside


@pytest.mark.parametrize(
    "params", [{}, {"page": 2, "page_size": 2}, {"search": "dashboard"}, {"status": "completed"}, {"ordering": "title"}]
)
def test_project_list(bearer_client, user, params):
    assert_constant(bearer_client, user, reverse("project-list"), params, 1, LIST_BUDGET)  # the page, skills inside


@pytest.mark.parametrize("params", [{}, {"page": 2, "page_size": 2}, {"status": "on_track"}, {"ordering": "deadline"}])
def test_goal_list(bearer_client, user, params):
    assert_constant(
        bearer_client, user, reverse("goal-list"), params, 1, LIST_BUDGET
    )  # goals with their steps and the total


def test_goalstep_list(bearer_client, user):
    assert_constant(bearer_client, user, reverse("goalstep-list"), {}, 1, LIST_BUDGET)  # the page with its total


def test_list_last_page_counts_first(bearer_client, user):
    assert_constant(bearer_client, user, reverse("certificate-list"), {"page": "last"}, 2, LIST_BUDGET)  # COUNT first


@pytest.mark.parametrize(
    ("basename", "factory", "expected"),
    [
        ("certificate", CertificateFactory, 1),  # the row with project_count and its skill names
        ("project", ProjectFactory, 1),  # the row with its skill names
        ("goal", GoalFactory, 1),  # the goal with its progress and its steps
        ("goalstep", GoalStepFactory, 1),
    ],
)
def test_detail(bearer_client, user, basename, factory, expected):
    add_data(user, 3)
    row = factory(user=user) if basename != "goalstep" else factory(goal=GoalFactory(user=user))

    assert endpoint_queries(bearer_client, reverse(f"{basename}-detail", args=[row.pk])) == expected <= DETAIL_BUDGET


def test_analytics_summary(bearer_client, user):
    # every row count (certificates with expiry, skills, projects by status) in one statement + goals by status
    assert_constant(bearer_client, user, reverse("analytics-summary"), {}, 2, ANALYTICS_BUDGET)


def test_analytics_goals_progress(bearer_client, user):
    assert_constant(bearer_client, user, reverse("analytics-goals-progress"), {}, 1, ANALYTICS_BUDGET)  # one query
