"""Admin for QA. Saves and deletes go through the same services as the API, so the same rules hold; bulk deletes
run the services row by row for the same reason. Lists join or annotate what they show: no per-row queries.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import models

from users.models import (
    Announcement,
    Certificate,
    Goal,
    GoalStep,
    LearningFact,
    LearningPlatform,
    Project,
    Skill,
    User,
)
from users.querysets import GOAL_STEPS_SHARE
from users.services import (
    certificate_delete,
    certificate_save,
    goal_check,
    goal_save,
    goal_step_delete,
    goal_step_save,
    project_save,
    project_sync_skills,
    skill_clash_message,
    skill_delete,
    skill_name_clash,
    skill_save,
    user_deactivate,
    user_revoke_tokens,
)


class RevokingPasswordChangeForm(AdminPasswordChangeForm):
    """A password set by staff ends the user's sessions, as a change through the API does."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            user_revoke_tokens(user=user)
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "is_active", "is_staff", "date_joined"]
    search_fields = ["username", "email"]
    change_password_form = RevokingPasswordChangeForm

    def save_model(self, request, obj, form, change):
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivating:
            user_deactivate(user=obj)


class OwnSkillsForm(forms.ModelForm):
    """A certificate or project form whose skills must belong to the row's owner (the API enforces the same)."""

    def clean(self):
        cleaned_data = super().clean()
        owner = cleaned_data.get("user") or getattr(self.instance, "user", None)
        skills = cleaned_data.get("skills")
        if owner is not None and skills is not None:
            foreign = [skill.name for skill in skills if skill.user_id != owner.pk]
            if foreign:
                self.add_error("skills", f"Not skills of {owner}: {', '.join(foreign)}.")
        return cleaned_data


class SkillAdminForm(forms.ModelForm):
    """Reports a name the owner already has (any case) on the form, as the API does, instead of failing on save."""

    def clean(self):
        cleaned_data = super().clean()
        owner, name = cleaned_data.get("user"), cleaned_data.get("name")
        if owner is not None and name:
            existing = skill_name_clash(user=owner, name=name, exclude=self.instance)
            if existing is not None:
                self.add_error("name", skill_clash_message(existing))
        return cleaned_data


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    form = SkillAdminForm
    list_display = ["name", "user", "certificate_count", "project_count", "created_at"]
    search_fields = ["name", "user__email"]
    ordering = ["user", "normalized_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_evidence()  # the counts come with the page: no query per row

    @admin.display(description="Certificates", ordering="certificate_count")
    def certificate_count(self, obj: Skill) -> int:
        return obj.certificate_count

    @admin.display(description="Projects", ordering="project_count")
    def project_count(self, obj: Skill) -> int:
        return obj.project_count

    def save_model(self, request, obj, form, change):
        skill_save(skill=obj)

    def delete_model(self, request, obj):
        skill_delete(skill=obj)

    def delete_queryset(self, request, queryset):
        for skill in queryset:
            skill_delete(skill=skill)


class LinkedProjectInline(admin.TabularInline):
    """A certificate's linked projects, read-only, each linking to its own page."""

    model = Project
    fields = ["title", "status", "start_date", "end_date"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "Linked projects"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    form = OwnSkillsForm
    list_display = ["title", "issuer", "date_earned", "expires_on", "user", "has_file", "project_count"]
    list_filter = ["issuer", "date_earned", "expires_on"]
    search_fields = ["title", "issuer", "credential_id"]
    autocomplete_fields = ["skills"]
    ordering = ["-date_earned", "-id"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        ("Basic info", {"fields": ["user", "title", "issuer", "date_earned", "expires_on"]}),
        ("Links", {"fields": ["file_upload", "credential_id", "credential_url"]}),
        ("Skills", {"fields": ["skills"]}),
        ("Dates", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [LinkedProjectInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).with_project_count()

    @admin.display(boolean=True, description="File")
    def has_file(self, obj: Certificate) -> bool:
        return bool(obj.file_upload)

    @admin.display(description="Projects", ordering="project_count")
    def project_count(self, obj: Certificate) -> int:
        return obj.project_count

    def save_model(self, request, obj, form, change):
        certificate_save(certificate=obj)

    def delete_model(self, request, obj):
        certificate_delete(certificate=obj)

    def delete_queryset(self, request, queryset):
        for certificate in queryset:
            certificate_delete(certificate=certificate)


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = OwnSkillsForm
    autocomplete_fields = ["skills"]
    list_display = ["title", "user", "status", "work_type", "certificate", "date_created"]
    list_filter = ["status", "work_type"]
    search_fields = ["title", "description", "skills_used", "tools_used"]
    ordering = ["-date_created", "-id"]
    list_select_related = ["user", "certificate"]
    raw_id_fields = ["user", "certificate"]
    readonly_fields = ["date_created", "updated_at"]
    fieldsets = [
        (
            "Basic info",
            {
                "fields": ["user", "title", "status", "description", "start_date", "end_date", "duration_text"],
                "description": "Leave the description or duration blank and they are written for you.",
            },
        ),
        (
            "Guided fields",
            {
                "fields": [
                    "work_type",
                    "primary_goal",
                    "problem_solved",
                    "tools_used",
                    "skills_used",
                    "challenges_short",
                    "outcome_short",
                    "skills_to_improve",
                ]
            },
        ),
        (
            "Skills",
            {"fields": ["skills"], "description": "Names in skills used and tools used are added on save."},
        ),
        ("Links", {"fields": ["certificate"]}),
        ("Dates", {"fields": ["date_created", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        project_save(project=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the skills picked in the form
        project_sync_skills(project=form.instance)  # plus the names in its text, as on every write


class GoalStepInline(admin.TabularInline):
    model = GoalStep
    fields = ["title", "is_done", "order"]
    extra = 1
    ordering = ["order", "id"]


class GoalAdminForm(forms.ModelForm):
    def _post_clean(self):
        """After the form has put its values on the instance: the goal rules, with the API's messages."""
        super()._post_clean()
        if not self.errors:
            try:
                goal_check(goal=self.instance)
            except ValidationError as exc:
                self._update_errors(exc)


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    form = GoalAdminForm
    list_display = [
        "title",
        "user",
        "target_projects",
        "deadline",
        "total_steps",
        "completed_steps",
        "steps_progress",
        "status",
    ]
    list_filter = ["deadline"]
    search_fields = ["title"]
    ordering = ["deadline", "id"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        ("Basic info", {"fields": ["user", "title", "target_projects", "completed_projects", "deadline"]}),
        (
            "Checklist",
            {
                "fields": ["total_steps", "completed_steps"],
                "description": "While the goal has named steps (below), these follow the steps.",
            },
        ),
        ("Dates", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [GoalStepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description="Steps progress", ordering=GOAL_STEPS_SHARE)
    def steps_progress(self, obj: Goal) -> str:
        return f"{obj.completed_steps}/{obj.total_steps} ({obj.steps_progress_percent}%)"

    @admin.display(description="Status", ordering="status")
    def status(self, obj: Goal) -> str:
        return obj.status

    def save_model(self, request, obj, form, change):
        goal_save(goal=obj)

    def save_formset(self, request, form, formset, change):
        for step in formset.save(commit=False):
            goal_step_save(step=step)
        for step in formset.deleted_objects:
            goal_step_delete(step=step)


@admin.register(GoalStep)
class GoalStepAdmin(admin.ModelAdmin):
    list_display = ["title", "goal", "is_done", "order", "created_at"]
    list_filter = ["is_done"]
    search_fields = ["title", "goal__title"]
    ordering = ["goal", "order", "id"]
    list_select_related = ["goal"]
    raw_id_fields = ["goal"]

    def save_model(self, request, obj, form, change):
        goal_step_save(step=obj)

    def delete_model(self, request, obj):
        goal_step_delete(step=obj)

    def delete_queryset(self, request, queryset):
        for step in queryset:
            goal_step_delete(step=step)


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
