"""Certificates' credential fields: expiry, credential id and URL, skills, and the filters built on them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from users.models import Certificate, Skill
from users.tests.factories import CertificateFactory, SkillFactory
from users.tests.samples import CERTIFICATES, upload

pytestmark = pytest.mark.django_db

LIST = reverse("certificate-list")
TODAY = timezone.localdate()


def detail(pk: int) -> str:
    return reverse("certificate-detail", args=[pk])


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def ids(api_client, **params) -> list[int]:
    response = api_client.get(LIST, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def post(api_client, **fields):
    body = {"title": "AWS Cloud Practitioner", "issuer": "Amazon", "date_earned": "2024-03-01", **fields}
    return api_client.post(LIST, body, format="json")


# --- writing the new fields -------------------------------------------------------


def test_create_with_credential_fields_reads_them_back(api_client):
    response = post(
        api_client,
        expires_on=str(days(400)),
        credential_id="ABC-123",
        credential_url="https://www.credly.com/badges/abc-123",
        skills=["Cloud", "AWS"],
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["expires_on"] == str(days(400))
    assert body["credential_id"] == "ABC-123"
    assert body["credential_url"] == "https://www.credly.com/badges/abc-123"
    assert body["skills"] == ["AWS", "Cloud"]
    assert body["is_expired"] is False
    assert body["days_until_expiry"] == 400


def test_new_fields_are_optional_and_empty_by_default(api_client):
    body = post(api_client).json()

    assert (body["expires_on"], body["credential_id"], body["credential_url"], body["skills"]) == (None, "", "", [])
    assert body["is_expired"] is False
    assert body["days_until_expiry"] is None


@pytest.mark.parametrize(
    "expires_on, is_expired, days_until_expiry", [(-1, True, -1), (0, False, 0), (1, False, 1), (None, False, None)]
)
def test_is_expired_from_the_day_after_expires_on(api_client, user, expires_on, is_expired, days_until_expiry):
    certificate = CertificateFactory(
        user=user, date_earned=days(-30), expires_on=days(expires_on) if expires_on is not None else None
    )

    body = api_client.get(detail(certificate.pk)).json()

    assert (body["is_expired"], body["days_until_expiry"]) == (is_expired, days_until_expiry)


def test_expires_on_before_date_earned_is_400_and_changes_nothing(api_client, user):
    certificate = CertificateFactory(user=user, date_earned=datetime.date(2024, 5, 1))

    created = post(api_client, date_earned="2024-05-01", expires_on="2024-04-30")
    patched = api_client.patch(detail(certificate.pk), {"expires_on": "2024-04-30"}, format="json")
    same_day = api_client.patch(detail(certificate.pk), {"expires_on": "2024-05-01"}, format="json")

    assert created.status_code == 400
    assert created.json() == {"expires_on": ["expires_on cannot be before date_earned."]}
    assert patched.status_code == 400 and "expires_on" in patched.json()
    assert Certificate.objects.count() == 1
    assert same_day.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/certificate",
        "javascript:alert(1)",
        "mailto:someone@example.com",
        "not a url",
        "www.credly.com/badges/1",
        "file:///etc/passwd",
    ],
)
def test_credential_url_other_than_http_or_https_is_400(api_client, url):
    response = post(api_client, credential_url=url)

    assert response.status_code == 400
    assert list(response.json()) == ["credential_url"]
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("url", ["http://example.com/c/1", "HTTPS://learn.microsoft.com/en-us/users/ada/credentials/X"])
def test_credential_url_http_and_https_are_accepted(api_client, url):
    assert post(api_client, credential_url=url).status_code == 201


def test_credential_url_is_checked_on_patch_too(api_client, user):
    certificate = CertificateFactory(user=user, credential_url="https://example.com/ok")

    response = api_client.patch(detail(certificate.pk), {"credential_url": "ftp://example.com/x"}, format="json")

    assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.credential_url == "https://example.com/ok"


# --- skills on certificates ---------------------------------------------------


def test_skill_names_in_any_case_are_one_skill_with_the_first_spelling(api_client, user):
    first = post(api_client, skills=["Python", " python ", "Data  Analysis"]).json()
    second = post(api_client, skills=["PYTHON", "data analysis", "SQL"]).json()

    assert first["skills"] == ["Data Analysis", "Python"]
    assert second["skills"] == ["Data Analysis", "Python", "SQL"]
    assert sorted(Skill.objects.owned_by(user).values_list("name", flat=True)) == ["Data Analysis", "Python", "SQL"]


def test_skills_as_one_comma_string_and_in_multipart(api_client):
    as_string = post(api_client, skills="Python, SQL; Git").json()
    multipart = api_client.post(
        LIST,
        {
            "title": "Data Analysis with Python",
            "issuer": "freeCodeCamp",
            "date_earned": "2024-05-14",
            "skills": ["pandas", "python"],
            "file_upload": upload(CERTIFICATES / "data-analysis-with-python.pdf"),
        },
        format="multipart",
    )

    assert as_string["skills"] == ["Git", "Python", "SQL"]
    assert multipart.status_code == 201, multipart.content
    assert multipart.json()["skills"] == ["pandas", "Python"]


def test_patch_replaces_skills_absent_keeps_them_empty_list_clears(api_client, user):
    certificate_id = post(api_client, skills=["Python", "SQL"]).json()["id"]

    replaced = api_client.patch(detail(certificate_id), {"skills": ["sql", "Docker"]}, format="json")
    untouched = api_client.patch(detail(certificate_id), {"title": "Renamed"}, format="json")
    cleared = api_client.patch(detail(certificate_id), {"skills": []}, format="json")

    assert replaced.json()["skills"] == ["Docker", "SQL"]
    assert untouched.json()["skills"] == ["Docker", "SQL"]
    assert cleared.json()["skills"] == []
    assert Skill.objects.owned_by(user).count() == 3  # unlinking keeps the skills themselves


def test_other_users_skill_of_the_same_name_is_not_reused(api_client, user, other_user):
    theirs = SkillFactory(user=other_user, name="Python")

    post(api_client, skills=["python"])

    mine = Skill.objects.owned_by(user).get()
    assert mine.pk != theirs.pk and mine.name == "python"
    assert list(theirs.certificates.all()) == []


@pytest.mark.parametrize("skills", [["x" * 101], [{"name": "Python"}], "x" * 101])
def test_bad_skill_names_are_400_and_create_nothing(api_client, skills):
    response = post(api_client, skills=skills)

    assert response.status_code == 400
    assert list(response.json()) == ["skills"]
    assert not Certificate.objects.exists()
    assert not Skill.objects.exists()


def test_refused_certificate_creates_no_skill_and_stores_no_file(api_client, settings):
    response = api_client.post(
        LIST,
        {
            "title": "T",
            "issuer": "I",
            "date_earned": "2024-05-14",
            "expires_on": "2024-01-01",
            "skills": "Python",
            "file_upload": upload(CERTIFICATES / "data-analysis-with-python.pdf"),
        },
        format="multipart",
    )

    assert response.status_code == 400
    assert not Skill.objects.exists()
    folder = settings.MEDIA_ROOT / "certificates"
    assert not folder.exists() or list(folder.iterdir()) == []


# --- filters and ordering -----------------------------------------------------


@pytest.fixture
def expiry_rows(user):
    return {
        "expired": CertificateFactory(user=user, date_earned=days(-400), expires_on=days(-1)),
        "today": CertificateFactory(user=user, date_earned=days(-400), expires_on=days(0)),
        "soon": CertificateFactory(user=user, date_earned=days(-400), expires_on=days(30)),
        "later": CertificateFactory(user=user, date_earned=days(-400), expires_on=days(31)),
        "never": CertificateFactory(user=user, date_earned=days(-400)),
    }


def test_expired_filter(api_client, expiry_rows):
    pk = {name: certificate.pk for name, certificate in expiry_rows.items()}

    assert ids(api_client, expired="true") == [pk["expired"]]
    assert sorted(ids(api_client, expired="false")) == sorted([pk["today"], pk["soon"], pk["later"], pk["never"]])


def test_expiring_within_counts_today_and_the_last_day(api_client, expiry_rows):
    pk = {name: certificate.pk for name, certificate in expiry_rows.items()}

    assert sorted(ids(api_client, expiring_within=30)) == sorted([pk["today"], pk["soon"]])
    assert ids(api_client, expiring_within=0) == [pk["today"]]


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", str(10**9)])
def test_bad_expiring_within_is_400_json(api_client, value):
    response = api_client.get(LIST, {"expiring_within": value})

    assert response.status_code == 400
    assert "expiring_within" in response.json()


def test_ordering_by_expires_on_puts_never_expiring_last_both_ways(api_client, expiry_rows):
    pk = {name: certificate.pk for name, certificate in expiry_rows.items()}

    assert ids(api_client, ordering="expires_on") == [pk[n] for n in ["expired", "today", "soon", "later", "never"]]
    assert ids(api_client, ordering="-expires_on") == [pk[n] for n in ["later", "soon", "today", "expired", "never"]]


def test_skill_filter_by_id_or_name_in_any_case(api_client, user, other_user):
    python = post(api_client, skills=["Python"]).json()["id"]
    both = post(api_client, skills=["python", "Machine Learning"]).json()["id"]
    post(api_client, skills=["SQL"])
    skill = Skill.objects.owned_by(user).get(name="Python")
    theirs = SkillFactory(user=other_user, name="Python")

    assert ids(api_client, skill=skill.pk) == [both, python]
    assert ids(api_client, skill=" PYTHON ") == [both, python]
    assert ids(api_client, skill="machine   learning") == [both]
    assert ids(api_client, skill="Rust") == []
    assert ids(api_client, skill=theirs.pk) == []
    assert ids(api_client, skill=10**30) == []


def test_list_query_count_is_the_same_for_3_and_30_rows(api_client, user, django_assert_num_queries):
    skills = [SkillFactory(user=user) for _ in range(3)]

    def list_queries(rows: int) -> int:
        Certificate.objects.all().delete()
        for certificate in CertificateFactory.create_batch(
            rows, user=user, date_earned=days(-100), expires_on=days(10)
        ):
            certificate.skills.set(skills)
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(LIST, {"page_size": 100, "expired": "false", "ordering": "expires_on"})
        assert len(response.json()["results"]) == rows
        assert all(len(row["skills"]) == 3 for row in response.json()["results"])
        return len(queries)

    assert list_queries(3) == list_queries(30)
    with django_assert_num_queries(1):  # the page, with project_count, skill names and the paginator's total
        api_client.get(LIST, {"skill": skills[0].name})


@pytest.mark.parametrize("value", ["²", "①", "٣", "12³"])
def test_skill_filter_with_unicode_digits_is_a_name_not_a_500(api_client, value):
    post(api_client, skills=["Python"])

    response = api_client.get(LIST, {"skill": value})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_expired_filter_with_an_unreadable_value_is_400(api_client):
    response = api_client.get(LIST, {"expired": "maybe"})

    assert response.status_code == 400
    assert "expired" in response.json()
