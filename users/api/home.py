"""Reference data for the SPA's Home page: learning platforms, enrollment windows and deals, and a random fact.

Shared by every user and read-only over the API (staff edit it in the admin), so these views are not owner-scoped
viewsets. They are public: the data is the same for everyone and the landing page may show it before sign-in.
"""

from django.db.models import Q
from django.db.models.functions import Lower
from django_filters import rest_framework as filters
from drf_yasg.utils import swagger_auto_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from users.api.base import FilterSet, ModelSerializer
from users.models import Announcement, LearningFact, LearningPlatform

# --- Platforms ----------------------------------------------------------


class LearningPlatformSerializer(ModelSerializer):
    class Meta:
        model = LearningPlatform
        fields = ["name", "category", "cost_model", "offers_certificates", "description", "home"]


class PlatformListSerializer(serializers.Serializer):
    platforms = LearningPlatformSerializer(many=True)


class LearningPlatformFilterSet(FilterSet):
    q = filters.CharFilter(method="filter_text", help_text="Words in the name, category or description.")
    cost = filters.ChoiceFilter(field_name="cost_model", choices=LearningPlatform.CostModel.choices)
    certs = filters.ChoiceFilter(
        method="filter_certificates", choices=[("yes", "yes"), ("no", "no")], help_text="Offers certificates?"
    )

    class Meta:
        model = LearningPlatform
        fields = ["q", "cost", "certs"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(category__icontains=value) | Q(description__icontains=value)
        )

    def filter_certificates(self, queryset, name, value):
        return queryset.filter(offers_certificates=value == "yes")


class LearningPlatformListView(generics.GenericAPIView):
    """All platforms in one object `{platforms: [...]}` (the SPA reads that key; the list is short, so no pages)."""

    permission_classes = [AllowAny]
    authentication_classes = []  # the same for everyone: a stale token in the header is ignored, never a 401
    queryset = LearningPlatform.objects.order_by(Lower("name"))
    serializer_class = LearningPlatformSerializer
    filterset_class = LearningPlatformFilterSet
    filter_backends = [filters.DjangoFilterBackend]
    pagination_class = None

    @swagger_auto_schema(
        tags=["Home"],
        operation_summary="Learning platforms",
        operation_description="Where to learn: filter by words (`q`), cost model (`cost`) and certificates (`certs`).",
        responses={200: PlatformListSerializer},
    )
    def get(self, request):
        platforms = self.filter_queryset(self.get_queryset())
        return Response({"platforms": self.get_serializer(platforms, many=True).data})


# --- Announcements ------------------------------------------------------


class AnnouncementSerializer(ModelSerializer):
    price_original = serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False, allow_null=True)
    price_current = serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Announcement
        fields = [
            "id",
            "title",
            "platform",
            "type",
            "url",
            "starts_at",
            "ends_at",
            "discount_pct",
            "price_original",
            "price_current",
            "tags",
        ]


class AnnouncementFilterSet(FilterSet):
    platform = filters.CharFilter(lookup_expr="iexact", help_text="Platform name, any letter case (e.g. coursera).")
    type = filters.ChoiceFilter(choices=Announcement.Type.choices)
    starts_at_after = filters.DateFilter(field_name="starts_at", lookup_expr="gte", input_formats=["%Y-%m-%d"])
    ends_at_before = filters.DateFilter(field_name="ends_at", lookup_expr="lte", input_formats=["%Y-%m-%d"])

    class Meta:
        model = Announcement
        fields = ["platform", "type", "starts_at_after", "ends_at_before"]


class AnnouncementListView(generics.ListAPIView):
    """Enrollment windows and discounts, newest start first; paginated like every list."""

    permission_classes = [AllowAny]
    authentication_classes = []  # the same for everyone: a stale token in the header is ignored, never a 401
    queryset = Announcement.objects.all()
    serializer_class = AnnouncementSerializer
    filterset_class = AnnouncementFilterSet
    search_fields = ["title", "platform"]
    ordering_fields = ["starts_at", "ends_at", "title"]
    ordering = ["-starts_at", "-id"]

    @swagger_auto_schema(tags=["Home"], operation_summary="Enrollment windows and deals")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- Facts --------------------------------------------------------------


class LearningFactSerializer(ModelSerializer):
    class Meta:
        model = LearningFact
        fields = ["text", "source", "source_url"]


class RandomFactView(APIView):
    """One fact picked at random on every call (the SPA adds a `t` cache-buster, which is ignored)."""

    permission_classes = [AllowAny]
    authentication_classes = []  # the same for everyone: a stale token in the header is ignored, never a 401

    @swagger_auto_schema(
        tags=["Home"],
        operation_summary="A random learning fact",
        responses={200: LearningFactSerializer, 404: "No facts stored yet."},
    )
    def get(self, request):
        fact = LearningFact.objects.order_by("?").first()
        if fact is None:
            raise NotFound("No facts yet.")
        return Response(LearningFactSerializer(fact).data)
