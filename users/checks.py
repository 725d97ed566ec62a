"""System checks for what a deployment must provide beyond the code (run by `manage.py migrate` and `check
--database default`)."""

from django.conf import settings
from django.core import checks
from django.db import connections


@checks.register(checks.Tags.database)
def mysql_time_zone_tables(databases=None, **kwargs):
    """On MariaDB/MySQL, Django converts dates to TIME_ZONE with CONVERT_TZ(), which answers NULL when the server has
    no time zone tables: with a zone other than UTC, a project's creation day (a skill's first and last evidence, the
    skills timeline) would silently be lost. PostgreSQL and SQLite convert by themselves."""
    if not settings.USE_TZ or settings.TIME_ZONE == "UTC":
        return []
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "mysql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT CONVERT_TZ('2000-01-01 00:00:00', 'UTC', %s)", [settings.TIME_ZONE])
            (converted,) = cursor.fetchone()
        if converted is None:
            errors.append(
                checks.Error(
                    f"The database server cannot convert times to TIME_ZONE {settings.TIME_ZONE!r}: its time zone "
                    "tables are empty, so dates in that zone would read back as NULL.",
                    hint="Load them once per server: mysql_tzinfo_to_sql /usr/share/zoneinfo | mariadb -u root mysql "
                    "(or set DJANGO_TIME_ZONE=UTC).",
                    id="users.E001",
                )
            )
    return errors
