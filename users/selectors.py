"""Cross-model reads for the dashboard. The goal figures come from GoalQuerySet.with_progress(), never recomputed."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from users.models import Certificate, Goal, Project, Skill, User
from users.querysets import GOAL_ACHIEVED, GOAL_ON_TRACK

TOP_SKILL_FIELDS = [
    "id",
    "name",
    "certificate_count",
    "project_count",
    "evidence_count",
    "first_seen",
    "last_seen",
    "has_valid_certificate",
]

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


EXPIRING_SOON_DAYS = 30


def analytics_summary(*, user: User) -> dict[str, Any]:
    """Counts for the dashboard, in two queries: every count of rows (certificates with expiry, skills, projects by
    status) as scalar subqueries of one statement, then the goals by their computed status."""
    certificates = Certificate.objects.owned_by(user)
    projects = Project.objects.owned_by(user)
    counts = (
        User.objects.filter(pk=user.pk)
        .values(
            certificates_count=_count(certificates),
            certificates_expired=_count(certificates.expired()),
            certificates_expiring=_count(certificates.expiring_within(EXPIRING_SOON_DAYS)),
            skills_count=_count(Skill.objects.owned_by(user)),
            **{f"projects_{status}": _count(projects.filter(status=status)) for status in Project.Status.values},
        )
        .get()
    )
    by_status = {status: counts[f"projects_{status}"] for status in Project.Status.values}
    goals = Goal.objects.with_progress(owner=user).aggregate(
        total=Count("id"),
        achieved=Count("id", filter=Q(status=GOAL_ACHIEVED)),
        on_track=Count("id", filter=Q(status=GOAL_ON_TRACK)),
    )
    return {
        "certificates_count": counts["certificates_count"],
        "certificates_expired": counts["certificates_expired"],
        "certificates_expiring_within_30_days": counts["certificates_expiring"],
        "skills_count": counts["skills_count"],
        "projects_count": sum(by_status.values()),
        "goals_count": goals["total"],
        "goals_completed_count": goals["achieved"],
        "goals_in_progress_count": goals["on_track"],
        # floored like every other integer percent: 100 only once every goal is achieved
        "goals_completion_rate_percent": goals["achieved"] * 100 // goals["total"] if goals["total"] else 0,
        "projects_by_status": by_status,
    }


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of one user's rows as a scalar subquery (0 when there are none), to fold several counts into one
    statement."""
    return Coalesce(Subquery(queryset.order_by().values("user").annotate(n=Count("*")).values("n")), 0)


def analytics_goals_progress(*, user: User) -> list[dict[str, Any]]:
    """The user's goals with their progress figures, newest first, in one query."""
    goals = Goal.objects.with_progress(owner=user).order_by("-created_at", "-id")
    return [{name: getattr(goal, name) for name in GOAL_PROGRESS_FIELDS} for goal in goals]


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    """The first day of the month `months_back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def analytics_skills(*, user: User, top: int = 10, months: int = 12) -> dict[str, Any]:
    """Top skills by evidence and a month-by-month timeline of certificates earned and projects completed.

    Three queries whatever the data: the top skills (figures annotated), certificates per month, projects per month.
    The timeline covers the current month and the `months - 1` before it, oldest first; a month with nothing is 0.
    A completed project counts in the month of its end_date (else the month it was last updated).
    """
    today = timezone.localdate()
    first_month = _month_start(today, months - 1)
    top_skills = list(
        Skill.objects.owned_by(user)
        .with_evidence()
        .filter(evidence_count__gt=0)
        .order_by("-evidence_count", "normalized_name", "id")
        .values(*TOP_SKILL_FIELDS)[:top]
    )
    certificates = (
        Certificate.objects.owned_by(user)
        .filter(date_earned__gte=first_month, date_earned__lte=today)
        .annotate(month=TruncMonth("date_earned"))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
    )
    completed_on = Coalesce("end_date", TruncDate("updated_at"))
    projects = (
        Project.objects.owned_by(user)
        .filter(status=Project.Status.COMPLETED)
        .annotate(completed_on=completed_on)
        .filter(completed_on__gte=first_month, completed_on__lte=today)
        .annotate(month=TruncMonth("completed_on"))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
    )
    certificates_by_month = {_as_month(row["month"]): row["n"] for row in certificates}
    projects_by_month = {_as_month(row["month"]): row["n"] for row in projects}
    timeline = []
    for back in range(months - 1, -1, -1):
        month = _month_start(today, back)
        timeline.append(
            {
                "month": month.strftime("%Y-%m"),
                "certificates_earned": certificates_by_month.get(month, 0),
                "projects_completed": projects_by_month.get(month, 0),
            }
        )
    return {"top_skills": top_skills, "timeline": timeline}


def _as_month(value: datetime.date | datetime.datetime) -> datetime.date:
    """TruncMonth gives a date on some backends and a datetime on others; the timeline keys on the date."""
    return value.date() if isinstance(value, datetime.datetime) else value
