"""Create the demo account and its sample data. Safe to run repeatedly: each run resets the demo account's data."""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from users.services import certificate_create, demo_user_reset

DEMO_EMAIL = "demo@skillfolio.dev"
DEMO_PASSWORD = "pass1234"
DEMO_FILES = Path(settings.BASE_DIR) / "fixtures" / "demo"


class Command(BaseCommand):
    help = "Create (or reset) the demo user demo@skillfolio.dev / pass1234 with sample certificates."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow running with DEBUG off.")

    @transaction.atomic
    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to seed a known-password account with DEBUG off; pass --force.")
        user = demo_user_reset(email=DEMO_EMAIL, password=DEMO_PASSWORD)
        with open(DEMO_FILES / "data-analysis-with-python.pdf", "rb") as pdf:
            certificate_create(
                user=user,
                title="Data Analysis with Python",
                issuer="freeCodeCamp",
                date_earned="2024-05-14",
                file_upload=File(pdf, name="data-analysis-with-python.pdf"),
            )
        with open(DEMO_FILES / "cloud-fundamentals-badge.png", "rb") as badge:
            certificate_create(
                user=user,
                title="Cloud Fundamentals",
                issuer="Coursera",
                date_earned="2024-09-02",
                file_upload=File(badge, name="cloud-fundamentals-badge.png"),
            )
        certificate_create(user=user, title="Intro to Django REST", issuer="Udemy", date_earned="2025-01-20")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Seeded demo data for {DEMO_EMAIL} (password {DEMO_PASSWORD})."))
