"""One factory per model. Sequences (never random values) for whatever a test asserts on."""

import datetime

import factory
from django.utils import timezone

from users.models import Announcement, Certificate, Goal, GoalStep, Project, Skill, User
from users.services import goal_step_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    username = factory.SelfAttribute("email")
    password = factory.django.Password("correct-horse-battery")


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Certificate {n}")
    issuer = "Coursera"
    # Starts far back and wraps after 20 years, so however many rows a session makes (the schema fuzzer makes
    # thousands), no date reaches the future (a 400 on write).
    date_earned = factory.Sequence(lambda n: datetime.date(2000, 1, 1) + datetime.timedelta(days=n % 7300))


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    description = "A project."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    target_projects = 5
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class GoalStepFactory(factory.django.DjangoModelFactory):
    """Saved through the step service, like every real step, so the goal's counters follow its steps."""

    class Meta:
        model = GoalStep

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Step {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return goal_step_create(**kwargs)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Skill {n}")
    normalized_name = factory.LazyAttribute(lambda skill: Skill.normalize(skill.name))


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    title = factory.Sequence(lambda n: f"Announcement {n}")
    platform = "Coursera"
    type = Announcement.Type.ENROLLMENT
    url = "https://www.coursera.org"
    starts_at = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    ends_at = factory.LazyAttribute(lambda announcement: announcement.starts_at + datetime.timedelta(days=10))
    tags = factory.LazyFunction(lambda: ["python"])
