"""Remove stored certificate files that no row points at (left behind when the storage failed to delete them)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from users.services import stored_files_purge_orphans


class Command(BaseCommand):
    help = "Delete certificate files without a database row, older than --older-than-minutes (default 60)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=60, help="Keep files younger than this.")
        parser.add_argument("--dry-run", action="store_true", help="List the orphans, delete nothing.")

    def handle(self, *args, older_than_minutes: int, dry_run: bool, **options):
        orphans = stored_files_purge_orphans(older_than=timedelta(minutes=older_than_minutes), dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        if options["verbosity"] >= 1:
            for name in orphans:
                self.stdout.write(f"{verb} {name}")
            self.stdout.write(self.style.SUCCESS(f"{verb} {len(orphans)} orphan file(s)."))
