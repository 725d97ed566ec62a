"""Create the demo account and its sample data. Safe to run repeatedly: each run resets the demo account's data."""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from users.models import Announcement
from users.services import certificate_create, demo_user_reset, goal_create, goal_step_create, project_create

DEMO_EMAIL = "demo@skillfolio.dev"
DEMO_PASSWORD = "pass1234"
DEMO_FILES = Path(settings.BASE_DIR) / "fixtures" / "demo"


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo user demo@skillfolio.dev / pass1234 with certificates, projects, skills and a goal."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow running with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to seed a known-password account with DEBUG off; pass --force.")
        user = demo_user_reset(email=DEMO_EMAIL, password=DEMO_PASSWORD)
        today = timezone.localdate()
        with open(DEMO_FILES / "data-analysis-with-python.pdf", "rb") as pdf:
            certificate_create(
                user=user,
                title="Data Analysis with Python",
                issuer="freeCodeCamp",
                date_earned="2024-05-14",
                credential_id="fcc-data-analysis-demo",
                credential_url="https://www.freecodecamp.org/certification/demo/data-analysis-with-python-v7",
                skills=["Python", "pandas", "Data Analysis"],
                file_upload=File(pdf, name="data-analysis-with-python.pdf"),
            )
        with open(DEMO_FILES / "cloud-fundamentals-badge.png", "rb") as badge:
            certificate_create(
                user=user,
                title="Cloud Fundamentals",
                issuer="Coursera",
                date_earned="2024-09-02",
                expires_on=today + datetime.timedelta(days=20),  # always "expiring soon" on the dashboard
                credential_id="COURSERA-CLOUD-DEMO",
                skills=["Cloud", "Linux"],
                file_upload=File(badge, name="cloud-fundamentals-badge.png"),
            )
        django_rest = certificate_create(
            user=user,
            title="Intro to Django REST",
            issuer="Udemy",
            date_earned="2025-01-20",
            expires_on=datetime.date(2025, 7, 20),  # already expired: shows the other state
            skills=["Django", "REST APIs", "python"],
        )
        project_create(
            user=user,
            certificate=django_rest,
            title="Certificate tracker API",
            description="A small DRF API to keep my certificates in one place, built while taking the course.",
            status="completed",
            work_type="individual",
            start_date=datetime.date(2025, 1, 21),
            end_date=datetime.date(2025, 2, 11),
            tools_used="Django, DRF, SQLite",
        )
        # description left blank: the server writes it from the guided answers
        project_create(
            user=user,
            title="Portfolio Dashboard",
            status="in_progress",
            work_type="team",
            primary_goal="deliver_feature",
            start_date=timezone.localdate() - datetime.timedelta(days=10),
            tools_used="React, Django, DRF",
            skills_used="Tailwind, Zustand",
            problem_solved="Visualize certificate progress in one place",
        )
        goal = goal_create(
            user=user,
            title="Ship portfolio v1",
            target_projects=3,
            deadline=timezone.localdate() + datetime.timedelta(days=90),
        )
        for order, (title, done) in enumerate(
            [("Pick three projects", True), ("Write each case study", True), ("Record a demo video", False)]
        ):
            goal_step_create(goal=goal, title=title, is_done=done, order=order)
        seed_announcements()
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Seeded demo data for {DEMO_EMAIL} (password {DEMO_PASSWORD})."))


DEMO_ANNOUNCEMENTS = [
    # (title, platform, type, url, starts in days, lasts days, discount %, original price, current price, tags)
    (
        "Machine Learning Specialization: new cohort",
        "Coursera",
        "enrollment",
        "https://www.coursera.org",
        -3,
        25,
        None,
        None,
        None,
        ["machine learning", "python"],
    ),
    (
        "Web development bootcamps on sale",
        "Udemy",
        "discount",
        "https://www.udemy.com",
        -1,
        6,
        85,
        "84.99",
        "12.99",
        ["web", "javascript"],
    ),
    (
        "Verified certificates at a discount",
        "edX",
        "discount",
        "https://www.edx.org",
        0,
        14,
        30,
        "199.00",
        "139.30",
        ["certificates"],
    ),
    (
        "Data Analyst Nanodegree enrollment",
        "Udacity",
        "enrollment",
        "https://www.udacity.com",
        5,
        30,
        None,
        None,
        None,
        ["data", "sql"],
    ),
]


def seed_announcements() -> None:
    """Demo deals dated around today, so the Home page has something current; replaces earlier demo rows."""
    today = timezone.localdate()
    Announcement.objects.filter(title__in=[row[0] for row in DEMO_ANNOUNCEMENTS]).delete()
    for title, platform, kind, url, starts_in, lasts, discount, original, current, tags in DEMO_ANNOUNCEMENTS:
        starts_at = today + datetime.timedelta(days=starts_in)
        announcement = Announcement(
            title=title,
            platform=platform,
            type=kind,
            url=url,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(days=lasts),
            discount_pct=discount,
            price_original=original,
            price_current=current,
            tags=tags,
        )
        announcement.full_clean()
        announcement.save()
