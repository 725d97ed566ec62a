"""Projects: what the learner built, optionally backed by one of their certificates, with guided write-up fields."""

from django_filters import rest_framework as filters

from users.api.base import (
    FilterSet,
    IdFilter,
    NullAsBlankModelSerializer,
    OwnedModelViewSet,
    OwnedPrimaryKeyRelatedField,
)
from users.api.docs import document_viewset
from users.api.skills import SkillNamesField, skill_filter
from users.models import Certificate, Project
from users.services import project_create, project_update


class ProjectSerializer(NullAsBlankModelSerializer):
    certificate = OwnedPrimaryKeyRelatedField(
        queryset=Certificate.objects.all(),
        required=False,
        allow_null=True,
        help_text="One of your certificates (an id, as a number or a numeric string), or null.",
    )
    skills = SkillNamesField(
        help_text='Skill names, e.g. ["React", "DRF"] (or "React, DRF"). Writing replaces the list; the names in '
        "skills_used and tools_used are always linked too (those texts are kept as written). Read back in each "
        "skill's first spelling."
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "description",
            "certificate",
            "status",
            "work_type",
            "primary_goal",
            "start_date",
            "end_date",
            "duration_text",
            "tools_used",
            "skills_used",
            "problem_solved",
            "challenges_short",
            "outcome_short",
            "skills_to_improve",
            "skills",
            "date_created",
            "updated_at",
        ]
        read_only_fields = ["id", "date_created", "updated_at"]
        extra_kwargs = {
            "description": {"help_text": "Leave blank and the server writes one from the guided fields."},
            "end_date": {"help_text": "Kept for completed projects only; not before start_date, not in the future."},
            "duration_text": {"help_text": 'Derived from the dates when blank ("3 weeks", "10 days").'},
        }

    def validate_work_type(self, value):
        return value or None  # "" means "not chosen", stored as null like the SPA sends it

    def validate_primary_goal(self, value):
        return value or None


class ProjectFilterSet(FilterSet):
    # By id, not ModelChoiceFilter: that one would validate against everyone's certificates and reveal which exist.
    certificate = IdFilter(field_name="certificate_id", help_text="A certificate id.")
    status = filters.ChoiceFilter(choices=Project.Status.choices)
    skill = filters.CharFilter(method=skill_filter, help_text="A skill's id or its name (any letter case).")

    class Meta:
        model = Project
        fields = ["certificate", "status"]


@document_viewset(
    "Projects",
    list="List your projects, newest first. Filter by certificate or status, search, order, paginate.",
    create="Create a project. A blank description is written from the guided fields.",
    retrieve="Read one of your projects.",
    update="Replace a project. A blank description is written again from the guided fields.",
    partial_update="Change some fields of a project.",
    destroy="Delete a project.",
)
class ProjectViewSet(OwnedModelViewSet):
    """List, create, read, update and delete your projects."""

    queryset = Project.objects.with_skill_names()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    search_fields = ["title", "description", "skills_used", "tools_used"]
    ordering_fields = ["date_created", "title"]
    ordering = ["-date_created", "-id"]

    def perform_create(self, serializer):
        project = project_create(user=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=project.pk)  # re-read: the 201 carries the skill names

    def perform_update(self, serializer):
        project = project_update(project=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=project.pk)
