"""Cross-model reads for the dashboard. The goal figures come from GoalQuerySet.with_progress(), never recomputed."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from users.models import Certificate, Goal, Project, User
from users.querysets import GOAL_ACHIEVED, GOAL_ON_TRACK

GOAL_PROGRESS_FIELDS = [
    "id",
    "title",
    "target_projects",
    "deadline",
    "status",
    "progress_percent",
    "projects_progress_percent",
    "steps_progress_percent",
    "overall_progress_percent",
]


def analytics_summary(*, user: User) -> dict[str, Any]:
    """Counts for the dashboard, in three queries: certificates, projects by status, goals by status."""
    certificates_count = Certificate.objects.owned_by(user).count()
    by_status = dict.fromkeys(Project.Status.values, 0)
    for row in Project.objects.owned_by(user).order_by().values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    goals = (
        Goal.objects.owned_by(user)
        .with_progress()
        .aggregate(
            total=Count("id"),
            achieved=Count("id", filter=Q(status=GOAL_ACHIEVED)),
            on_track=Count("id", filter=Q(status=GOAL_ON_TRACK)),
        )
    )
    return {
        "certificates_count": certificates_count,
        "projects_count": sum(by_status.values()),
        "goals_count": goals["total"],
        "goals_completed_count": goals["achieved"],
        "goals_in_progress_count": goals["on_track"],
        # floored like every other integer percent: 100 only once every goal is achieved
        "goals_completion_rate_percent": goals["achieved"] * 100 // goals["total"] if goals["total"] else 0,
        "projects_by_status": by_status,
    }


def analytics_goals_progress(*, user: User) -> list[dict[str, Any]]:
    """The user's goals with their progress figures, newest first, in one query."""
    return list(
        Goal.objects.owned_by(user).with_progress().order_by("-created_at", "-id").values(*GOAL_PROGRESS_FIELDS)
    )
