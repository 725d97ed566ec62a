"""Goals (a target number of projects by a deadline) and their named checklist steps."""

import datetime
import functools

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as filters
from rest_framework import serializers

from users.api.base import (
    BooleanFilter,
    DateTimeField,
    FilterSet,
    IdFilter,
    ModelSerializer,
    NullAsBlankModelSerializer,
    OwnedModelViewSet,
    OwnedPrimaryKeyRelatedField,
)
from users.api.defaults import GoalPagination
from users.api.docs import document_viewset
from users.models import Goal, GoalStep
from users.querysets import GOAL_STATUSES
from users.services import goal_create, goal_step_create, goal_step_delete, goal_step_update, goal_update

# The database's limit for these counters: a bigger number is a 400, not a database error.
MAX_COUNT = 2_147_483_647


class GoalStepSerializer(NullAsBlankModelSerializer):
    goal = OwnedPrimaryKeyRelatedField(queryset=Goal.objects.all(), help_text="One of your goals.")

    class Meta:
        model = GoalStep
        fields = ["id", "goal", "title", "is_done", "order", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"order": {"max_value": MAX_COUNT}}


class NestedGoalStepListSerializer(serializers.ListSerializer):
    """A goal's steps, written straight from the list query's step rows (GoalQuerySet.with_step_rows): a page of 100
    goals carries about a thousand steps, and DRF's field-by-field walk over them was a third of the page's time. Same
    JSON as the child serializer (the benchmark's byte-for-byte test holds it to an independent implementation); the
    schema still comes from it."""

    def get_attribute(self, instance):
        rows = getattr(instance, "step_rows", None)
        if not hasattr(instance, "step_rows") or not self._whole(rows, instance):  # read the steps themselves
            rows = list(instance.steps.values("id", "goal", "title", "is_done", "order", "created_at"))
        return rows or []

    @staticmethod
    def _whole(rows, goal) -> bool:
        """Whether the annotated rows are every step: none (NULL), or as many as the goal's total_steps, which the
        step services keep equal to its named steps. A JSON_ARRAYAGG that MariaDB cut at max_allowed_packet is
        text that is not JSON (so not a list) or, cut at a step's end, a list that is too short."""
        return rows is None or (isinstance(rows, list) and len(rows) == goal.total_steps)

    # Formats created_at as the child's own field does. Reading self.child.fields instead built all of the child's
    # fields on every request, only to use this one.
    created_at = DateTimeField(read_only=True)

    def to_representation(self, data):
        created_at = self.created_at
        return [
            {
                "id": step["id"],
                "goal": step["goal"],
                "title": step["title"],
                "is_done": bool(step["is_done"]),
                "order": step["order"],
                "created_at": created_at.to_representation(stored_datetime(step["created_at"])),
            }
            for step in sorted(data, key=lambda step: (step["order"], step["id"]))
        ]


def stored_datetime(value: str | datetime.datetime) -> datetime.datetime:
    """A timestamp read back from a JSON column: ISO text with an offset (PostgreSQL) or naive UTC text (MariaDB,
    SQLite), or already a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


class NestedGoalStepSerializer(ModelSerializer):
    class Meta:
        model = GoalStep
        fields = ["id", "goal", "title", "is_done", "order", "created_at"]
        read_only_fields = fields
        list_serializer_class = NestedGoalStepListSerializer


class GoalSerializer(NullAsBlankModelSerializer):
    # Declared so the service's rule (and its exact message) decides, not a generic "greater than or equal to 1".
    target_projects = serializers.IntegerField(max_value=MAX_COUNT, help_text="How many projects; more than 0.")
    deadline = serializers.DateField(help_text="YYYY-MM-DD, today or later (an overdue goal may keep its deadline).")
    total_steps = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, required=False, help_text="Manual checklist size; follows the named steps."
    )
    completed_steps = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, required=False, help_text="Clamped to total_steps."
    )
    completed_projects = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, required=False, help_text="Manual counter, clamped to target_projects."
    )
    progress_percent = serializers.FloatField(
        read_only=True, help_text="Your completed projects against target_projects, 0-100, two decimals."
    )
    projects_progress_percent = serializers.IntegerField(
        read_only=True, help_text="completed_projects against target_projects, 0-100."
    )
    # The counters are the checklist: the step services keep them equal to the named steps.
    steps_total = serializers.IntegerField(
        source="total_steps", read_only=True, help_text="Named steps, or total_steps without any."
    )
    steps_completed = serializers.IntegerField(
        source="completed_steps", read_only=True, help_text="Named steps done, or completed_steps without any."
    )
    steps_progress_percent = serializers.IntegerField(read_only=True, help_text="steps_completed of steps_total.")
    overall_progress_percent = serializers.IntegerField(
        read_only=True, help_text="Mean of the projects and steps percents (projects alone without a checklist)."
    )
    status = serializers.ChoiceField(choices=GOAL_STATUSES, read_only=True)
    days_left = serializers.SerializerMethodField(help_text="Days until the deadline; 0 once it has passed.")
    steps = NestedGoalStepSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "user",
            "title",
            "target_projects",
            "completed_projects",
            "deadline",
            "total_steps",
            "completed_steps",
            "progress_percent",
            "projects_progress_percent",
            "steps_total",
            "steps_completed",
            "steps_progress_percent",
            "overall_progress_percent",
            "status",
            "days_left",
            "steps",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "user", "created_at", "updated_at"]

    def get_days_left(self, goal: Goal) -> int:
        return max((goal.deadline - timezone.localdate()).days, 0)


class GoalFilterSet(FilterSet):
    deadline = filters.DateFilter(input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD")
    status = filters.ChoiceFilter(choices=[(status, status) for status in GOAL_STATUSES])

    class Meta:
        model = Goal
        fields = ["deadline", "status"]


@document_viewset(
    "Goals",
    list="List your goals, newest first, with their progress and checklist steps.",
    create="Create a goal: a target number of projects by a deadline.",
    retrieve="Read one of your goals with its progress.",
    update="Replace a goal's title, target, deadline and counters.",
    partial_update="Change some fields of a goal.",
    destroy="Delete a goal and its steps.",
)
class GoalViewSet(OwnedModelViewSet):
    """List, create, read, update and delete your goals; progress fields are computed in the list query."""

    queryset = Goal.objects.all()
    serializer_class = GoalSerializer
    filterset_class = GoalFilterSet
    pagination_class = GoalPagination
    ordering_fields = ["created_at", "deadline", "title", "total_steps", "completed_steps", "completed_projects"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-yasg introspects as AnonymousUser
            return super().get_queryset()
        # owner-scoped by with_progress(owner=...), which keeps only that user's goals (GoalQuerySet.owned_by)
        return owned_goals_with_progress(self.request.user.pk, timezone.localdate()).all()

    def perform_create(self, serializer):
        goal = goal_create(user=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=goal.pk)  # re-read: the 201 carries the computed fields

    def perform_update(self, serializer):
        goal = goal_update(goal=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=goal.pk)


@functools.lru_cache(maxsize=128)
def owned_goals_with_progress(owner_id: int, today: datetime.date):
    """One user's goals with their steps and progress, as of `today`: the queryset the goal endpoints start from.

    It depends on nothing but the owner and the day, and building it (Django resolving the owner's completed-projects
    subquery, the status CASE and the steps' JSON subquery) cost a fifth of a small goals page, more than running it.
    So each worker keeps the last 128 it built (about 30 KB each). It is never evaluated itself: every request takes a
    fresh .all() of it, so no rows are ever shared between requests, and a new day (the status reads `today`) is a new
    key.
    """
    return Goal.objects.with_step_rows().with_progress(owner=owner_id, today=today)


class GoalStepFilterSet(FilterSet):
    goal = IdFilter(field_name="goal_id", help_text="A goal id.")
    is_done = BooleanFilter()

    class Meta:
        model = GoalStep
        fields = ["goal", "is_done"]


@document_viewset(
    "Goal steps",
    list="List your checklist steps, ordered by order then id. Filter by goal or is_done.",
    create="Add a named step to one of your goals; the goal's step counters follow.",
    retrieve="Read one checklist step.",
    update="Replace a step (title, done, order, goal).",
    partial_update="Tick, rename, reorder or move a step.",
    destroy="Delete a step; the goal's step counters follow.",
)
class GoalStepViewSet(OwnedModelViewSet):
    """Named checklist items. Every change keeps the goal's total_steps/completed_steps equal to its steps."""

    queryset = GoalStep.objects.all()
    serializer_class = GoalStepSerializer
    filterset_class = GoalStepFilterSet
    ordering_fields = ["order", "created_at"]
    ordering = ["order", "id"]

    def perform_create(self, serializer):
        serializer.instance = goal_step_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = goal_step_update(step=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        goal_step_delete(step=instance)
