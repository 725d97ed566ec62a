"""Skills on projects: the `skills` names, the skills_used/tools_used text parsed on every write, ?skill=."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from users.models import Project, Skill
from users.tests.factories import ProjectFactory, SkillFactory

pytestmark = pytest.mark.django_db

LIST = reverse("project-list")
SKILLS = reverse("skill-list")


def detail(pk: int) -> str:
    return reverse("project-detail", args=[pk])


def spa_body(**fields) -> dict:
    """The keys the SPA's project form always sends."""
    return {
        "title": "Habit tracker",
        "description": "",
        "certificate": None,
        "status": "in_progress",
        "work_type": None,
        "primary_goal": None,
        "tools_used": "",
        "skills_used": "",
        "problem_solved": "",
        "challenges_short": "",
        "skills_to_improve": "",
        "start_date": str(timezone.localdate() - datetime.timedelta(days=3)),
        **fields,
    }


def test_spa_create_turns_skills_used_and_tools_used_into_skills_and_keeps_the_text(api_client, user):
    response = api_client.post(
        LIST, spa_body(skills_used="React, Zustand; tailwind", tools_used="VS Code, react"), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["skills"] == ["React", "tailwind", "VS Code", "Zustand"]
    assert (body["skills_used"], body["tools_used"]) == ("React, Zustand; tailwind", "VS Code, react")
    assert Skill.objects.owned_by(user).count() == 4


def test_skills_names_and_text_together_in_any_case_reuse_existing_skills(api_client, user):
    react = SkillFactory(user=user, name="React")

    body = api_client.post(LIST, spa_body(skills=["REACT", "Testing"], skills_used="react"), format="json").json()

    assert body["skills"] == ["React", "Testing"]
    assert Skill.objects.owned_by(user).count() == 2
    assert list(react.projects.values_list("pk", flat=True)) == [body["id"]]


def test_patch_parses_new_text_and_skills_replaces_the_list(api_client, user):
    project_id = api_client.post(LIST, spa_body(skills_used="Django"), format="json").json()["id"]

    texted = api_client.patch(detail(project_id), {"tools_used": "Docker, DRF"}, format="json")
    replaced = api_client.patch(detail(project_id), {"skills": ["Kubernetes"]}, format="json")
    untouched = api_client.patch(detail(project_id), {"title": "Renamed"}, format="json")

    assert texted.json()["skills"] == ["Django", "Docker", "DRF"]
    assert replaced.json()["skills"] == ["Django", "Docker", "DRF", "Kubernetes"]  # the text's names stay linked
    assert untouched.json()["skills"] == ["Django", "Docker", "DRF", "Kubernetes"]


def test_explicit_skills_without_text_can_be_cleared(api_client):
    project_id = api_client.post(LIST, spa_body(skills=["Figma"]), format="json").json()["id"]

    cleared = api_client.patch(detail(project_id), {"skills": []}, format="json")

    assert cleared.json()["skills"] == []


def test_bad_skill_name_is_400_and_creates_nothing(api_client):
    response = api_client.post(LIST, spa_body(skills=["x" * 101]), format="json")

    assert response.status_code == 400
    assert "skills" in response.json()
    assert not Project.objects.exists() and not Skill.objects.exists()


def test_refused_project_creates_no_skill(api_client):
    response = api_client.post(LIST, spa_body(status="bogus", skills_used="React"), format="json")

    assert response.status_code == 400
    assert not Skill.objects.exists()


def test_skill_filter_by_id_or_name(api_client, user, other_user):
    react = api_client.post(LIST, spa_body(title="A", skills_used="React"), format="json").json()["id"]
    api_client.post(LIST, spa_body(title="B", skills_used="Vue"), format="json")
    skill = Skill.objects.owned_by(user).get(name="React")
    theirs = SkillFactory(user=other_user, name="React")
    ProjectFactory(user=other_user).skills.add(theirs)

    def ids(value) -> list[int]:
        return [row["id"] for row in api_client.get(LIST, {"skill": value}).json()["results"]]

    assert ids(skill.pk) == [react]
    assert ids(" react ") == [react]
    assert ids(theirs.pk) == []


def test_project_evidence_shows_on_the_skill(api_client):
    body = spa_body(
        status="completed",
        skills_used="React",
        start_date="2024-01-01",
        end_date="2024-02-15",
    )
    api_client.post(LIST, body, format="json")

    [skill] = api_client.get(SKILLS).json()["results"]

    assert (skill["name"], skill["project_count"], skill["last_seen"]) == ("React", 1, "2024-02-15")


def test_list_query_count_is_the_same_for_3_and_30_projects_with_skills(api_client, user, django_assert_num_queries):
    skills = [SkillFactory(user=user) for _ in range(3)]
    for rows in (3, 30):
        Project.objects.all().delete()
        for project in ProjectFactory.create_batch(rows, user=user):
            project.skills.set(skills)

        with django_assert_num_queries(1):  # the page, with its skill names and the pager's total
            response = api_client.get(LIST, {"page_size": 100})

        assert [len(row["skills"]) for row in response.json()["results"]] == [3] * rows


def test_skill_filter_with_a_superscript_digit_is_a_name_not_a_500(api_client, user):
    ProjectFactory(user=user)

    response = api_client.get(LIST, {"skill": "²"})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_more_than_50_skills_in_one_project_is_400_and_nothing_is_created(api_client, user):
    names = ", ".join(f"skill {n}" for n in range(51))

    response = api_client.post(LIST, {"title": "Too many", "skills_used": names}, format="json")

    assert response.status_code == 400
    assert "skills" in response.json()
    assert not Project.objects.exists() and not Skill.objects.exists()


def test_overlong_guided_text_and_description_are_400(api_client, user):
    too_long_answer = api_client.post(LIST, {"title": "T", "challenges_short": "x" * 2001}, format="json")
    too_long_description = api_client.post(LIST, {"title": "T", "description": "x" * 20_001}, format="json")

    assert too_long_answer.status_code == 400 and "challenges_short" in too_long_answer.json()
    assert too_long_description.status_code == 400 and "description" in too_long_description.json()
    assert not Project.objects.exists()


def test_an_item_that_is_not_a_name_is_a_400_keyed_by_its_index(api_client):
    """A list field's errors are keyed by the item's position; the JSON renderer writes that key as a string."""
    response = api_client.post(LIST, spa_body(skills=["Python", {"name": "SQL"}]), format="json")

    assert response.status_code == 400
    assert response.json() == {"skills": {"1": ["Not a valid string."]}}
    assert not Project.objects.exists()
