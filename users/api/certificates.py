"""Certificates: the learner's archive of credentials, each with an optional private file behind a signed link."""

from django.conf import settings
from django.core import signing
from django.http import FileResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_exempt
from django_filters import rest_framework as filters
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from users.api.base import BooleanFilter, FilterSet, IdFilter, IntegerFilter, ModelSerializer, OwnedModelViewSet
from users.api.skills import SkillNamesField, skill_filter
from users.files import PDF, FileKind, kind_of_stored_name, open_stored_file, validate_certificate_file
from users.models import Certificate
from users.services import certificate_create, certificate_delete, certificate_update

FILE_LINK_SALT = "users.certificate-file"


def certificate_file_name(certificate: Certificate) -> str:
    """The name a browser shows and saves: the title as a slug plus the extension we chose from the content."""
    extension = kind_of_stored_name(certificate.file_upload.name).extension
    return f"{slugify(certificate.title)[:60] or 'certificate'}.{extension}"


def certificate_file_link(certificate: Certificate, request=None) -> str | None:
    """An unguessable link to the certificate's file that works without a token and expires.

    The signed part names the certificate and the stored file, so replacing the file invalidates old links. The link
    ends with the file's extension and has no query string, because the SPA picks its preview by the URL's ending.
    """
    if not certificate.file_upload:
        return None
    token = signing.dumps([certificate.pk, certificate.file_upload.name], salt=FILE_LINK_SALT, compress=True)
    path = reverse("certificate-file", kwargs={"token": token, "filename": certificate_file_name(certificate)})
    return request.build_absolute_uri(path) if request is not None else path


def file_content_security_policy(kind: FileKind) -> str:
    """Nothing in a served file may load or run anything. Images are also sandboxed (a unique origin, no scripts);
    PDFs cannot be, because Chrome refuses to start its PDF viewer in a sandboxed document, and the SPA must be able
    to <embed> them: only the SPA's origins (CORS_ALLOWED_ORIGINS) and this one may frame a file."""
    ancestors = "*" if settings.CORS_ALLOW_ALL_ORIGINS else " ".join(["'self'", *settings.CORS_ALLOWED_ORIGINS])
    policy = f"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors {ancestors}"
    return policy if kind == PDF else f"{policy}; img-src 'self'; sandbox"


class CertificateFileField(serializers.FileField):
    """Writes take an uploaded file; reads give the signed link (or null)."""

    def to_representation(self, value):
        if not value:
            return None
        return certificate_file_link(value.instance, self.context.get("request"))


class CertificateSerializer(ModelSerializer):
    file_upload = CertificateFileField(
        required=False,
        allow_null=True,
        validators=[validate_certificate_file],
        help_text="PDF, PNG, JPEG or WebP, at most 5 MB, checked by content. Read back as a signed link.",
    )
    clear_file = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="true removes the stored file."
    )
    project_count = serializers.IntegerField(read_only=True, help_text="Your projects linked to this certificate.")
    skills = SkillNamesField()
    is_expired = serializers.BooleanField(read_only=True, help_text="true from the day after expires_on.")
    days_until_expiry = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Days until expires_on: 0 on its last valid day, negative once expired, null if it never expires.",
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "title",
            "issuer",
            "date_earned",
            "expires_on",
            "is_expired",
            "days_until_expiry",
            "credential_id",
            "credential_url",
            "skills",
            "file_upload",
            "clear_file",
            "project_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "expires_on": {"help_text": "YYYY-MM-DD, not before date_earned; null or absent: it does not expire."},
            "credential_id": {"help_text": "The issuer's ID for this credential."},
            "credential_url": {"help_text": "Where the issuer verifies it: an http:// or https:// link."},
        }


class CertificateFilterSet(FilterSet):
    issuer = filters.CharFilter(lookup_expr="iexact", help_text="Exact issuer, any letter case.")
    date_earned = filters.DateFilter(input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD")
    id = IdFilter(field_name="id", help_text="Only the certificate with this id.")
    expired = BooleanFilter(method="filter_expired", help_text="true: expired only; false: still valid.")
    expiring_within = IntegerFilter(
        method="filter_expiring_within",
        min_value=0,
        max_value=36500,
        help_text="Still valid and expiring within this many days (0 = today).",
    )
    skill = filters.CharFilter(method=skill_filter, help_text="A skill's id or its name (any letter case).")

    class Meta:
        model = Certificate
        fields = ["issuer", "date_earned", "id"]

    def filter_expired(self, queryset, name, value):
        return queryset.expired() if value else queryset.valid()

    def filter_expiring_within(self, queryset, name, value):
        return queryset.expiring_within(value)


class CertificateViewSet(OwnedModelViewSet):
    """List, create, read, update and delete your certificates. Upload a file with multipart/form-data.

    The `action:` sections below are what /api/docs/ shows for each operation (users.api.docs).

    list:
    Newest `date_earned` first. `file_upload` is a signed link that opens without a token and expires.

    create:
    Send multipart/form-data to attach `file_upload` (PDF, PNG, JPEG or WebP, at most 5 MB, checked by its content,
    not its name); JSON works too for a certificate without a file. `date_earned` is YYYY-MM-DD, not in the future.

    update:
    A new `file_upload` replaces the stored file; `clear_file=true` removes it. JSON works too.

    partial_update:
    A new `file_upload` replaces the stored file; `clear_file=true` removes it. JSON works too.
    """

    queryset = Certificate.objects.with_project_count().with_skill_names()
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
    search_fields = ["title", "issuer"]
    ordering_fields = ["date_earned", "title", "expires_on"]
    ordering_nulls_last = ["expires_on"]  # certificates that never expire sort after the ones that do
    ordering = ["-date_earned", "-id"]

    def perform_create(self, serializer):
        fields = {**serializer.validated_data}
        fields.pop("clear_file", None)
        certificate = certificate_create(user=self.request.user, **fields)
        serializer.instance = self.get_queryset().get(pk=certificate.pk)

    def perform_update(self, serializer):
        certificate = certificate_update(certificate=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=certificate.pk)

    def perform_destroy(self, instance):
        certificate_delete(certificate=instance)


@method_decorator(xframe_options_exempt, name="dispatch")  # the SPA previews PDFs in an <embed> from its own origin
class CertificateFileView(APIView):
    """Serves a certificate's file to whoever holds a valid signed link (the link is the credential)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    swagger_schema = None

    def get(self, request, token: str, filename: str):
        try:
            certificate_id, name = signing.loads(
                token, salt=FILE_LINK_SALT, max_age=settings.CERTIFICATE_FILE_LINK_MAX_AGE
            )
        except signing.BadSignature as exc:  # includes SignatureExpired
            raise NotFound("This file link is invalid or has expired.") from exc
        certificate = Certificate.objects.filter(pk=certificate_id, file_upload=name).first()
        if certificate is None:
            raise NotFound("This file link is invalid or has expired.")
        stored = open_stored_file(name)
        if stored is None:
            raise NotFound("The file is no longer available.")
        kind = kind_of_stored_name(name)
        # The name in the URL is decoration that anybody can edit: the header's name is always made here.
        response = FileResponse(
            stored, content_type=kind.content_type, as_attachment=False, filename=certificate_file_name(certificate)
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = file_content_security_policy(kind)
        response["Referrer-Policy"] = "no-referrer"  # the link is the credential: never hand it on
        response["Cache-Control"] = "private, max-age=300"
        return response
