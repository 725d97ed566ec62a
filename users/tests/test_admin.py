import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from users.admin import GoalAdmin
from users.models import Goal, GoalStep, Project
from users.tests.factories import CertificateFactory, GoalFactory, GoalStepFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def changelist_queries(client, model: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:users_{model}_changelist"))
    assert response.status_code == 200
    return len(queries)


def fill(user, rows: int) -> None:
    for _ in range(rows):
        certificate = CertificateFactory(user=user)
        ProjectFactory(user=user, certificate=certificate)
        GoalStepFactory(goal=GoalFactory(user=user), is_done=True)


@pytest.mark.parametrize("model", ["certificate", "project", "goal", "goalstep"])
def test_admin_lists_cost_the_same_for_3_and_30_rows(admin_client, admin_user, user, model):
    fill(user, 3)
    few = changelist_queries(admin_client, model)
    fill(user, 27)

    assert changelist_queries(admin_client, model) == few


def test_goal_list_shows_steps_progress(admin_client, user):
    goal = GoalFactory(user=user, title="Ship it")
    GoalStepFactory(goal=goal, is_done=True)
    GoalStepFactory(goal=goal)

    page = admin_client.get(reverse("admin:users_goal_changelist")).content.decode()

    assert "1/2 (50%)" in page


def test_goal_list_sorts_by_steps_progress_as_the_figure_ranks(admin_client, user):
    for total, done in [(3, 1), (0, 0), (4, 4), (2, 1), (100, 33)]:
        goal = GoalFactory(user=user, title=f"{done} of {total}")
        for index in range(total):
            GoalStepFactory(goal=goal, is_done=index < done)
    column = GoalAdmin.list_display.index("steps_progress") + 1

    for order in (str(column), f"-{column}"):
        response = admin_client.get(reverse("admin:users_goal_changelist"), {"o": order})
        shown = [goal.steps_progress_percent for goal in response.context["cl"].result_list]

        assert shown == sorted(shown, reverse=order.startswith("-")) and len(shown) == 5


def test_certificate_page_shows_its_linked_projects(admin_client, user):
    certificate = CertificateFactory(user=user)
    ProjectFactory(user=user, certificate=certificate, title="Linked one")

    page = admin_client.get(reverse("admin:users_certificate_change", args=[certificate.pk])).content.decode()

    assert "Linked projects" in page and "Linked one" in page
    assert "Basic info" in page and "Links" in page


def test_project_admin_save_goes_through_the_service(admin_client, user):
    response = admin_client.post(
        reverse("admin:users_project_add"),
        {"user": user.pk, "title": "From admin", "status": "planned", "work_type": "team", "description": ""},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get()
    assert project.description == "From admin is a planned team project."
    page = admin_client.get(reverse("admin:users_project_change", args=[project.pk])).content.decode()
    assert "Guided fields" in page


def goal_form(goal_user, deadline, steps=(), **extra) -> dict:
    data = {
        "user": goal_user.pk,
        "title": "Admin goal",
        "target_projects": 2,
        "completed_projects": 0,
        "deadline": str(deadline),
        "total_steps": 0,
        "completed_steps": 0,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for index, (title, done) in enumerate(steps):
        data[f"steps-{index}-title"] = title
        data[f"steps-{index}-order"] = index
        if done:
            data[f"steps-{index}-is_done"] = "on"
    return {**data, **extra}


def test_goal_admin_with_inline_steps_keeps_counters(admin_client, user):
    deadline = timezone.localdate() + datetime.timedelta(days=10)

    response = admin_client.post(
        reverse("admin:users_goal_add"), goal_form(user, deadline, [("One", True), ("Two", False)])
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    goal = Goal.objects.get()
    assert (goal.total_steps, goal.completed_steps) == (2, 1)
    assert GoalStep.objects.filter(goal=goal).count() == 2
    page = admin_client.get(reverse("admin:users_goal_change", args=[goal.pk])).content.decode()
    assert "One" in page and "follow the steps" in page


def test_goal_admin_refuses_a_past_deadline_with_the_api_message(admin_client, user):
    response = admin_client.post(reverse("admin:users_goal_add"), goal_form(user, datetime.date(2000, 1, 1)))

    assert response.status_code == 200
    assert "deadline cannot be in the past." in response.content.decode()
    assert not Goal.objects.exists()


def test_goal_admin_bulk_delete_of_steps_recounts(admin_client, user):
    goal = GoalFactory(user=user)
    steps = GoalStepFactory.create_batch(3, goal=goal)

    admin_client.post(
        reverse("admin:users_goalstep_changelist"),
        {"action": "delete_selected", "_selected_action": [steps[0].pk, steps[1].pk], "post": "yes"},
    )

    goal.refresh_from_db()
    assert (goal.total_steps, GoalStep.objects.count()) == (1, 1)


def test_admin_goal_status_per_owner(admin_client, user, other_user):
    past = timezone.localdate() - datetime.timedelta(days=1)
    GoalFactory(user=user, title="zero-expired", target_projects=1, deadline=past)
    GoalFactory(user=user, title="zero-on-track", target_projects=1, deadline=past + datetime.timedelta(days=5))
    GoalFactory(user=other_user, title="two-achieved", target_projects=2, deadline=past)
    ProjectFactory.create_batch(2, user=other_user, status="completed")
    column = GoalAdmin.list_display.index("status") + 1

    for order in (str(column), f"-{column}"):
        response = admin_client.get(reverse("admin:users_goal_changelist"), {"o": order})
        assert response.status_code == 200
        shown = {goal.title: (goal.status, goal.progress_percent) for goal in response.context["cl"].result_list}
        assert shown == {
            "zero-expired": ("expired", 0.0),
            "zero-on-track": ("on_track", 0.0),
            "two-achieved": ("achieved", 100.0),
        }
    response = admin_client.get(reverse("admin:users_goal_changelist"), {"q": "zero"})
    assert response.context["cl"].result_count == 2


def test_admin_goal_change_view_and_bulk_delete(admin_client, user, other_user):
    keep = GoalFactory(user=other_user, title="keep")
    goals = GoalFactory.create_batch(3, user=user)
    GoalStepFactory(goal=goals[0])
    ProjectFactory(user=user, status="completed")
    assert admin_client.get(reverse("admin:users_goal_change", args=[goals[0].pk])).status_code == 200
    url = reverse("admin:users_goal_changelist")
    for params in ({"deadline__gte": str(timezone.localdate())}, {"o": "-8.1"}, {"q": "zzz"}, {"p": "0"}):
        assert admin_client.get(url, params).status_code == 200
    response = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": [goal.pk for goal in goals], "post": "yes"}
    )
    assert response.status_code == 302
    assert list(Goal.objects.values_list("title", flat=True)) == ["keep"] and keep.pk
