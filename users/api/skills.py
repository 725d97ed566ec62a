"""Skills: what a learner can do, each backed by the certificates and projects that prove it.

Certificates and projects write their skills as names (SkillNamesField); this module also serves /api/skills/ to
list, rename, merge and delete them.
"""

from django.db.models import Prefetch
from django.utils.decorators import method_decorator
from drf_yasg.utils import swagger_auto_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from users.api.base import ModelSerializer, OwnedModelViewSet, OwnedPrimaryKeyRelatedField
from users.models import Certificate, Project, Skill
from users.services import skill_create, skill_delete, skill_merge, skill_rename
from users.skill_names import normalize_skill_name, parse_skill_names


class SkillNamesField(serializers.ListField):
    """A row's skills as a list of names, the same shape read and written.

    Names round-trip: the SPA can show them as chips and send the list back unchanged, and Swagger documents one
    schema (an array of strings) for both directions. A skill's id is never needed to link it; ?skill= on the lists
    takes a name as well as an id. Each item may itself be "a, b; c" text, and a bare string is read as one item, so
    a multipart form can send `skills=Python, SQL`.
    """

    child = serializers.CharField(allow_blank=True, trim_whitespace=False)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            'Skill names, any letter case, e.g. ["Python", "SQL"] (or "Python, SQL"). Writing replaces the list; '
            "names you have no skill for yet become new skills. Read back in each skill's first spelling.",
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        return parse_skill_names(super().to_internal_value(data))

    def get_attribute(self, instance):
        """The names the list query annotated (SkilledQuerySet.with_skill_names); a row read some other way asks
        the database for its skills."""
        names = getattr(instance, "skill_names", None)
        if names is None and not hasattr(instance, "skill_names"):
            names = [skill.name for skill in instance.skills.all()]
        return names or []

    def to_representation(self, value):
        # by the normalized name, unique among a user's skills, so letter case does not change the order
        return sorted(value, key=normalize_skill_name)


def skill_filter(queryset, name, value):
    """?skill=<id or name>: digits are a skill id, anything else a name matched like skills are (case, spaces).

    ASCII digits only: str.isdigit() is also true for "²" or "①", which int() refuses (that was a 500).
    """
    value = value.strip()
    if value.isascii() and value.isdigit():
        return queryset.filter(skills__id=int(value))
    return queryset.filter(skills__normalized_name=normalize_skill_name(value))


class SkillSerializer(ModelSerializer):
    certificate_count = serializers.IntegerField(read_only=True, help_text="Your certificates with this skill.")
    project_count = serializers.IntegerField(read_only=True, help_text="Your projects with this skill.")
    evidence_count = serializers.IntegerField(read_only=True, help_text="certificate_count + project_count.")
    first_seen = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="Earliest evidence date: a certificate's date_earned, a project's end_date (else start_date, else "
        "creation day). null without evidence.",
    )
    last_seen = serializers.DateField(read_only=True, allow_null=True, help_text="Latest evidence date.")
    has_valid_certificate = serializers.BooleanField(
        read_only=True, help_text="true when at least one certificate that has not expired carries this skill."
    )

    class Meta:
        model = Skill
        fields = [
            "id",
            "name",
            "certificate_count",
            "project_count",
            "evidence_count",
            "first_seen",
            "last_seen",
            "has_valid_certificate",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {
            "name": {
                "help_text": "Unique among your skills regardless of letter case and spaces; no ',' or ';' "
                "(they separate names in a list)."
            }
        }


class SkillCertificateSerializer(ModelSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "title", "issuer", "date_earned", "expires_on", "is_expired"]


class SkillProjectSerializer(ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "title", "status", "start_date", "end_date"]


class SkillDetailSerializer(SkillSerializer):
    certificates = SkillCertificateSerializer(many=True, read_only=True)
    projects = SkillProjectSerializer(many=True, read_only=True)

    class Meta(SkillSerializer.Meta):
        fields = [*SkillSerializer.Meta.fields, "certificates", "projects"]


class SkillMergeSerializer(serializers.Serializer):
    skills = OwnedPrimaryKeyRelatedField(
        many=True,
        queryset=Skill.objects.all(),
        allow_empty=False,
        help_text="Ids of your skills to fold into this one; they are deleted once their evidence has moved.",
    )


def _doc(summary: str, description: str = "", **kwargs):
    return swagger_auto_schema(tags=["Skills"], operation_summary=summary, operation_description=description, **kwargs)


@method_decorator(name="list", decorator=_doc("List your skills with their evidence counts and dates"))
@method_decorator(name="retrieve", decorator=_doc("A skill with the certificates and projects that back it"))
@method_decorator(name="create", decorator=_doc("Add a skill by name"))
@method_decorator(name="update", decorator=_doc("Rename a skill", "Another skill's name, in any case, is a 400."))
@method_decorator(
    name="partial_update", decorator=_doc("Rename a skill", "Another skill's name, in any case, is a 400.")
)
@method_decorator(
    name="destroy", decorator=_doc("Delete a skill", "Its certificates and projects stay; only the link goes.")
)
class SkillViewSet(OwnedModelViewSet):
    """Your skills. Certificates and projects create them by name; here you list, rename, merge and delete them."""

    queryset = Skill.objects.all()  # with_evidence() per request (get_queryset): it reads today
    serializer_class = SkillSerializer
    filterset_class = None
    search_fields = ["name"]
    ordering_fields = [
        "name",
        "evidence_count",
        "certificate_count",
        "project_count",
        "first_seen",
        "last_seen",
        "created_at",
    ]
    ordering_nulls_last = ["first_seen", "last_seen"]  # skills without evidence sort last
    ordering = ["normalized_name", "id"]

    def get_queryset(self):
        queryset = super().get_queryset().with_evidence()
        if self.action in ("retrieve", "merge"):
            queryset = queryset.prefetch_related(
                Prefetch("certificates", Certificate.objects.order_by("-date_earned", "-id")),
                Prefetch("projects", Project.objects.order_by("-date_created", "-id")),
            )
        return queryset

    def get_serializer_class(self):
        return SkillDetailSerializer if self.action == "retrieve" else SkillSerializer

    def perform_create(self, serializer):
        skill = skill_create(user=self.request.user, name=serializer.validated_data["name"])
        serializer.instance = self.get_queryset().get(pk=skill.pk)

    def perform_update(self, serializer):
        skill = serializer.instance
        if "name" in serializer.validated_data:
            skill = skill_rename(skill=skill, name=serializer.validated_data["name"])
        serializer.instance = self.get_queryset().get(pk=skill.pk)

    def perform_destroy(self, instance):
        skill_delete(skill=instance)

    @_doc(
        "Merge other skills into this one",
        "Every certificate and project of the listed skills moves to this skill, which keeps its name; the listed "
        "skills are then deleted. One transaction: an unknown id, another user's id or this skill's own id is a 400 "
        "and nothing changes.",
        request_body=SkillMergeSerializer,
        responses={200: SkillDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        into = self.get_object()
        payload = SkillMergeSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        skill_merge(into=into, skills=payload.validated_data["skills"])
        merged = self.get_queryset().get(pk=into.pk)
        return Response(SkillDetailSerializer(merged, context=self.get_serializer_context()).data)
