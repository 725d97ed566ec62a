"""The one-query paginator answers exactly what Django's two-query Paginator would, page by page."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from users.api import defaults
from users.tests.factories import CertificateFactory, GoalFactory, GoalStepFactory

pytestmark = pytest.mark.django_db

LIST = reverse("certificate-list")

CASES = [
    {},
    {"page": 2},
    {"page": 3},
    {"page": 4},
    {"page": "last"},
    {"page": 0},
    {"page": -1},
    {"page": "x"},
    {"page": "1.0"},
    {"page_size": 5, "page": 5},
    {"page_size": 5, "page": 6},
    {"search": "python", "page": 2},
    {"issuer": "nobody"},
    {"issuer": "nobody", "page": 2},
    {"ordering": "title", "page": 2},
    {"page": 10**30},  # an OFFSET no database takes: was a 500 (SQLite "datatype mismatch", bigint out of range)
    {"page": 2**63 // 10},
]


@pytest.mark.parametrize("params", CASES)
def test_one_query_paginator_matches_djangos(api_client, user, monkeypatch, params):
    CertificateFactory.create_batch(18, user=user, title="Python course")
    CertificateFactory.create_batch(7, user=user, title="Statistics")
    one_query = api_client.get(LIST, params)

    monkeypatch.setattr(defaults.PageNumberPagination, "django_paginator_class", Paginator)
    two_queries = api_client.get(LIST, params)

    assert (one_query.status_code, one_query.json()) == (two_queries.status_code, two_queries.json())


def test_empty_list_is_one_empty_page(api_client):
    assert api_client.get(LIST).json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "expired", "page_size": 2, "page": 2},
        {"status": "on_track", "page_size": 2},
        {"status": "achieved"},
        {"status": "achieved", "page": 2},
        {"page_size": 3, "page": 3},
        {"ordering": "deadline", "page_size": 4, "page": 2},
    ],
)
def test_goal_pages_filtered_on_a_computed_column_match_djangos(api_client, user, monkeypatch, params):
    """The total is counted without the computed columns; a filter on one (status) must still count right."""
    GoalFactory.create_batch(5, user=user, deadline=timezone.localdate() - datetime.timedelta(days=3))  # expired
    GoalFactory.create_batch(3, user=user)  # on track
    for goal in GoalFactory.create_batch(3, user=user, target_projects=1, completed_projects=1):  # achieved
        GoalStepFactory(goal=goal, is_done=True)
    one_query = api_client.get(reverse("goal-list"), params)

    monkeypatch.setattr(defaults.PageNumberPagination, "django_paginator_class", Paginator)
    two_queries = api_client.get(reverse("goal-list"), params)

    assert (one_query.status_code, one_query.json()) == (two_queries.status_code, two_queries.json())
    if one_query.status_code == 200:
        assert one_query.json()["count"] == {"expired": 5, "on_track": 3, "achieved": 3}.get(params.get("status"), 11)
    else:
        assert params == {"status": "achieved", "page": 2}  # 3 goals, one page of 100: page 2 is past the end


def test_the_total_is_count_star(api_client, user):
    """COUNT(*): PostgreSQL counts from the (user, ...) indexes alone; COUNT(id) read every counted row's page."""
    CertificateFactory.create_batch(3, user=user)

    with CaptureQueriesContext(connection) as queries:
        assert api_client.get(LIST, {"page_size": 2}).json()["count"] == 3

    [page_query] = [query["sql"] for query in queries if "users_certificate" in query["sql"]]
    assert "COUNT(*)" in page_query
