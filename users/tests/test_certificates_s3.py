"""The certificate archive with its files in S3: moto's S3 server on loopback, configured through USE_S3_MEDIA.

The storage-facing tests of test_certificates_api run again here unchanged (imported below), so upload, open link,
replace, clear, delete and rejected uploads are proven against a bucket too; the S3-only promises follow.
"""

import runpy
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from users.tests.samples import CERTIFICATES
from users.tests.servers import port_for
from users.tests.test_certificates_api import (  # noqa: F401  (collected again, against S3)
    create_with_file,
    fetch_link,
    stored_files,
    test_clear_file_removes_stored_file,
    test_delete_certificate_removes_file_and_unlinks_projects,
    test_disguised_or_damaged_files_are_400,
    test_failed_database_write_leaves_no_new_file,
    test_file_link_of_deleted_row_is_404,
    test_rejected_replacement_keeps_the_old_file,
    test_rejected_samples_are_400_on_file_upload_and_store_nothing,
    test_replacing_file_removes_old_file_and_invalidates_old_link,
    test_stored_name_is_server_made_not_the_client_name,
    test_upload_real_file_then_open_link_without_token,
)

pytestmark = pytest.mark.django_db

PDF = CERTIFICATES / "data-analysis-with-python.pdf"


@pytest.fixture(autouse=True)
def s3_media(settings, s3_env, monkeypatch):
    """Storage settings exactly as skillfolio/settings.py builds them from the USE_S3_MEDIA environment."""
    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    configured = runpy.run_path(str(Path(settings.BASE_DIR) / "skillfolio" / "settings.py"))
    settings.USE_S3_MEDIA = True
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    return s3_env["AWS_STORAGE_BUCKET_NAME"]


def bucket_keys(s3_client, bucket: str) -> list[str]:
    return sorted(item["Key"] for item in s3_client.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_settings_select_a_private_never_overwriting_s3_storage(settings):
    options = settings.STORAGES["default"]["OPTIONS"]

    assert settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["file_overwrite"], options["default_acl"], options["querystring_auth"]) == (False, "private", True)
    assert default_storage.bucket.name == options["bucket_name"]


def test_upload_lands_in_the_bucket_as_a_private_object(api_client, s3_client, s3_media):
    response = create_with_file(api_client, PDF)

    assert response.status_code == 201
    [key] = bucket_keys(s3_client, s3_media)
    assert key.startswith("certificates/") and key.endswith(".pdf")
    grants = s3_client.get_object_acl(Bucket=s3_media, Key=key)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers / AuthenticatedUsers grant
    assert s3_client.get_object(Bucket=s3_media, Key=key)["Body"].read() == PDF.read_bytes()


def test_list_links_open_without_token(api_client):
    create_with_file(api_client, PDF, title="First")
    create_with_file(api_client, CERTIFICATES / "cloud-fundamentals-badge.png", title="Second")

    rows = api_client.get(reverse("certificate-list")).json()["results"]

    opened = {row["title"]: fetch_link(row["file_upload"]) for row in rows}
    assert {title: response.status_code for title, response in opened.items()} == {"First": 200, "Second": 200}
    assert opened["Second"]["Content-Type"] == "image/png"
    assert b"".join(opened["First"].streaming_content) == PDF.read_bytes()


def test_a_taken_name_is_never_overwritten():
    first = default_storage.save("certificates/same.pdf", ContentFile(b"first"))
    second = default_storage.save("certificates/same.pdf", ContentFile(b"second"))

    assert first == "certificates/same.pdf"
    assert second != first
    with default_storage.open(first, "rb") as stored:
        assert stored.read() == b"first"


def test_link_to_an_object_removed_behind_our_back_is_404(api_client, s3_client, s3_media):
    url = create_with_file(api_client, PDF).json()["file_upload"]
    [key] = bucket_keys(s3_client, s3_media)
    s3_client.delete_object(Bucket=s3_media, Key=key)

    response = fetch_link(url)

    assert response.status_code == 404
    assert response.json() == {"detail": "The file is no longer available."}


def test_account_deletion_removes_its_objects(api_client, s3_client, s3_media, django_capture_on_commit_callbacks):
    create_with_file(api_client, PDF)
    create_with_file(api_client, CERTIFICATES / "cloud-fundamentals-badge.png")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(reverse("auth-me"))

    assert response.status_code == 204
    assert bucket_keys(s3_client, s3_media) == []


def test_readiness_checks_the_bucket_and_leaves_nothing_in_it(client, s3_client, s3_media):
    response = client.get(reverse("health-ready"))

    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == "ok"
    assert bucket_keys(s3_client, s3_media) == []


def test_readiness_is_503_naming_the_storage_when_the_bucket_is_unreachable(client, settings):
    options = {**settings.STORAGES["default"]["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{port_for(2)}"}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}

    started = time.monotonic()
    response = client.get(reverse("health-ready"))

    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
    assert time.monotonic() - started < 15  # bounded retries and timeouts, not botocore's 60 s defaults
