"""The benchmark's pieces inside the app: baseline views and the query-count header exist only with BENCHMARK_MODE on,
the baseline serves the very page the API serves, and the data generator makes consistent rows."""

import datetime
import importlib

import pytest
from django.urls import clear_url_caches
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from bench.generate import Scale, generate
from users.models import Certificate, Goal, GoalStep, Project, User
from users.tests.factories import CertificateFactory, GoalFactory, GoalStepFactory, ProjectFactory, SkillFactory

pytestmark = pytest.mark.django_db

BASELINE = "/bench/baseline/certificates/"


def reload_urls() -> None:
    import skillfolio.urls

    importlib.reload(skillfolio.urls)
    clear_url_caches()


@pytest.fixture
def benchmark_mode(settings):
    settings.BENCHMARK_MODE = True
    settings.MIDDLEWARE = ["bench.middleware.query_count_middleware", *settings.MIDDLEWARE]
    reload_urls()
    yield
    settings.BENCHMARK_MODE = False
    reload_urls()


@pytest.fixture
def bearer_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def test_baseline_views_are_not_routed_by_default(bearer_client, user):
    CertificateFactory(user=user)

    response = bearer_client.get(BASELINE)

    assert response.status_code == 404
    assert "X-Query-Count" not in bearer_client.get("/api/certificates/").headers


@pytest.mark.parametrize(
    "query", ["", "?page=2&page_size=4", "?search=python", "?issuer=COURSERA", "?search=py%25", "?page=9"]
)
def test_baseline_serves_the_same_page_as_the_api(benchmark_mode, bearer_client, user, other_user, query):
    python, sql = SkillFactory(user=user, name="python"), SkillFactory(user=user, name="SQL")
    for certificate in CertificateFactory.create_batch(6, user=user, title="Python for Everybody"):
        ProjectFactory.create_batch(2, user=user, certificate=certificate)
        certificate.skills.add(sql, python)
    CertificateFactory(
        user=user, date_earned=datetime.date(2000, 6, 1), expires_on=datetime.date(2001, 1, 1), credential_id="AB-12"
    )
    CertificateFactory.create_batch(5, user=user, issuer="edX", title="Statistics 100%")
    CertificateFactory.create_batch(3, user=other_user)

    api = bearer_client.get(f"/api/certificates/{query}")
    baseline = bearer_client.get(f"{BASELINE}{query}")

    assert baseline.status_code == api.status_code
    assert baseline.content.replace(b"/bench/baseline/", b"/api/") == api.content


def test_baseline_detail_matches_the_api(benchmark_mode, bearer_client, user, other_user):
    certificate = CertificateFactory(user=user, expires_on=datetime.date(2099, 1, 1))
    certificate.skills.add(SkillFactory(user=user, name="Rust"), SkillFactory(user=user, name="go"))
    ProjectFactory(user=user, certificate=certificate)
    foreign = CertificateFactory(user=other_user)

    assert (
        bearer_client.get(f"{BASELINE}{certificate.pk}/").json()
        == bearer_client.get(f"/api/certificates/{certificate.pk}/").json()
    )
    assert bearer_client.get(f"{BASELINE}{foreign.pk}/").status_code == 404


def test_baseline_needs_a_valid_token(benchmark_mode):
    assert APIClient().get(BASELINE).status_code == 401
    assert APIClient().get(BASELINE, HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_query_count_header_counts_every_statement(benchmark_mode, bearer_client, user):
    CertificateFactory.create_batch(3, user=user)

    assert bearer_client.get("/api/certificates/").headers["X-Query-Count"] == "2"  # user, page (skills included)
    assert bearer_client.get(BASELINE).headers["X-Query-Count"] == "1"


def test_generator_makes_a_consistent_population():
    counts = generate(
        seed=3,
        scale=Scale(users=3, heavy_certificates=30, heavy_projects=10, heavy_goals=4, steps_per_goal=3, skills=5),
    )

    heavy = User.objects.get(email="heavy@bench.skillfolio.dev")
    assert counts["users"] == User.objects.count() == 3
    assert heavy.certificates.count() == 30 and heavy.projects.count() == 10 and heavy.goals.count() == 4
    assert heavy.projects.filter(certificate__isnull=False).count() == 5  # half linked
    assert not Project.objects.exclude(certificate__isnull=True).exclude(certificate__user=heavy).filter(user=heavy)
    for goal in Goal.objects.all():
        assert goal.total_steps == goal.steps.count() == 3
        assert goal.completed_steps == goal.steps.filter(is_done=True).count()
    assert GoalStep.objects.count() == counts["goal steps"]
    assert len({c.created_at for c in Certificate.objects.all()}) > 1  # historical, not all "now"
    assert heavy.check_password("bench-password-1843")


@pytest.mark.parametrize("query", ["", "?page=2&page_size=3", "?search=dashboard", "?status=completed"])
def test_project_baseline_serves_the_same_page_as_the_api(benchmark_mode, bearer_client, user, other_user, query):
    certificate = CertificateFactory(user=user)
    ProjectFactory.create_batch(4, user=user, certificate=certificate, title="Sales dashboard", status="completed")
    for project in ProjectFactory.create_batch(3, user=user, work_type="team", tools_used="Django, React"):
        project.skills.add(SkillFactory(user=user))
    ProjectFactory.create_batch(2, user=other_user, title="Sales dashboard")

    api = bearer_client.get(f"/api/projects/{query}")
    baseline = bearer_client.get(f"/bench/baseline/projects/{query}")

    assert baseline.status_code == api.status_code == 200
    assert baseline.content.replace(b"/bench/baseline/", b"/api/") == api.content


@pytest.mark.parametrize("query", ["", "?page=2&page_size=3", "?deadline=2031-01-01", "?page=4"])
def test_goal_baseline_serves_the_same_page_as_the_api(benchmark_mode, bearer_client, user, other_user, query):
    ProjectFactory.create_batch(3, user=user, status="completed")
    for index, goal in enumerate(GoalFactory.create_batch(7, user=user, target_projects=8)):
        GoalStepFactory.create_batch(index % 4, goal=goal, is_done=index % 2 == 0)
    GoalFactory(user=user, target_projects=3, completed_projects=3, deadline=datetime.date(2031, 1, 1))
    GoalFactory(user=user, target_projects=6, total_steps=4, completed_steps=1)
    GoalFactory(user=other_user)

    api = bearer_client.get(f"/api/goals/{query}")
    baseline = bearer_client.get(f"/bench/baseline/goals/{query}")

    assert baseline.status_code == api.status_code
    assert baseline.content.replace(b"/bench/baseline/", b"/api/") == api.content


def test_ratio_is_the_median_of_paired_turns():
    """One slow turn moves the ratio of totals, not the median of the pairs; without pairs, totals are compared."""
    from bench.run import Stats

    baseline = Stats(requests=1000, seconds=2.0)
    api = Stats(requests=500, seconds=2.0, paired_ratios=[0.55, 0.56, 0.2, 0.57, 0.58])
    assert api.ratio_to(baseline) == 0.56
    assert api.ratio_spread() == "0.55-0.57"
    assert Stats(requests=500, seconds=2.0).ratio_to(baseline) == 0.5
