"""A long seeded random run of certificate writes with storage and database failures injected along the way.

After every request: each row's file exists; a failed request left rows and files exactly as they were; a file
without a row exists only where a storage delete was made to fail (logged), and purge_orphan_files removes those.
"""

import random
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.urls import reverse
from rest_framework.test import APIClient

from users.models import Certificate
from users.tests.samples import CERTIFICATES, upload

SEED = 5
STEPS = 120
SAMPLES = [
    (CERTIFICATES / "data-analysis-with-python.pdf", "application/pdf"),
    (CERTIFICATES / "intro-to-django-rest.pdf", "application/pdf"),
    (CERTIFICATES / "cloud-fundamentals-badge.png", "image/png"),
]
FAULTS = ["none"] * 5 + ["storage-save", "storage-delete", "db-write", "db-write+storage-delete"]


class Faults:
    """Which failures are armed for the current request."""

    def __init__(self):
        self.armed: set[str] = set()
        self.fired: set[str] = set()

    @contextmanager
    def arm(self, fault: str):
        self.armed = set(fault.split("+")) - {"none"}
        self.fired = set()
        try:
            yield
        finally:
            self.armed = set()

    def fire(self, name: str, error: Exception):
        if name in self.armed:
            self.fired.add(name)
            raise error


@pytest.fixture
def faults(monkeypatch):
    faults = Faults()
    real_save, real_delete = FileSystemStorage._save, FileSystemStorage.delete

    def save(storage, name, content):
        faults.fire("storage-save", OSError("injected: disk full"))
        return real_save(storage, name, content)

    def delete(storage, name):
        faults.fire("storage-delete", OSError("injected: storage unreachable"))
        return real_delete(storage, name)

    def database(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "users_certificate" in sql:
            faults.fire("db-write", DatabaseError("injected: connection lost"))
        return execute(sql, params, many, context)

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    monkeypatch.setattr(FileSystemStorage, "delete", delete)
    with connection.execute_wrapper(database):
        yield faults


def rows() -> dict:
    return {row["id"]: row for row in Certificate.objects.values("id", "title", "file_upload")}


def files(settings) -> set[str]:
    folder = settings.MEDIA_ROOT / "certificates"
    return {f"certificates/{path.name}" for path in folder.iterdir()} if folder.exists() else set()


def a_file(rng: random.Random):
    path, content_type = rng.choice(SAMPLES)
    return upload(path, content_type)


def request(client, rng: random.Random, ids: list[int]):
    """One random write: create (with or without a file), replace the file, clear it, retitle, or delete."""
    operations = ["create", "create-with-file"] + (["replace", "clear", "retitle", "delete"] * 2 if ids else [])
    operation = rng.choice(operations)
    if operation.startswith("create"):
        body = {"title": f"Certificate {rng.randrange(10**6)}", "issuer": "Issuer", "date_earned": "2024-03-01"}
        if operation == "create-with-file":
            body["file_upload"] = a_file(rng)
        return operation, client.post(reverse("certificate-list"), body, format="multipart")
    url = reverse("certificate-detail", args=[rng.choice(ids)])
    if operation == "replace":
        return operation, client.patch(url, {"file_upload": a_file(rng)}, format="multipart")
    if operation == "clear":
        return operation, client.patch(url, {"clear_file": True}, format="json")
    if operation == "retitle":
        return operation, client.patch(url, {"title": f"Renamed {rng.randrange(10**6)}"}, format="json")
    return operation, client.delete(url)


@pytest.mark.django_db(transaction=True)  # real commits, so files are removed on commit as in production
def test_random_writes_with_injected_failures_lose_nothing(user, settings, faults):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    rng = random.Random(SEED)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    allowed_orphans: set[str] = set()
    outcomes = {"ok": 0, "failed": 0}
    fired: set[str] = set()

    for step in range(STEPS):
        before_rows, before_files = rows(), files(settings)
        fault = rng.choice(FAULTS)
        with faults.arm(fault):
            operation, response = request(client, rng, sorted(before_rows))
        context = (step, operation, fault, response.status_code, response.content[:200])

        after_rows, after_files = rows(), files(settings)
        if response.status_code >= 400:
            outcomes["failed"] += 1
            assert response.status_code == 500 and faults.fired, context  # only injected faults may fail a request
            assert response.json() == {"detail": "Server error."}, context
            assert after_rows == before_rows, context
            if "storage-delete" in faults.fired:  # the clean-up of the new file failed too: logged orphan
                allowed_orphans |= after_files - before_files
            else:
                assert after_files == before_files, context
        else:
            outcomes["ok"] += 1
        referenced = {row["file_upload"] for row in after_rows.values() if row["file_upload"]}
        if response.status_code < 400 and "storage-delete" in faults.fired:  # the old file's delete failed: logged
            allowed_orphans |= after_files - referenced
        fired |= faults.fired
        assert referenced <= after_files, context  # every row's file exists
        assert after_files - referenced <= allowed_orphans, context  # no file lacks a row, unless logged

    assert outcomes["ok"] > STEPS // 2 and outcomes["failed"] > 5, outcomes
    assert fired == {"storage-save", "storage-delete", "db-write"}
    assert allowed_orphans, "no storage delete failed after a commit: the run proved less than it claims"
    call_command("purge_orphan_files", "--older-than-minutes=0", stdout=StringIO())
    referenced = {row["file_upload"] for row in rows().values() if row["file_upload"]}
    assert files(settings) == referenced


@pytest.mark.django_db
def test_purge_keeps_young_files_and_referenced_ones(settings, user):
    from users.tests.factories import CertificateFactory

    folder = settings.MEDIA_ROOT / "certificates"
    folder.mkdir(parents=True)
    (folder / "orphan.pdf").write_bytes(b"x")
    (folder / "kept.pdf").write_bytes(b"x")
    CertificateFactory(user=user, file_upload="certificates/kept.pdf")
    out = StringIO()

    call_command("purge_orphan_files", stdout=out)  # default: only files older than an hour
    assert sorted(path.name for path in folder.iterdir()) == ["kept.pdf", "orphan.pdf"]
    call_command("purge_orphan_files", "--older-than-minutes=0", "--dry-run", stdout=out)
    assert (folder / "orphan.pdf").exists()
    call_command("purge_orphan_files", "--older-than-minutes=0", stdout=out)

    assert sorted(path.name for path in folder.iterdir()) == ["kept.pdf"]
    assert "Deleted certificates/orphan.pdf" in out.getvalue()
