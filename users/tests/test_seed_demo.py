from io import StringIO

import pytest
from django.core.management import call_command

from users.models import Goal, Project, User
from users.services import project_build_description

pytestmark = pytest.mark.django_db


def seed() -> User:
    call_command("seed_demo", "--force", stdout=StringIO())
    return User.objects.get(email="demo@skillfolio.dev")


def test_seed_demo_adds_projects_and_a_goal_with_steps_and_stays_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed()
        demo = seed()

    projects = Project.objects.owned_by(demo)
    assert projects.count() == 2
    linked = projects.get(certificate__isnull=False)
    assert linked.certificate.user == demo
    assert linked.duration_text == "3 weeks"
    generated = projects.get(certificate__isnull=True)
    assert generated.description == project_build_description(generated)
    assert generated.description.startswith("Portfolio Dashboard is a team project in progress.")
    goal = Goal.objects.owned_by(demo).with_progress().get()
    assert (goal.total_steps, goal.completed_steps) == (3, 2)
    assert (goal.steps_progress_percent, goal.progress_percent) == (66, 33.33)


def test_fixture_loads_into_a_fresh_database_with_consistent_counters(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # the fixture's real hash
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "seed.json", stdout=StringIO())

    demo = User.objects.get(email="demo@skillfolio.dev")
    goal = Goal.objects.owned_by(demo).with_progress().get()
    named = (goal.steps.count(), goal.steps.filter(is_done=True).count())
    assert (goal.total_steps, goal.completed_steps) == named == (2, 1)  # the API reads the counters
    project = Project.objects.owned_by(demo).get()
    assert project.certificate.user == demo
    assert project.description == project_build_description(project)
