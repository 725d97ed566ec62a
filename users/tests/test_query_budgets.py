"""Query budgets per endpoint, counted the way production serves them: a real Bearer token, so the authentication's own
user lookup is in the count. Budgets (issue 7): a list at most 3 queries, a detail at most 2, analytics at most 3;
each test pins the exact count and checks it does not grow with the data.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from users.tests.factories import CertificateFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(queries)


def add_certificates(user, rows: int) -> None:
    for certificate in CertificateFactory.create_batch(rows, user=user, issuer="Coursera", title="Python basics"):
        ProjectFactory(user=user, certificate=certificate)
    CertificateFactory(user=user, issuer="edX", title="Statistics")


CERTIFICATE_LIST_CASES = [
    {},
    {"page": 2, "page_size": 2},
    {"search": "python"},
    {"issuer": "coursera"},
    {"ordering": "title"},
]


@pytest.mark.parametrize("params", CERTIFICATE_LIST_CASES)
def test_certificate_list_costs_two_queries_whatever_the_rows(bearer_client, user, params):
    add_certificates(user, 3)
    few = queries_for(bearer_client, reverse("certificate-list"), params)
    add_certificates(user, 27)

    many = queries_for(bearer_client, reverse("certificate-list"), params)

    assert few == many == 2  # the token's user + the page (project_count and the total in the same statement)


def test_certificate_list_last_page_costs_one_more_query_for_the_count(bearer_client, user):
    add_certificates(user, 12)

    assert queries_for(bearer_client, reverse("certificate-list"), {"page": "last"}) == 3  # user, COUNT(*), page


def test_certificate_detail_costs_two_queries(bearer_client, user):
    add_certificates(user, 3)
    certificate = user.certificates.first()

    assert queries_for(bearer_client, reverse("certificate-detail", args=[certificate.pk])) == 2  # user + the row
