"""Chainable reads shared by the API, the admin, selectors and seed_demo."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, Greatest, Least, Round, TruncDate
from django.utils import timezone

if TYPE_CHECKING:
    from users.models import User


class OwnedQuerySet(models.QuerySet):
    """Rows that belong to one user. `owner_lookup` is the path from the row to its owner."""

    owner_lookup = "user"

    def owned_by(self, user: User) -> OwnedQuerySet:
        """Only the rows `user` owns: the one definition of "owned" for every model."""
        return self.filter(**{self.owner_lookup: user})


class CertificateQuerySet(OwnedQuerySet):
    def with_project_count(self) -> CertificateQuerySet:
        """Annotate project_count: the owner's projects linked to each certificate, in the list query itself.

        A correlated subquery rather than a JOIN + GROUP BY: the database then walks the (user, -date_earned, -id)
        index and counts only for the rows of the page, and the paginator's COUNT(*) drops it altogether.
        """
        projects = self.model._meta.get_field("projects").related_model
        linked = (
            projects.objects.filter(certificate=OuterRef("pk"), user=OuterRef("user"))
            .order_by()
            .values("certificate")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(project_count=Coalesce(Subquery(linked), 0))

    def expired(self) -> CertificateQuerySet:
        """Certificates whose expires_on day has passed (one that expires today is still valid today)."""
        return self.filter(certificate_expired())

    def valid(self) -> CertificateQuerySet:
        """Certificates that never expire or have not expired yet."""
        return self.exclude(certificate_expired())

    def expiring_within(self, days: int) -> CertificateQuerySet:
        """Still valid, and expiring between today and `days` days from now (both ends included)."""
        return self.filter(certificate_expiring_within(days))


def certificate_expired() -> Q:
    """The condition "this certificate has expired", for filters and aggregates (Count(..., filter=...)) alike."""
    return Q(expires_on__lt=timezone.localdate())


def certificate_expiring_within(days: int) -> Q:
    """Still valid and expiring between today and `days` days from now, both ends included."""
    today = timezone.localdate()
    return Q(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days))


class ProjectQuerySet(OwnedQuerySet):
    pass


class GoalQuerySet(OwnedQuerySet):
    def with_progress(self, *, today: datetime.date | None = None, owner: User | None = None) -> GoalQuerySet:
        """Annotate every computed goal field in the list query itself: the one place the progress maths lives.

        - steps_total / steps_completed: the named steps when the goal has any, else the manual counters;
        - progress_percent: the owner's completed projects against target_projects, 0-100, two decimals;
        - projects_progress_percent: the manual completed_projects counter against target_projects, integer;
        - steps_progress_percent: steps_completed against steps_total, integer (0 without a checklist);
        - overall_progress_percent: the mean of the projects and steps parts, integer; without a checklist it is
          the projects part alone. The projects part is the better of the two project measures;
        - status: achieved / expired / on_track, as the API documents it.
        Integer percents are floored, so 100 means done and never "nearly done".

        Pass `owner` to keep only that user's goals: their owner's completed projects are then counted once per
        query rather than once per goal row (the expressions below repeat that count several times per row).
        """
        from users.models import GoalStep, Project

        today = today or timezone.localdate()
        queryset = self
        if owner is not None:
            queryset = self.owned_by(owner)
            projects_of_owner = Project.objects.filter(user=owner)
        else:
            projects_of_owner = Project.objects.filter(user=OuterRef("user"))
        completed_projects_of_owner = (
            projects_of_owner.filter(status=Project.Status.COMPLETED)
            .order_by()
            .values("user")
            .annotate(n=Count("*"))  # COUNT(*): answered from the (user, status) index alone
            .values("n")
        )
        named_steps = GoalStep.objects.filter(goal=OuterRef("pk")).order_by().values("goal")
        return (
            queryset.annotate(
                owner_completed_projects=Coalesce(Subquery(completed_projects_of_owner), 0),
                named_steps_total=Coalesce(Subquery(named_steps.annotate(n=Count("id")).values("n")), 0),
                named_steps_done=Coalesce(
                    Subquery(named_steps.filter(is_done=True).annotate(n=Count("id")).values("n")), 0
                ),
            )
            .annotate(
                steps_total=Case(
                    When(named_steps_total__gt=0, then=F("named_steps_total")),
                    default=F("total_steps"),
                    output_field=IntegerField(),
                ),
                steps_completed=Case(
                    When(named_steps_total__gt=0, then=F("named_steps_done")),
                    default=F("completed_steps"),
                    output_field=IntegerField(),
                ),
            )
            .annotate(
                progress_percent=Least(
                    Round(_ratio(F("owner_completed_projects"), F("target_projects")), 2), Value(100.0)
                ),
                projects_progress_percent=Least(
                    _floored_percent(F("completed_projects"), F("target_projects")), Value(100)
                ),
                steps_progress_percent=Case(
                    When(steps_total=0, then=Value(0)),
                    default=Least(_floored_percent(F("steps_completed"), F("steps_total")), Value(100)),
                    output_field=IntegerField(),
                ),
                target_met=Case(
                    When(
                        Q(owner_completed_projects__gte=F("target_projects"))
                        | Q(completed_projects__gte=F("target_projects")),
                        then=Value(True),
                    ),
                    default=Value(False),
                    output_field=models.BooleanField(),
                ),
            )
            .annotate(
                projects_part=Greatest(
                    F("projects_progress_percent"),
                    Least(_floored_percent(F("owner_completed_projects"), F("target_projects")), Value(100)),
                ),
            )
            .annotate(
                overall_progress_percent=Case(
                    When(steps_total=0, then=F("projects_part")),
                    default=Cast(
                        Floor((F("projects_part") + F("steps_progress_percent")) / Value(2.0)), IntegerField()
                    ),
                    output_field=IntegerField(),
                ),
                status=Case(
                    When(
                        Q(target_met=True) & (Q(steps_total=0) | Q(steps_completed__gte=F("steps_total"))),
                        then=Value(GOAL_ACHIEVED),
                    ),
                    When(deadline__lt=today, then=Value(GOAL_EXPIRED)),
                    default=Value(GOAL_ON_TRACK),
                    output_field=models.CharField(),
                ),
            )
        )


GOAL_ACHIEVED, GOAL_EXPIRED, GOAL_ON_TRACK = "achieved", "expired", "on_track"
GOAL_STATUSES = [GOAL_ACHIEVED, GOAL_EXPIRED, GOAL_ON_TRACK]


def _ratio(part, whole) -> Cast:
    """part / whole * 100 as a float (whole is never 0 where this is used)."""
    return Cast(part, FloatField()) * Value(100.0) / Cast(whole, FloatField())


def _floored_percent(part, whole) -> Cast:
    return Cast(Floor(_ratio(part, whole)), IntegerField())


class GoalStepQuerySet(OwnedQuerySet):
    owner_lookup = "goal__user"


class SkillQuerySet(OwnedQuerySet):
    def with_evidence(self) -> SkillQuerySet:
        """Annotate what backs each skill, in the list query itself (no query per skill).

        certificate_count, project_count and evidence_count (their sum); first_seen and last_seen, the earliest and
        latest evidence date (a certificate's date_earned; a project's end_date, else start_date, else the day it was
        created); has_valid_certificate, whether a certificate that has not expired carries the skill. Only the
        owner's own certificates and projects count.
        """
        from users.models import Certificate

        own_certificates = Q(certificates__user=F("user"))
        own_projects = Q(projects__user=F("user"))
        project_date = Coalesce("projects__end_date", "projects__start_date", TruncDate("projects__date_created"))
        first_certificate = Min("certificates__date_earned", filter=own_certificates)
        first_project = Min(project_date, filter=own_projects)
        last_certificate = Max("certificates__date_earned", filter=own_certificates)
        last_project = Max(project_date, filter=own_projects)
        certificate_count = Count("certificates", filter=own_certificates, distinct=True)
        project_count = Count("projects", filter=own_projects, distinct=True)
        return self.annotate(
            certificate_count=certificate_count,
            project_count=project_count,
            evidence_count=certificate_count + project_count,
            # LEAST/GREATEST give NULL on some backends when one side is NULL, so each side falls back on the other
            first_seen=Least(Coalesce(first_certificate, first_project), Coalesce(first_project, first_certificate)),
            last_seen=Greatest(Coalesce(last_certificate, last_project), Coalesce(last_project, last_certificate)),
            has_valid_certificate=Exists(
                Certificate.objects.valid().filter(skills=OuterRef("pk"), user=OuterRef("user"))
            ),
        )
