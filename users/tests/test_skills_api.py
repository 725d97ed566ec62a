"""/api/skills/: the list with evidence, the detail, rename, merge and delete, and owner scoping."""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from users.models import Certificate, Skill
from users.tests.factories import CertificateFactory, ProjectFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("skill-list")
TODAY = timezone.localdate()


def detail(pk: int) -> str:
    return reverse("skill-detail", args=[pk])


def merge(pk: int) -> str:
    return reverse("skill-merge", args=[pk])


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def skill_with(user, name, *, certificates=(), projects=()) -> Skill:
    skill = SkillFactory(user=user, name=name)
    skill.certificates.set(certificates)
    skill.projects.set(projects)
    return skill


# --- list ---------------------------------------------------------------------


def test_list_shows_counts_dates_and_whether_a_valid_certificate_backs_it(api_client, user):
    old = CertificateFactory(user=user, date_earned=datetime.date(2023, 2, 1))
    expired = CertificateFactory(
        user=user, date_earned=datetime.date(2022, 1, 1), expires_on=TODAY - datetime.timedelta(days=1)
    )
    project = ProjectFactory(user=user, start_date=datetime.date(2024, 6, 1), end_date=datetime.date(2024, 7, 15))
    skill_with(user, "Python", certificates=[old], projects=[project])
    skill_with(user, "Excel", certificates=[expired])
    SkillFactory(user=user, name="Rust")

    rows = {row["name"]: row for row in api_client.get(LIST).json()["results"]}

    figures = ["certificate_count", "project_count", "evidence_count", "first_seen", "last_seen"]
    assert [rows["Python"][key] for key in figures] == [1, 1, 2, "2023-02-01", "2024-07-15"]
    assert rows["Python"]["has_valid_certificate"] is True
    assert (rows["Excel"]["has_valid_certificate"], rows["Excel"]["first_seen"]) == (False, "2022-01-01")
    assert rows["Rust"]["evidence_count"] == 0
    assert (rows["Rust"]["first_seen"], rows["Rust"]["last_seen"], rows["Rust"]["has_valid_certificate"]) == (
        None,
        None,
        False,
    )


def test_project_evidence_date_falls_back_to_start_then_creation(api_client, user):
    started = ProjectFactory(user=user, start_date=datetime.date(2024, 3, 3))
    undated = ProjectFactory(user=user)
    skill_with(user, "Started", projects=[started])
    skill_with(user, "Undated", projects=[undated])

    rows = {row["name"]: row for row in api_client.get(LIST).json()["results"]}

    assert rows["Started"]["last_seen"] == "2024-03-03"
    assert rows["Undated"]["last_seen"] == str(undated.date_created.date())


def test_search_and_ordering(api_client, user):
    skill_with(
        user,
        "Django",
        certificates=CertificateFactory.create_batch(2, user=user, date_earned=datetime.date(2024, 6, 1)),
    )
    skill_with(user, "django REST", certificates=[CertificateFactory(user=user, date_earned=datetime.date(2025, 1, 1))])
    skill_with(user, "Algebra")

    assert names(api_client.get(LIST)) == ["Algebra", "Django", "django REST"]
    assert names(api_client.get(LIST, {"search": "DJANGO"})) == ["Django", "django REST"]
    assert names(api_client.get(LIST, {"ordering": "-evidence_count"})) == ["Django", "django REST", "Algebra"]
    assert names(api_client.get(LIST, {"ordering": "-last_seen"})) == ["django REST", "Django", "Algebra"]
    assert names(api_client.get(LIST, {"ordering": "last_seen"})) == ["Django", "django REST", "Algebra"]


def test_list_query_count_is_the_same_for_3_and_30_skills(api_client, user, django_assert_num_queries):
    certificates = CertificateFactory.create_batch(2, user=user)
    projects = ProjectFactory.create_batch(2, user=user)

    def list_queries(rows: int) -> int:
        Skill.objects.all().delete()
        for n in range(rows):
            skill_with(user, f"Skill {n:02}", certificates=certificates, projects=projects)
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(LIST, {"page_size": 100})
        assert [row["evidence_count"] for row in response.json()["results"]] == [4] * rows
        return len(queries)

    assert list_queries(3) == list_queries(30)
    with django_assert_num_queries(2):  # paginator count + the page with every evidence figure annotated
        api_client.get(LIST)


# --- detail -------------------------------------------------------------------


def test_detail_lists_its_certificates_and_projects(api_client, user, django_assert_num_queries):
    older = CertificateFactory(user=user, title="Older", date_earned=datetime.date(2023, 1, 1))
    newer = CertificateFactory(user=user, title="Newer", date_earned=datetime.date(2024, 1, 1))
    project = ProjectFactory(user=user, title="Portfolio", status="completed")
    skill = skill_with(user, "Python", certificates=[older, newer], projects=[project])

    with django_assert_num_queries(3):  # the skill with its figures + its certificates + its projects
        body = api_client.get(detail(skill.pk)).json()

    assert [c["title"] for c in body["certificates"]] == ["Newer", "Older"]
    assert set(body["certificates"][0]) == {"id", "title", "issuer", "date_earned", "expires_on", "is_expired"}
    assert body["projects"] == [
        {"id": project.pk, "title": "Portfolio", "status": "completed", "start_date": None, "end_date": None}
    ]
    assert body["certificate_count"] == 2


# --- create and rename --------------------------------------------------------


def test_create_keeps_the_spelling_and_refuses_a_name_taken_in_any_case(api_client, user):
    created = api_client.post(LIST, {"name": "  Machine   Learning "}, format="json")
    duplicate = api_client.post(LIST, {"name": "machine learning"}, format="json")
    blank = api_client.post(LIST, {"name": "   "}, format="json")

    assert created.status_code == 201
    assert created.json()["name"] == "Machine Learning"
    assert created.json()["evidence_count"] == 0
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    assert blank.status_code == 400 and "name" in blank.json()
    assert Skill.objects.owned_by(user).count() == 1


@pytest.mark.parametrize("name", ["React, Redux", "C; C++"])
def test_a_name_with_a_list_separator_is_400_on_create_and_rename(api_client, user, name):
    """Certificates and projects split "a, b" into two names, so such a skill could never be linked or sent back."""
    skill = SkillFactory(user=user, name="React")

    created = api_client.post(LIST, {"name": name}, format="json")
    renamed = api_client.patch(detail(skill.pk), {"name": name}, format="json")

    assert created.status_code == 400 and "name" in created.json()
    assert renamed.status_code == 400 and "name" in renamed.json()
    skill.refresh_from_db()
    assert skill.name == "React"
    assert Skill.objects.owned_by(user).count() == 1


def test_rename_changes_the_spelling_evidence_stays(api_client, user):
    certificate = CertificateFactory(user=user)
    skill = skill_with(user, "javascript", certificates=[certificate])

    response = api_client.patch(detail(skill.pk), {"name": "JavaScript"}, format="json")

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["certificate_count"]) == ("JavaScript", 1)
    assert api_client.get(reverse("certificate-detail", args=[certificate.pk])).json()["skills"] == ["JavaScript"]


def test_rename_to_another_skills_name_in_any_case_is_400_and_changes_nothing(api_client, user):
    SkillFactory(user=user, name="JavaScript")
    skill = SkillFactory(user=user, name="JS")

    response = api_client.patch(detail(skill.pk), {"name": " javascript "}, format="json")
    put = api_client.put(detail(skill.pk), {"name": "JAVASCRIPT"}, format="json")

    assert response.status_code == 400
    assert "JavaScript" in response.json()["name"][0]
    assert put.status_code == 400
    skill.refresh_from_db()
    assert skill.name == "JS"


def test_a_name_used_by_another_user_is_free(api_client, other_user):
    SkillFactory(user=other_user, name="Python")

    assert api_client.post(LIST, {"name": "python"}, format="json").status_code == 201


# --- merge --------------------------------------------------------------------


def test_merge_moves_all_evidence_and_deletes_the_merged_skills(api_client, user):
    shared, js_only, js_es6_only = CertificateFactory.create_batch(3, user=user)
    project_a, project_b = ProjectFactory.create_batch(2, user=user)
    into = skill_with(user, "JavaScript", certificates=[shared], projects=[project_a])
    js = skill_with(user, "JS", certificates=[shared, js_only], projects=[project_b])
    es6 = skill_with(user, "JavaScript ES6", certificates=[js_es6_only], projects=[project_a])

    response = api_client.post(merge(into.pk), {"skills": [js.pk, es6.pk]}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "JavaScript"
    assert (body["certificate_count"], body["project_count"]) == (3, 2)
    assert sorted(c["id"] for c in body["certificates"]) == sorted([shared.pk, js_only.pk, js_es6_only.pk])
    assert sorted(p["id"] for p in body["projects"]) == sorted([project_a.pk, project_b.pk])
    assert list(Skill.objects.owned_by(user)) == [into]
    assert api_client.get(reverse("certificate-detail", args=[js_only.pk])).json()["skills"] == ["JavaScript"]


@pytest.mark.parametrize("body", [{"skills": []}, {}, {"skills": [10**6]}, {"skills": ["abc"]}, {"into": 1}])
def test_merge_with_bad_input_is_400(api_client, user, body):
    into = SkillFactory(user=user)

    response = api_client.post(merge(into.pk), body, format="json")

    assert response.status_code == 400
    assert "skills" in response.json()


def test_merge_into_itself_is_400_and_changes_nothing(api_client, user):
    certificate = CertificateFactory(user=user)
    skill = skill_with(user, "Python", certificates=[certificate])
    other = SkillFactory(user=user, name="Py")

    response = api_client.post(merge(skill.pk), {"skills": [other.pk, skill.pk]}, format="json")

    assert response.status_code == 400
    assert Skill.objects.owned_by(user).count() == 2
    assert list(skill.certificates.all()) == [certificate]


def test_merge_with_another_users_skill_is_400_and_moves_nothing(api_client, user, other_user):
    mine = SkillFactory(user=user, name="Python")
    theirs = skill_with(other_user, "Python", certificates=[CertificateFactory(user=other_user)])

    response = api_client.post(merge(mine.pk), {"skills": [theirs.pk]}, format="json")

    assert response.status_code == 400
    assert "skills" in response.json()
    assert Skill.objects.filter(pk=theirs.pk).exists()
    assert theirs.certificates.count() == 1 and mine.certificates.count() == 0


def test_merge_into_another_users_skill_is_404(api_client, user, other_user):
    theirs = SkillFactory(user=other_user)
    mine = SkillFactory(user=user)

    assert api_client.post(merge(theirs.pk), {"skills": [mine.pk]}, format="json").status_code == 404
    assert Skill.objects.filter(pk=mine.pk).exists()


# --- delete -------------------------------------------------------------------


def test_delete_unlinks_the_skill_and_keeps_its_evidence(api_client, user):
    certificate = CertificateFactory(user=user)
    project = ProjectFactory(user=user, skills_used="Python")
    skill = skill_with(user, "Python", certificates=[certificate], projects=[project])

    response = api_client.delete(detail(skill.pk))

    assert response.status_code == 204
    assert not Skill.objects.exists()
    assert Certificate.objects.get(pk=certificate.pk).skills.count() == 0
    project.refresh_from_db()
    assert project.skills.count() == 0 and project.skills_used == "Python"


# --- owner scoping ------------------------------------------------------------


def test_list_shows_only_own_skills(api_client, user, other_user):
    SkillFactory(user=user, name="Mine")
    SkillFactory(user=other_user, name="Theirs")

    assert names(api_client.get(LIST)) == ["Mine"]


def test_other_users_skill_is_404_and_unchanged(api_client, other_user):
    theirs = SkillFactory(user=other_user, name="Theirs")

    assert api_client.get(detail(theirs.pk)).status_code == 404
    assert api_client.patch(detail(theirs.pk), {"name": "Mine now"}, format="json").status_code == 404
    assert api_client.put(detail(theirs.pk), {"name": "Mine now"}, format="json").status_code == 404
    assert api_client.delete(detail(theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_user_in_payload_is_ignored(api_client, user, other_user):
    response = api_client.post(LIST, {"name": "Go", "user": other_user.pk}, format="json")

    assert Skill.objects.get(pk=response.json()["id"]).user == user
    assert "user" not in response.json()


def test_evidence_of_another_user_never_counts(api_client, user, other_user):
    skill = SkillFactory(user=user, name="Python")
    skill.certificates.add(CertificateFactory(user=other_user))  # only a bug elsewhere could link these
    skill.projects.add(ProjectFactory(user=other_user))

    row = api_client.get(detail(skill.pk)).json()

    assert (row["certificate_count"], row["project_count"], row["has_valid_certificate"]) == (0, 0, False)
    assert row["first_seen"] is None


# --- docs ---------------------------------------------------------------------


def test_swagger_documents_skills_under_their_own_tag(api_client):
    schema = api_client.get(reverse("api-schema"), {"format": "openapi"}).json()

    skill_operations = [
        operation
        for path, item in schema["paths"].items()
        if path.startswith("/skills/")
        for operation in item.values()
        if isinstance(operation, dict) and "tags" in operation
    ]
    assert len(skill_operations) == 7  # list, create, retrieve, update, partial_update, destroy, merge
    assert all(op["tags"] == ["Skills"] and op["summary"] for op in skill_operations)
    certificate = schema["definitions"]["Certificate"]["properties"]
    assert certificate["skills"]["type"] == "array" and certificate["skills"]["items"]["type"] == "string"
    assert {"expires_on", "is_expired", "days_until_expiry", "credential_id", "credential_url"} <= set(certificate)


# --- demo data ----------------------------------------------------------------


def test_seed_demo_gives_skills_with_evidence(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command
    from rest_framework.test import APIClient

    from users.models import User

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force", stdout=StringIO())
    client = APIClient()
    client.force_authenticate(User.objects.get(email="demo@skillfolio.dev"))

    skills = {row["name"]: row for row in client.get(LIST).json()["results"]}
    certificates = client.get(reverse("certificate-list"), {"ordering": "expires_on"}).json()["results"]

    assert skills["Python"]["certificate_count"] == 2
    assert skills["Cloud"]["has_valid_certificate"] is True
    assert skills["Django"]["has_valid_certificate"] is False
    assert skills["Django"]["project_count"] == 2  # both demo projects name it in tools_used
    assert skills["React"]["project_count"] == 1
    assert [c["is_expired"] for c in certificates] == [True, False, False]
    assert client.get(reverse("certificate-list"), {"expiring_within": 30}).json()["count"] == 1


# --- concurrency --------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_opposite_merges_at_once_give_one_200_and_lose_no_evidence():
    """A<-B and B<-A at the same moment: without row locks one of them deadlocked or hit a foreign-key error (500)."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks (SELECT ... FOR UPDATE); run with DATABASE_URL on MariaDB or PostgreSQL")
    user = UserFactory()
    for _round in range(3):
        first, second = SkillFactory(user=user), SkillFactory(user=user)
        for skill in (first, second):
            for certificate in CertificateFactory.create_batch(10, user=user):
                certificate.skills.add(skill)
        barrier = threading.Barrier(2)
        statuses = []

        def merge_into(into: Skill, source: Skill, barrier: threading.Barrier, statuses: list[int]) -> None:
            client = APIClient()
            client.force_authenticate(user)
            try:
                barrier.wait(timeout=10)
                statuses.append(client.post(merge(into.pk), {"skills": [source.pk]}, format="json").status_code)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=merge_into, args=(first, second, barrier, statuses)),
            threading.Thread(target=merge_into, args=(second, first, barrier, statuses)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        # The merge that loses is a 400 when it started in time to wait for the other's locks (its source is gone by
        # then) and a 404 when it started after the other committed (its target is gone); never a 500.
        assert sorted(statuses) in ([200, 400], [200, 404])
        survivor = Skill.objects.get(pk__in=[first.pk, second.pk])
        assert survivor.certificates.count() == 20
        survivor.delete()


def test_has_valid_certificate_follows_the_day(api_client, user):
    """A certificate that expires today backs its skill today, and no longer tomorrow, without a restart: the skills
    list builds its evidence per request, as the certificates list and the skills analytics do (found by QA: the list
    kept the day its worker started)."""
    from unittest import mock

    today = timezone.localdate()
    certificate = CertificateFactory(user=user, date_earned=today - datetime.timedelta(days=10), expires_on=today)
    certificate.skills.add(SkillFactory(user=user, name="Python"))
    assert api_client.get("/api/skills/").json()["results"][0]["has_valid_certificate"] is True

    with mock.patch("django.utils.timezone.localdate", return_value=today + datetime.timedelta(days=1)):
        assert api_client.get("/api/certificates/").json()["results"][0]["is_expired"] is True
        assert api_client.get("/api/analytics/skills/").json()["top_skills"][0]["has_valid_certificate"] is False
        assert api_client.get("/api/skills/").json()["results"][0]["has_valid_certificate"] is False
