"""The Django admin for skills and certificates' skills: same rules as the API, no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from users.models import Certificate, Project, Skill
from users.tests.factories import CertificateFactory, ProjectFactory, SkillFactory

pytestmark = pytest.mark.django_db


def certificate_form(certificate: Certificate, **changes) -> dict:
    return {
        "user": certificate.user_id,
        "title": certificate.title,
        "issuer": certificate.issuer,
        "date_earned": str(certificate.date_earned),
        "expires_on": "",
        "credential_id": "",
        "credential_url": "",
        "projects-TOTAL_FORMS": "0",  # the read-only inline of linked projects, when the admin shows one
        "projects-INITIAL_FORMS": "0",
        **changes,
    }


def test_skill_changelist_shows_counts_without_a_query_per_row(admin_client, user):
    certificates = CertificateFactory.create_batch(2, user=user)
    project = ProjectFactory(user=user)

    def page_queries(rows: int) -> int:
        Skill.objects.all().delete()
        for n in range(rows):
            skill = SkillFactory(user=user, name=f"Skill {n:02}")
            skill.certificates.set(certificates)
            skill.projects.set([project])
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse("admin:users_skill_changelist"))
        assert response.status_code == 200
        return len(queries)

    assert page_queries(3) == page_queries(30)


def test_skill_admin_refuses_a_name_the_owner_has_in_another_case(admin_client, user):
    SkillFactory(user=user, name="Python")

    response = admin_client.post(reverse("admin:users_skill_add"), {"user": user.pk, "name": " PYTHON "})

    assert response.status_code == 200  # the form again, with the error
    assert "already have the skill" in response.content.decode()
    assert Skill.objects.count() == 1


def test_skill_admin_renames_through_the_service(admin_client, user):
    skill = SkillFactory(user=user, name="js")

    response = admin_client.post(
        reverse("admin:users_skill_change", args=[skill.pk]), {"user": user.pk, "name": "  JavaScript "}
    )

    assert response.status_code == 302
    skill.refresh_from_db()
    assert (skill.name, skill.normalized_name) == ("JavaScript", "javascript")


def test_certificate_admin_links_own_skills_and_refuses_another_users(admin_client, user, other_user):
    certificate = CertificateFactory(user=user)
    mine = SkillFactory(user=user, name="Python")
    theirs = SkillFactory(user=other_user, name="Rust")
    url = reverse("admin:users_certificate_change", args=[certificate.pk])

    refused = admin_client.post(url, certificate_form(certificate, skills=[mine.pk, theirs.pk]))
    saved = admin_client.post(url, certificate_form(certificate, skills=[mine.pk], credential_id="X-1"))

    assert refused.status_code == 200 and "Not skills of" in refused.content.decode()
    assert saved.status_code == 302
    certificate.refresh_from_db()
    assert list(certificate.skills.all()) == [mine]
    assert certificate.credential_id == "X-1"


def test_certificate_admin_refuses_an_ftp_credential_url(admin_client, user):
    certificate = CertificateFactory(user=user)

    response = admin_client.post(
        reverse("admin:users_certificate_change", args=[certificate.pk]),
        certificate_form(certificate, credential_url="ftp://example.com/c"),
    )

    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.credential_url == ""


def test_project_admin_links_picked_skills_and_the_names_in_its_text(admin_client, user, other_user):
    figma = SkillFactory(user=user, name="Figma")
    theirs = SkillFactory(user=other_user, name="Rust")
    form = {
        "user": user.pk,
        "title": "From admin",
        "status": "planned",
        "skills_used": "React, figma",
        "tools_used": "",
    }

    refused = admin_client.post(reverse("admin:users_project_add"), {**form, "skills": [theirs.pk]})
    saved = admin_client.post(reverse("admin:users_project_add"), {**form, "skills": [figma.pk]})

    assert refused.status_code == 200 and "Not skills of" in refused.content.decode()
    assert saved.status_code == 302
    project = Project.objects.get()
    assert sorted(project.skills.values_list("name", flat=True)) == ["Figma", "React"]
    assert project.skills_used == "React, figma"
