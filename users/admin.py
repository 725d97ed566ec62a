"""Admin for QA. Saves and deletes go through the same services as the API, so the same rules hold."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from users.models import Announcement, Certificate, LearningFact, LearningPlatform, User
from users.services import certificate_delete, certificate_save


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "is_active", "is_staff", "date_joined"]
    search_fields = ["username", "email"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["title", "issuer", "date_earned", "user", "has_file"]
    list_filter = ["issuer", "date_earned"]
    search_fields = ["title", "issuer"]
    ordering = ["-date_earned", "-id"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(boolean=True, description="File")
    def has_file(self, obj: Certificate) -> bool:
        return bool(obj.file_upload)

    def save_model(self, request, obj, form, change):
        certificate_save(certificate=obj)

    def delete_model(self, request, obj):
        certificate_delete(certificate=obj)


@admin.register(LearningPlatform)
class LearningPlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "cost_model", "offers_certificates"]
    list_filter = ["cost_model", "offers_certificates", "category"]
    search_fields = ["name", "category", "description"]


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "platform", "type", "starts_at", "ends_at", "discount_pct"]
    list_filter = ["type", "platform", "starts_at"]
    search_fields = ["title", "platform"]
    ordering = ["-starts_at", "-id"]


@admin.register(LearningFact)
class LearningFactAdmin(admin.ModelAdmin):
    list_display = ["text", "source"]
    search_fields = ["text", "source"]
