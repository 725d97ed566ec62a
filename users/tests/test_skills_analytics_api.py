"""The dashboard's skill figures: summary expiry/skill counts and /api/analytics/skills/."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from users.tests.factories import CertificateFactory, ProjectFactory, SkillFactory

pytestmark = pytest.mark.django_db

SUMMARY = reverse("analytics-summary")
SKILLS = reverse("analytics-skills")
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def months_ago(n: int, day: int = 1) -> datetime.date:
    index = TODAY.year * 12 + TODAY.month - 1 - n
    return datetime.date(index // 12, index % 12 + 1, day)


def test_summary_counts_expired_and_soon_expiring_certificates_and_skills(api_client, user, other_user):
    for expires_in in (-1, 0, 30, 31, None):
        CertificateFactory(
            user=user, date_earned=days(-400), expires_on=days(expires_in) if expires_in is not None else None
        )
    CertificateFactory(user=other_user, date_earned=days(-400), expires_on=days(-5))
    SkillFactory.create_batch(2, user=user)
    SkillFactory(user=other_user)

    body = api_client.get(SUMMARY).json()

    assert body["certificates_count"] == 5
    assert body["certificates_expired"] == 1
    assert body["certificates_expiring_within_30_days"] == 2  # today and in 30 days; not 31, not the expired one
    assert body["skills_count"] == 2


def test_top_skills_by_evidence_without_empty_ones(api_client, user, other_user):
    certificates = CertificateFactory.create_batch(3, user=user)
    projects = ProjectFactory.create_batch(2, user=user)
    SkillFactory(user=user, name="Python").certificates.set(certificates)
    sql = SkillFactory(user=user, name="SQL")
    sql.certificates.set(certificates[:1])
    sql.projects.set(projects)
    SkillFactory(user=user, name="Algebra").projects.set(projects[:1])
    SkillFactory(user=user, name="Unused")
    SkillFactory(user=other_user, name="Theirs").certificates.set([CertificateFactory(user=other_user)])

    top = api_client.get(SKILLS).json()["top_skills"]

    assert [(s["name"], s["evidence_count"]) for s in top] == [("Python", 3), ("SQL", 3), ("Algebra", 1)]
    assert set(top[0]) == {
        "id",
        "name",
        "certificate_count",
        "project_count",
        "evidence_count",
        "first_seen",
        "last_seen",
        "has_valid_certificate",
    }


def test_top_skills_are_at_most_ten(api_client, user):
    certificate = CertificateFactory(user=user)
    for n in range(12):
        SkillFactory(user=user, name=f"Skill {n:02}").certificates.add(certificate)

    assert len(api_client.get(SKILLS).json()["top_skills"]) == 10


def test_timeline_has_twelve_months_oldest_first_with_zeros(api_client, user, other_user):
    CertificateFactory(user=user, date_earned=TODAY)
    CertificateFactory(user=user, date_earned=months_ago(0))
    CertificateFactory(user=user, date_earned=months_ago(11, day=28))
    CertificateFactory(user=user, date_earned=months_ago(12, day=28))  # 13 months back: outside
    CertificateFactory(user=other_user, date_earned=TODAY)
    ProjectFactory(user=user, status="completed", start_date=months_ago(4), end_date=months_ago(3, day=15))
    ProjectFactory(user=user, status="in_progress", start_date=months_ago(3))  # not completed: not counted
    ProjectFactory(user=other_user, status="completed", start_date=months_ago(4), end_date=months_ago(3))

    timeline = api_client.get(SKILLS).json()["timeline"]

    assert [month["month"] for month in timeline] == [months_ago(n).strftime("%Y-%m") for n in range(11, -1, -1)]
    by_month = {row["month"]: (row["certificates_earned"], row["projects_completed"]) for row in timeline}
    assert by_month[months_ago(0).strftime("%Y-%m")] == (2, 0)
    assert by_month[months_ago(11).strftime("%Y-%m")] == (1, 0)
    assert by_month[months_ago(3).strftime("%Y-%m")] == (0, 1)
    assert sum(c + p for c, p in by_month.values()) == 4


def test_new_account_has_no_top_skills_and_a_zero_timeline(api_client):
    body = api_client.get(SKILLS).json()

    assert body["top_skills"] == []
    assert len(body["timeline"]) == 12
    assert all(row["certificates_earned"] == row["projects_completed"] == 0 for row in body["timeline"])


@pytest.mark.parametrize("rows", [3, 30])
def test_skills_analytics_cost_three_queries(api_client, user, django_assert_num_queries, rows):
    for n in range(rows):
        certificate = CertificateFactory(user=user, date_earned=months_ago(n % 12))
        project = ProjectFactory(
            user=user, status="completed", start_date=months_ago(n % 12), end_date=months_ago(n % 12)
        )
        skill = SkillFactory(user=user)
        skill.certificates.add(certificate)
        skill.projects.add(project)

    with django_assert_num_queries(3):  # top skills with their figures + certificates per month + projects per month
        body = api_client.get(SKILLS).json()

    assert sum(row["certificates_earned"] for row in body["timeline"]) == rows


def test_skills_analytics_need_a_token(anon_client):
    assert anon_client.get(SKILLS).status_code == 401


def test_swagger_declares_the_new_analytics_fields(anon_client):
    schema = anon_client.get(reverse("api-schema"), {"format": "openapi"}).json()

    assert schema["paths"]["/analytics/skills/"]["get"]["responses"]["200"]["schema"] == {
        "$ref": "#/definitions/SkillsAnalytics"
    }
    summary = schema["definitions"]["Summary"]["properties"]
    assert {"skills_count", "certificates_expired", "certificates_expiring_within_30_days"} <= set(summary)
