"""Chainable reads shared by the API, the admin, selectors and seed_demo."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import (
    Aggregate,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    JSONField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, JSONObject, Least, TruncDate
from django.utils import timezone

if TYPE_CHECKING:
    from users.models import User


class OwnedQuerySet(models.QuerySet):
    """Rows that belong to one user. `owner_lookup` is the path from the row to its owner."""

    owner_lookup = "user"

    def owned_by(self, user: User | int) -> OwnedQuerySet:
        """Only the rows `user` (a User or a user id) owns: the one definition of "owned" for every model."""
        return self.filter(**{self.owner_lookup: user})


class KeepsItsSQL:
    """For an expression built once and compiled on every request (an annotation of a queryset a class or a cache
    keeps): it keeps the SQL it compiled to, per database.

    Compiling the list statements' correlated subqueries and the goal status CASE again on every request was about a
    tenth of a small goals page. An expression's SQL follows from its own tree and the database alone: the columns of
    the outer query are resolved into it with their aliases. Django never changes an expression in place: resolving
    it, relabelling it into a subquery or replacing its parts makes a copy, and a copy starts without kept SQL.
    """

    def as_sql(self, compiler, connection, *args, **extra):
        if args or extra:  # a caller asking for another template gets it compiled for it
            return super().as_sql(compiler, connection, *args, **extra)
        kept = self.__dict__.get("_kept_sql")
        if kept is None or kept[0] != connection.alias:
            sql, params = super().as_sql(compiler, connection)
            kept = self._kept_sql = (connection.alias, sql, tuple(params))
        return kept[1], list(kept[2])  # a new list: callers may extend it

    def copy(self):
        copied = super().copy()
        copied.__dict__.pop("_kept_sql", None)
        return copied

    def set_source_expressions(self, exprs):
        self.__dict__.pop("_kept_sql", None)
        super().set_source_expressions(exprs)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_kept_sql", None)
        return state


class KeptSubquery(KeepsItsSQL, Subquery):
    """A Subquery that keeps its SQL (KeepsItsSQL)."""


class KeptCase(KeepsItsSQL, Case):
    """A Case that keeps its SQL (KeepsItsSQL)."""


class CountRows(Func):
    """COUNT(*) as a plain expression: Django's Count is an aggregate, and annotating one would GROUP BY the rows.

    For a subquery's SELECT: it answers one row, 0 when nothing matches, so it needs no GROUP BY and no COALESCE.
    COUNT(*), not COUNT(id): PostgreSQL answers COUNT(*) from an index alone, while COUNT(id) visits every counted
    row's table page to see that its id is not NULL (0.7 ms against 0.2 ms for 1,600 rows of one user).
    """

    template = "COUNT(*)"
    output_field = IntegerField()


class JSONList(Aggregate):
    """The group's values as one JSON array, in no particular order: the one list aggregate every backend we run on
    has under some name (Django 5.2 ships one for PostgreSQL only).

    MariaDB's JSON_ARRAYAGG stops at group_concat_max_len (1 MB by default) and closes the array where it stopped, a
    string value cut short or an object left open, with only a warning. The settings raise that limit to
    max_allowed_packet (16 MB by default) for every connection: a row's skill names (50 names at most) stay far
    below it, and NestedGoalStepListSerializer reads a goal's steps itself when its list came back cut."""

    function = "JSON_ARRAYAGG"  # MariaDB / MySQL
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra):
        # jsonb, not json: Django reads jsonb back as text and decodes it itself, like the other backends' strings
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


def json_list_per_row(related: models.QuerySet, link: str, value) -> KeptSubquery:
    """A correlated subquery: `value` for each of the `related` rows whose `link` is the outer row, as one JSON list
    (unordered; NULL when there are none). How a page carries its rows' skills or steps in its own statement."""
    items = related.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(items=JSONList(value))
    return KeptSubquery(items.values("items"))


class SkilledQuerySet(OwnedQuerySet):
    """Rows with a `skills` many-to-many (certificates, projects)."""

    def with_skill_names(self) -> SkilledQuerySet:
        """Annotate skill_names: the names of each row's skills (a list, unordered), in the list query itself.

        A correlated subquery over the link table, so a page costs one statement instead of the page plus a
        prefetch query, and no Skill objects are built just to read their names. SkillNamesField sorts them.
        """
        links = self.model.skills.through.objects.all()
        return self.annotate(
            skill_names=json_list_per_row(links, self.model.skills.field.m2m_field_name(), "skill__name")
        )


class CertificateQuerySet(SkilledQuerySet):
    def with_project_count(self) -> CertificateQuerySet:
        """Annotate project_count: the owner's projects linked to each certificate, in the list query itself.

        A correlated subquery rather than a JOIN + GROUP BY: the database then walks the (user, -date_earned, -id)
        index and counts only for the rows of the page, and the paginator's COUNT(*) drops it altogether.
        """
        projects = self.model._meta.get_field("projects").related_model
        linked = (
            projects.objects.filter(certificate=OuterRef("pk"), user=OuterRef("user"))
            .order_by()
            .annotate(count=CountRows())
            .values("count")
        )
        return self.annotate(project_count=KeptSubquery(linked))

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


class ProjectQuerySet(SkilledQuerySet):
    pass


class GoalQuerySet(OwnedQuerySet):
    def with_progress(self, *, today: datetime.date | None = None, owner: User | int | None = None) -> GoalQuerySet:
        """Annotate what a goal's progress needs from other rows, in the list query itself (no query per goal):

        - owner_completed_projects: the owner's completed projects, the one figure a goal row does not hold;
        - status: achieved / expired / on_track, as the API documents it. It stays in SQL because ?status=, the
          summary's counts and the admin filter and sort by it; it is the only rule written here.
        The percents are worked out in Python from the row (goal_progress(), read through Goal's properties): as SQL
        they made the statement 8 KB long, and building it cost several times what running it did.

        The checklist is total_steps/completed_steps: the step services keep them equal to the named steps (same
        transaction, goal row locked), so there is nothing to count. Pass `owner` (a user or a user id) to keep only
        that user's goals: their completed projects are then counted once per query rather than once per goal row.
        """
        from users.models import Project

        today = today or timezone.localdate()
        queryset = self
        if owner is not None:
            queryset = self.owned_by(owner)
            projects_of_owner = Project.objects.filter(user=owner)
        else:
            projects_of_owner = Project.objects.filter(user=OuterRef("user"))
        # answered from the (user, status) index alone
        completed_projects_of_owner = (
            projects_of_owner.filter(status=Project.Status.COMPLETED).order_by().annotate(n=CountRows()).values("n")
        )
        # the status reads the annotation: its subquery is then resolved once, not once per mention
        queryset = queryset.annotate(owner_completed_projects=KeptSubquery(completed_projects_of_owner))
        # Cheapest test first: the databases stop at the first false AND (the first true OR), so most goals never
        # reach the count, and a statement where no goal does never runs it a second time (PostgreSQL runs an
        # uncorrelated subquery when first needed; MariaDB caches its result).
        all_steps_done = Q(completed_steps__gte=F("total_steps"))  # also true without a checklist (0 of 0)
        target_met = Q(completed_projects__gte=F("target_projects")) | Q(
            target_projects__lte=F("owner_completed_projects")
        )
        return queryset.annotate(
            status=KeptCase(
                When(all_steps_done & target_met, then=Value(GOAL_ACHIEVED)),
                When(deadline__lt=today, then=Value(GOAL_EXPIRED)),
                default=Value(GOAL_ON_TRACK),
                output_field=models.CharField(),
            ),
        )

    def with_step_rows(self) -> GoalQuerySet:
        """Annotate step_rows: each goal's named steps as a list of dicts (id, goal, title, is_done, order,
        created_at; unordered), in the list query itself.

        A page of 100 goals carries about a thousand steps: as a prefetch they cost a second query and a thousand
        GoalStep objects built only to be read back. The nested serializer orders them and reads the values, which
        each backend's JSON writes its own way (a timestamp as text, a boolean as 1 or true).
        """
        from users.models import GoalStep

        step = JSONObject(
            id="id", goal="goal_id", title="title", is_done="is_done", order="order", created_at="created_at"
        )
        return self.annotate(step_rows=json_list_per_row(GoalStep.objects.all(), "goal", step))


GOAL_ACHIEVED, GOAL_EXPIRED, GOAL_ON_TRACK = "achieved", "expired", "on_track"
GOAL_STATUSES = [GOAL_ACHIEVED, GOAL_EXPIRED, GOAL_ON_TRACK]


@dataclass(frozen=True)
class GoalProgress:
    """A goal's percents; see goal_progress()."""

    progress_percent: float
    projects_progress_percent: int
    steps_progress_percent: int
    overall_progress_percent: int


def goal_progress(
    *, target_projects: int, completed_projects: int, total_steps: int, completed_steps: int, owner_completed: int
) -> GoalProgress:
    """The one place the progress maths lives (status aside, see GoalQuerySet.with_progress()):

    - progress_percent: the owner's completed projects against target_projects, 0-100, two decimals (halves up);
    - projects_progress_percent: the manual completed_projects counter against target_projects, integer;
    - steps_progress_percent: completed_steps against total_steps, integer (0 without a checklist);
    - overall_progress_percent: the mean of the projects and steps parts, integer; without a checklist it is the
      projects part alone. The projects part is the better of the two project measures.
    Integer percents are floored, so 100 means done and never "nearly done". Floating point throughout, as the
    database computed these before: the figures stay the same to the last digit.
    """
    exact = Decimal(repr(float(owner_completed) * 100.0 / float(target_projects)))
    progress = min(float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)), 100.0)
    projects_percent = min(_floored_percent(completed_projects, target_projects), 100)
    steps_percent = min(_floored_percent(completed_steps, total_steps), 100) if total_steps else 0
    projects_part = max(projects_percent, min(_floored_percent(owner_completed, target_projects), 100))
    overall = math.floor((projects_part + steps_percent) / 2.0) if total_steps else projects_part
    return GoalProgress(progress, projects_percent, steps_percent, overall)


# Sorts goals as steps_progress_percent ranks them (floored and capped, that percent only merges neighbours): the
# share of steps done, 0 without a checklist. For the admin's column; nothing reads it as a figure.
GOAL_STEPS_SHARE = Case(
    When(total_steps=0, then=Value(0.0)),
    default=Cast("completed_steps", FloatField()) / Cast("total_steps", FloatField()),
    output_field=FloatField(),
)


def _floored_percent(part: int, whole: int) -> int:
    """floor(part / whole * 100); whole is never 0 where this is used."""
    return math.floor(float(part) * 100.0 / float(whole))


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
