"""Skill services the project API builds on, and the data migration that links existing projects' text."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from users.models import Skill
from users.services import project_sync_skills, skill_merge, skills_for_names
from users.tests.factories import ProjectFactory, SkillFactory

pytestmark = pytest.mark.django_db

link_text_skills = importlib.import_module("users.migrations.0004_project_text_skills").link_text_skills


def skill_names(project) -> list[str]:
    return sorted(project.skills.values_list("name", flat=True))


def test_skills_for_names_reuses_in_any_case_and_keeps_order(user):
    python = SkillFactory(user=user, name="Python")

    skills = skills_for_names(user=user, names=["SQL", " PYTHON", "sql", ""])

    assert [skill.name for skill in skills] == ["SQL", "Python"]
    assert skills[1] == python
    assert Skill.objects.owned_by(user).count() == 2


def test_project_sync_links_text_and_explicit_names_and_keeps_the_text(user):
    project = ProjectFactory(user=user, skills_used="React, Zustand; tailwind", tools_used="VS Code, react")

    project_sync_skills(project=project, skills=["Testing"])

    assert skill_names(project) == ["React", "Testing", "VS Code", "Zustand", "tailwind"]
    project.refresh_from_db()
    assert project.skills_used == "React, Zustand; tailwind"


def test_project_sync_without_names_keeps_current_skills_and_adds_the_texts(user):
    project = ProjectFactory(user=user, skills_used="Django")
    project_sync_skills(project=project, skills=["Docker"])
    project.skills_used = "Django, DRF"

    project_sync_skills(project=project)

    assert skill_names(project) == ["DRF", "Django", "Docker"]


def test_project_sync_leaves_out_prose_too_long_for_a_name(user):
    project = ProjectFactory(user=user, skills_used="Python, " + "a very long sentence " * 10)

    project_sync_skills(project=project)

    assert skill_names(project) == ["Python"]


def test_merge_refuses_skills_of_two_users(user, other_user):
    with pytest.raises(ValidationError):
        skill_merge(into=SkillFactory(user=user), skills=[SkillFactory(user=other_user)])


def test_data_migration_links_existing_projects_text_once(user, other_user):
    SkillFactory(user=user, name="Python")
    mine = ProjectFactory(user=user, skills_used="python, Pandas", tools_used="Jupyter; pandas")
    theirs = ProjectFactory(user=other_user, skills_used="Python")
    empty = ProjectFactory(user=user)

    link_text_skills(apps, None)
    link_text_skills(apps, None)  # running again changes nothing

    assert skill_names(mine) == ["Jupyter", "Pandas", "Python"]
    assert skill_names(theirs) == ["Python"]
    assert skill_names(empty) == []
    assert Skill.objects.owned_by(user).count() == 3
    mine.refresh_from_db()
    assert mine.skills_used == "python, Pandas"
