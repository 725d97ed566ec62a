"""Timestamps and dates in TIME_ZONE: every endpoint writes each stored instant as DRF writes it in that zone
(users.api.base.DateTimeField), and a MariaDB server without time zone tables is refused (users.checks)."""

import datetime
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from users.checks import mysql_time_zone_tables
from users.models import Certificate, Goal, GoalStep, Project, Skill
from users.tests.factories import CertificateFactory, GoalFactory, GoalStepFactory, ProjectFactory, SkillFactory

UTC = datetime.UTC
# Stored instants and how DRF writes them in each zone: microseconds as stored (none when 0), UTC as "Z", New York
# on both sides of both 2026 DST changes (the repeated 01:30 in November included), Tokyo past its midnight.
STAMPS = [
    datetime.datetime(2026, 3, 8, 6, 59, 59, 999999, UTC),
    datetime.datetime(2026, 3, 8, 7, 0, 0, 0, UTC),
    datetime.datetime(2026, 11, 1, 5, 30, 0, 500000, UTC),
    datetime.datetime(2026, 11, 1, 6, 30, 0, 120000, UTC),
    datetime.datetime(2026, 6, 30, 15, 0, 0, 1, UTC),
]
WRITTEN = {
    "UTC": [
        "2026-03-08T06:59:59.999999Z",
        "2026-03-08T07:00:00Z",
        "2026-11-01T05:30:00.500000Z",
        "2026-11-01T06:30:00.120000Z",
        "2026-06-30T15:00:00.000001Z",
    ],
    "America/New_York": [
        "2026-03-08T01:59:59.999999-05:00",
        "2026-03-08T03:00:00-04:00",
        "2026-11-01T01:30:00.500000-04:00",
        "2026-11-01T01:30:00.120000-05:00",
        "2026-06-30T11:00:00.000001-04:00",
    ],
    "Asia/Tokyo": [
        "2026-03-08T15:59:59.999999+09:00",
        "2026-03-08T16:00:00+09:00",
        "2026-11-01T14:30:00.500000+09:00",
        "2026-11-01T15:30:00.120000+09:00",
        "2026-07-01T00:00:00.000001+09:00",
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("zone", sorted(WRITTEN))
def test_every_endpoint_writes_each_stored_instant_in_time_zone(api_client, user, settings, zone):
    """Certificates, projects, goals and their nested steps, goal steps and skills, lists and details: each timestamp
    is the stored instant in TIME_ZONE, written as DRF writes it."""
    settings.TIME_ZONE = zone
    expected = WRITTEN[zone]
    goal = GoalFactory(user=user)
    rows = {
        "certificates": [CertificateFactory(user=user) for _ in STAMPS],
        "projects": [ProjectFactory(user=user) for _ in STAMPS],
        "goalsteps": [GoalStepFactory(goal=goal) for _ in STAMPS],
        "skills": [SkillFactory(user=user, name=f"Skill {n}") for n in range(len(STAMPS))],
    }
    for stamp, certificate, project, step, skill in zip(STAMPS, *rows.values(), strict=True):
        Certificate.objects.filter(pk=certificate.pk).update(created_at=stamp, updated_at=stamp)
        Project.objects.filter(pk=project.pk).update(date_created=stamp, updated_at=stamp)
        GoalStep.objects.filter(pk=step.pk).update(created_at=stamp)
        Skill.objects.filter(pk=skill.pk).update(created_at=stamp)
    Goal.objects.filter(pk=goal.pk).update(created_at=STAMPS[3], updated_at=STAMPS[2])
    fields = {"certificates": ["created_at", "updated_at"], "projects": ["date_created", "updated_at"]}
    fields |= {"goalsteps": ["created_at"], "skills": ["created_at"]}

    for resource, objects in rows.items():
        listed = {row["id"]: row for row in api_client.get(f"/api/{resource}/", {"page_size": 100}).json()["results"]}
        for obj, written in zip(objects, expected, strict=True):
            detail = api_client.get(f"/api/{resource}/{obj.pk}/").json()
            for name in fields[resource]:
                assert listed[obj.pk][name] == detail[name] == written, (resource, name)

    steps = {step.pk: written for step, written in zip(rows["goalsteps"], expected, strict=True)}
    for answer in (api_client.get("/api/goals/").json()["results"][0], api_client.get(f"/api/goals/{goal.pk}/").json()):
        assert (answer["created_at"], answer["updated_at"]) == (expected[3], expected[2])
        assert {step["id"]: step["created_at"] for step in answer["steps"]} == steps


@pytest.mark.django_db
def test_nested_steps_are_written_as_the_goalsteps_endpoint_writes_them(api_client, user, settings):
    """The goal's steps come from a JSON list the database writes; every byte must match the step endpoint's."""
    settings.TIME_ZONE = "America/New_York"
    goal = GoalFactory(user=user)
    titles = ['quote " and \\ backslash', "new\nline", "emoji 😀 ünïcödé", "line sep \u2028 inside", "<b>&amp;</b>"]
    for n, title in enumerate(titles):
        step = GoalStepFactory(goal=goal, title=title, order=n % 2, is_done=bool(n % 3))
        GoalStep.objects.filter(pk=step.pk).update(created_at=STAMPS[n])
    listed = api_client.get("/api/goalsteps/", {"goal": goal.pk}).json()["results"]
    assert api_client.get(f"/api/goals/{goal.pk}/").json()["steps"] == listed
    assert api_client.get("/api/goals/").json()["results"][0]["steps"] == listed


@pytest.mark.django_db
def test_read_only_timestamps_cannot_be_written(api_client, user):
    """No endpoint takes a timestamp: one sent with a create or an update is ignored, and the answer shows the stored
    one."""
    today = timezone.localdate().isoformat()
    past = {"created_at": "2001-01-01T00:00:00Z", "updated_at": "2001-01-01T00:00:00+05:00"}
    goal = api_client.post("/api/goals/", {"title": "g", "target_projects": 1, "deadline": today} | past, format="json")
    step = api_client.post("/api/goalsteps/", {"goal": goal.json()["id"], "title": "s"} | past, format="json")
    patched = api_client.patch(f"/api/goals/{goal.json()['id']}/", past, format="json")
    for response in (goal, step, patched):
        assert response.status_code in (200, 201)
        assert not response.json()["created_at"].startswith("2001")
    assert GoalStep.objects.get().created_at.year == timezone.now().year


_DATELESS_PROJECT_SCRIPT = """
import datetime
from users.models import Project, Skill, User
from users.services import project_create
user = User.objects.create_user(username="qa-tz@example.com", email="qa-tz@example.com", password="x-long-pass-1")
try:
    project = project_create(user=user, title="no dates", skills=["Zig"], status="completed")
    Project.objects.filter(pk=project.pk).update(
        date_created=datetime.datetime(2026, 6, 30, 15, 0, 0, 1, datetime.UTC),
        updated_at=datetime.datetime(2026, 6, 30, 15, 0, 0, 1, datetime.UTC),
    )
    skill = Skill.objects.owned_by(user).with_evidence().get()
    print(skill.project_count, skill.first_seen, skill.last_seen)
finally:
    user.delete()
"""


@pytest.mark.services
def test_mariadb_first_seen_of_a_dateless_project_in_a_non_utc_zone(mariadb_url):
    """A project without dates is evidence from the local day it was created: 2026-06-30 15:00 UTC is July 1st in
    Tokyo. On MariaDB, Django converts the zone with CONVERT_TZ, which answers NULL unless the server's time zone
    tables are loaded (mysql_tzinfo_to_sql, which .ci/run does): without them the skill had evidence but no first_seen
    or last_seen (found by QA), and users.checks now refuses such a server."""
    environment = {**os.environ, "DATABASE_URL": mariadb_url, "DJANGO_TIME_ZONE": "Asia/Tokyo", "DJANGO_DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", _DATELESS_PROJECT_SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[-1].split() == ["1", "2026-07-01", "2026-07-01"]


class _Cursor:
    def __init__(self, answer):
        self.answer = answer

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params):
        self.params = params

    def fetchone(self):
        return (self.answer,)


class _Connection:
    def __init__(self, vendor, answer=None):
        self.vendor, self.answer = vendor, answer

    def cursor(self):
        return _Cursor(self.answer)


@pytest.mark.parametrize(
    "zone, connection, refused",
    [
        ("Asia/Tokyo", _Connection("mysql", None), True),  # no time zone tables: CONVERT_TZ answers NULL
        ("Asia/Tokyo", _Connection("mysql", datetime.datetime(2000, 1, 1, 9)), False),
        ("UTC", _Connection("mysql", None), False),  # nothing to convert
        ("Asia/Tokyo", _Connection("postgresql"), False),  # converts by itself
    ],
)
def test_a_mariadb_server_that_cannot_convert_to_time_zone_is_refused(settings, zone, connection, refused):
    settings.TIME_ZONE = zone
    with mock.patch("users.checks.connections", {"default": connection}):
        errors = mysql_time_zone_tables(databases=["default"])
    assert [error.id for error in errors] == (["users.E001"] if refused else [])
    assert mysql_time_zone_tables(databases=None) == []
