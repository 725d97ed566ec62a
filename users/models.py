"""Skillfolio's data: users and what they archive (certificates), build (projects) and aim for (goals and steps)."""

from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from users.files import certificate_upload_to, validate_certificate_file
from users.querysets import (
    CertificateQuerySet,
    GoalProgress,
    GoalQuerySet,
    GoalStepQuerySet,
    ProjectQuerySet,
    SkillQuerySet,
    goal_progress,
)
from users.skill_names import SEPARATORS, clean_skill_name, normalize_skill_name


class UserManager(DjangoUserManager):
    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """Whole address trimmed and lower-cased, so one unique constraint means "one account per address"."""
        return (email or "").strip().lower()


# The largest primary key the database holds (BigAutoField, a signed 64-bit integer).
MAX_ID = 2**63 - 1


def is_possible_id(value: int) -> bool:
    """Whether some row could have this id: 1 to MAX_ID. A number past 64 bits in a query would overflow the database
    driver instead of matching nothing, so callers answer "no such row" without asking."""
    return 0 < value <= MAX_ID


class User(AbstractUser):
    """A learner. The e-mail is stored normalized and unique; at sign-up it also becomes the username."""

    email = models.EmailField("email address", unique=True)
    # Tokens (access and refresh) issued before this moment are refused: set on password change and deactivation.
    tokens_valid_after = models.DateTimeField(null=True, blank=True, editable=False)

    REQUIRED_FIELDS = ["email"]

    objects = UserManager()

    def clean(self) -> None:
        super().clean()
        self.email = UserManager.normalize_email(self.email)


class Skill(models.Model):
    """Something a learner can do, named once per user whatever the letter case or surrounding spaces."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(max_length=100)
    normalized_name = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "normalized_name"], name="skill_unique_name_per_user")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def normalize(name: str) -> str:
        return normalize_skill_name(name)

    def clean(self) -> None:
        self.name = clean_skill_name(self.name or "")
        self.normalized_name = self.normalize(self.name)
        if not self.name:
            raise ValidationError({"name": "A skill needs a name."})
        if SEPARATORS.search(self.name):
            # certificates and projects read "a, b" as two names: such a skill could never be linked or sent back
            raise ValidationError({"name": 'A skill name cannot contain "," or ";" (they separate names in a list).'})


class Certificate(models.Model):
    """A credential the learner earned, with an optional scan (PDF or image) kept privately."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="certificates")
    title = models.CharField(max_length=255)
    issuer = models.CharField(max_length=255)
    date_earned = models.DateField()
    file_upload = models.FileField(
        upload_to=certificate_upload_to, validators=[validate_certificate_file], max_length=255, blank=True, null=True
    )
    expires_on = models.DateField(null=True, blank=True)
    credential_id = models.CharField(max_length=255, blank=True, default="")
    credential_url = models.URLField(max_length=500, blank=True, default="")
    skills = models.ManyToManyField(Skill, blank=True, related_name="certificates")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-date_earned", "-id"]
        indexes = [models.Index(fields=["user", "-date_earned", "-id"], name="cert_user_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("date_earned")),
                name="cert_expiry_not_before_earned",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.issuer})"

    @property
    def days_until_expiry(self) -> int | None:
        """Days from today to expires_on: 0 on the last valid day, negative once expired, None if it never expires."""
        return (self.expires_on - timezone.localdate()).days if self.expires_on else None

    @property
    def is_expired(self) -> bool:
        """A certificate is still valid on its expires_on day and expired from the day after."""
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    def clean(self) -> None:
        errors = {}
        if self.date_earned and self.date_earned > timezone.localdate():
            errors["date_earned"] = "date_earned cannot be in the future."
        if self.expires_on and self.date_earned and self.expires_on < self.date_earned:
            errors["expires_on"] = "expires_on cannot be before date_earned."
        if self.credential_url and urlsplit(self.credential_url).scheme.lower() not in ("http", "https"):
            errors["credential_url"] = "credential_url must be an http:// or https:// link."
        if errors:
            raise ValidationError(errors)


# Guided answers are short by nature; the bound keeps a page of projects small and an auto-description (made of
# them) within the description's own 20,000 characters.
GUIDED_TEXT_MAX_LENGTH = 2_000


class Project(models.Model):
    """Something the learner built, optionally backed by one of their certificates."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    class WorkType(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        TEAM = "team", "Team"

    class PrimaryGoal(models.TextChoices):
        PRACTICE_SKILL = "practice_skill", "Practice a new skill"
        DELIVER_FEATURE = "deliver_feature", "Deliver a functional feature"
        BUILD_DEMO = "build_demo", "Build a demo"
        SOLVE_PROBLEM = "solve_problem", "Solve a real problem"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="projects")
    certificate = models.ForeignKey(
        Certificate, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    title = models.CharField(max_length=255)
    description = models.TextField(max_length=20_000, blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    work_type = models.CharField(max_length=20, choices=WorkType.choices, null=True, blank=True)  # noqa: DJ001
    # null means "not chosen", as the clients send and read it
    primary_goal = models.CharField(max_length=20, choices=PrimaryGoal.choices, null=True, blank=True)  # noqa: DJ001
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    duration_text = models.CharField(max_length=100, blank=True, default="")
    tools_used = models.TextField(max_length=GUIDED_TEXT_MAX_LENGTH, blank=True, default="")
    skills_used = models.TextField(max_length=GUIDED_TEXT_MAX_LENGTH, blank=True, default="")
    problem_solved = models.TextField(max_length=GUIDED_TEXT_MAX_LENGTH, blank=True, default="")
    challenges_short = models.TextField(max_length=GUIDED_TEXT_MAX_LENGTH, blank=True, default="")
    outcome_short = models.TextField(max_length=GUIDED_TEXT_MAX_LENGTH, blank=True, default="")
    skills_to_improve = models.TextField(max_length=GUIDED_TEXT_MAX_LENGTH, blank=True, default="")
    skills = models.ManyToManyField(Skill, blank=True, related_name="projects")
    date_created = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-date_created", "-id"]
        indexes = [
            models.Index(fields=["user", "-date_created", "-id"], name="project_user_created_idx"),
            models.Index(fields=["user", "status"], name="project_user_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.certificate_id and self.certificate and self.certificate.user_id != self.user_id:
            errors["certificate"] = "Certificate not found."
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "end_date cannot be before start_date."
        if self.end_date and self.end_date > timezone.localdate():
            errors["end_date"] = "end_date cannot be in the future."
        if errors:
            raise ValidationError(errors)


class Goal(models.Model):
    """A target number of projects by a deadline, with an optional checklist.

    total_steps/completed_steps are the manual checklist counters; while the goal has named steps they are kept equal
    to those steps by the step services (users.services), in the same transaction as the step change.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=255, blank=True, default="")
    target_projects = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    completed_projects = models.PositiveIntegerField(default=0)
    deadline = models.DateField()
    total_steps = models.PositiveIntegerField(default=0)
    completed_steps = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="goal_user_created_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(target_projects__gt=0), name="goal_target_positive"),
            models.CheckConstraint(
                condition=Q(completed_steps__lte=models.F("total_steps")), name="goal_completed_steps_within_total"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Goal #{self.pk}"

    @cached_property
    def progress(self) -> GoalProgress:
        """The percents; needs owner_completed_projects, which GoalQuerySet.with_progress() annotates."""
        return goal_progress(
            target_projects=self.target_projects,
            completed_projects=self.completed_projects,
            total_steps=self.total_steps,
            completed_steps=self.completed_steps,
            owner_completed=self.owner_completed_projects,
        )

    @property
    def progress_percent(self) -> float:
        return self.progress.progress_percent

    @property
    def projects_progress_percent(self) -> int:
        return self.progress.projects_progress_percent

    @property
    def steps_progress_percent(self) -> int:
        return self.progress.steps_progress_percent

    @property
    def overall_progress_percent(self) -> int:
        return self.progress.overall_progress_percent


class GoalStep(models.Model):
    """A named checklist item of a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(max_length=255)
    is_done = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GoalStepQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["goal", "order", "id"], name="goalstep_goal_order_idx")]

    def __str__(self) -> str:
        return self.title


# --- Reference data for the SPA's Home page (shared by everyone, edited by staff in the admin) ---------------------


class LearningPlatform(models.Model):
    """A place to learn online, for the Home page's "Find where to learn it" list."""

    class CostModel(models.TextChoices):
        FREE = "free", "Free"
        FREEMIUM = "freemium", "Freemium"
        SUBSCRIPTION = "subscription", "Subscription"
        PAID = "paid", "Paid per course"
        MIXED = "mixed", "Mixed"

    name = models.CharField(max_length=100, unique=True)
    category = models.CharField(max_length=100)
    cost_model = models.CharField(max_length=20, choices=CostModel.choices)
    offers_certificates = models.BooleanField(default=False)
    description = models.TextField(blank=True, default="")
    home = models.URLField(max_length=300)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Announcement(models.Model):
    """A time-limited enrollment window or discount on a learning platform, shown on the Home page."""

    class Type(models.TextChoices):
        ENROLLMENT = "enrollment", "Enrollment"
        DISCOUNT = "discount", "Discount"

    title = models.CharField(max_length=255)
    platform = models.CharField(max_length=100, help_text="Platform name as shown, e.g. Coursera.")
    type = models.CharField(max_length=20, choices=Type.choices)
    url = models.URLField(max_length=500)
    starts_at = models.DateField()
    ends_at = models.DateField(null=True, blank=True)
    discount_pct = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    price_original = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    price_current = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text='A list of short labels, e.g. ["python", "data"].')
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="announcement_ends_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(discount_pct__isnull=True) | Q(discount_pct__lte=100), name="announcement_discount_pct"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.platform})"

    def clean(self) -> None:
        errors = {}
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            errors["ends_at"] = "ends_at cannot be before starts_at."
        if not isinstance(self.tags, list) or not all(isinstance(tag, str) for tag in self.tags):
            errors["tags"] = "tags must be a list of strings."
        if errors:
            raise ValidationError(errors)


class LearningFact(models.Model):
    """A short, sourced fact about learning, for the Home page's "Did you know?" card."""

    text = models.TextField()
    source = models.CharField(max_length=200)
    source_url = models.URLField(max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]
