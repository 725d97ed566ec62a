import datetime
from urllib.parse import urlparse

import pytest
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from users.models import Certificate
from users.tests.factories import CertificateFactory, ProjectFactory
from users.tests.samples import CERTIFICATES, REJECTED, upload

pytestmark = pytest.mark.django_db

LIST = reverse("certificate-list")


def detail(pk: int) -> str:
    return reverse("certificate-detail", args=[pk])


def stored_files(settings) -> list[str]:
    """Names of the stored certificate files, in whichever storage is configured (a folder or an S3 bucket)."""
    try:
        return sorted(default_storage.listdir("certificates")[1])
    except FileNotFoundError:
        return []


def create_with_file(api_client, path, **fields):
    body = {
        "title": "With file",
        "issuer": "Udacity",
        "date_earned": "2024-07-10",
        **fields,
        "file_upload": upload(path),
    }
    return api_client.post(LIST, body, format="multipart")


def fetch_link(url: str):
    """Open a file link the way a browser would: no Authorization header."""
    return APIClient().get(urlparse(url).path)


# --- create ---------------------------------------------------------------


def test_create_by_json_returns_full_representation(api_client):
    response = api_client.post(
        LIST, {"title": "Django Basics", "issuer": "Coursera", "date_earned": "2024-08-01"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Django Basics"
    assert body["file_upload"] is None
    assert body["project_count"] == 0
    assert set(body) >= {"id", "title", "issuer", "date_earned", "file_upload", "project_count", "created_at"}


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("data-analysis-with-python.pdf", "application/pdf"),
        ("cloud-fundamentals-badge.png", "image/png"),
        ("machine-learning-certificate.jpg", "image/jpeg"),
    ],
)
def test_upload_real_file_then_open_link_without_token(api_client, settings, name, content_type):
    response = create_with_file(api_client, CERTIFICATES / name)

    assert response.status_code == 201, response.content
    url = response.json()["file_upload"]
    assert url.startswith("http://testserver/")
    assert "?" not in url
    assert url.endswith("." + {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[content_type])
    opened = fetch_link(url)
    assert opened.status_code == 200
    assert opened["Content-Type"] == content_type
    assert opened["X-Content-Type-Options"] == "nosniff"
    assert opened["Content-Disposition"].startswith("inline")
    assert opened.get("X-Frame-Options") != "DENY"
    assert b"".join(opened.streaming_content) == (CERTIFICATES / name).read_bytes()


def test_stored_name_is_server_made_not_the_client_name(api_client, settings):
    create_with_file(api_client, CERTIFICATES / "data-analysis-with-python.pdf")

    [stored] = stored_files(settings)
    assert "data-analysis" not in stored
    assert stored.endswith(".pdf")


def test_extension_follows_content_not_name(api_client, settings):
    png_named_pdf = upload(CERTIFICATES / "cloud-fundamentals-badge.png")
    png_named_pdf.name = "badge.pdf"

    response = api_client.post(
        LIST, {"title": "T", "issuer": "I", "date_earned": "2024-01-01", "file_upload": png_named_pdf}, "multipart"
    )

    assert response.status_code == 201
    assert response.json()["file_upload"].endswith(".png")
    assert fetch_link(response.json()["file_upload"])["Content-Type"] == "image/png"


@pytest.mark.parametrize("name", sorted(path.name for path in REJECTED.iterdir()))
def test_rejected_samples_are_400_on_file_upload_and_store_nothing(api_client, settings, name):
    response = create_with_file(api_client, REJECTED / name)

    assert response.status_code == 400
    assert "file_upload" in response.json()
    assert not Certificate.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "filename, content",
    [
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("page.png", b"<!doctype html><html><body><script>alert(1)</script></body></html>"),
        ("truncated.pdf", (CERTIFICATES / "data-analysis-with-python.pdf").read_bytes()[:900]),
        ("truncated.png", (CERTIFICATES / "cloud-fundamentals-badge.png").read_bytes()[:4000]),
        ("animation.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_disguised_or_damaged_files_are_400(api_client, settings, filename, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(filename, content, content_type="image/png")

    response = api_client.post(
        LIST, {"title": "T", "issuer": "I", "date_earned": "2024-01-01", "file_upload": file}, format="multipart"
    )

    assert response.status_code == 400
    assert "file_upload" in response.json()
    assert stored_files(settings) == []


def test_future_date_earned_is_400(api_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = api_client.post(LIST, {"title": "T", "issuer": "I", "date_earned": str(tomorrow)}, format="json")

    assert response.status_code == 400
    assert response.json() == {"date_earned": ["date_earned cannot be in the future."]}


def test_unicode_round_trips_and_overlong_title_is_400(api_client):
    title = "Données & 数据 🎓"
    created = api_client.post(LIST, {"title": title, "issuer": "École", "date_earned": "2024-01-01"}, format="json")
    too_long = api_client.post(LIST, {"title": "x" * 256, "issuer": "I", "date_earned": "2024-01-01"}, format="json")

    assert api_client.get(detail(created.json()["id"])).json()["title"] == title
    assert too_long.status_code == 400
    assert "title" in too_long.json()


def test_failed_database_write_leaves_no_new_file(user, settings, monkeypatch):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)

    def broken_insert(*args, **kwargs):
        raise DatabaseError("database went away")

    monkeypatch.setattr("django.db.models.query.QuerySet._insert", broken_insert)

    response = create_with_file(client, CERTIFICATES / "data-analysis-with-python.pdf")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert stored_files(settings) == []


# --- file links -----------------------------------------------------------


def test_tampered_link_is_404(api_client):
    url = create_with_file(api_client, CERTIFICATES / "data-analysis-with-python.pdf").json()["file_upload"]
    token_start = url.index("/certificates/") + len("/certificates/")
    tampered = url[:token_start] + ("A" if url[token_start] != "A" else "B") + url[token_start + 1 :]

    response = fetch_link(tampered)

    assert response.status_code == 404
    assert "detail" in response.json()


def test_expired_link_is_404(api_client, settings):
    url = create_with_file(api_client, CERTIFICATES / "data-analysis-with-python.pdf").json()["file_upload"]
    settings.CERTIFICATE_FILE_LINK_MAX_AGE = -1

    assert fetch_link(url).status_code == 404


def test_replacing_file_removes_old_file_and_invalidates_old_link(
    api_client, settings, django_capture_on_commit_callbacks
):
    created = create_with_file(api_client, CERTIFICATES / "data-analysis-with-python.pdf").json()
    [old_file] = stored_files(settings)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch(
            detail(created["id"]),
            {"file_upload": upload(CERTIFICATES / "cloud-fundamentals-badge.png")},
            format="multipart",
        )

    assert response.status_code == 200
    [new_file] = stored_files(settings)
    assert new_file != old_file and new_file.endswith(".png")
    assert fetch_link(created["file_upload"]).status_code == 404
    assert fetch_link(response.json()["file_upload"]).status_code == 200


@pytest.mark.parametrize("request_format, flag", [("json", True), ("multipart", "true")])
def test_clear_file_removes_stored_file(api_client, settings, django_capture_on_commit_callbacks, request_format, flag):
    created = create_with_file(api_client, CERTIFICATES / "data-analysis-with-python.pdf").json()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.patch(detail(created["id"]), {"title": "Kept", "clear_file": flag}, format=request_format)

    assert response.status_code == 200
    assert response.json()["file_upload"] is None
    assert response.json()["title"] == "Kept"
    assert stored_files(settings) == []


def test_rejected_replacement_keeps_the_old_file(api_client, settings):
    created = create_with_file(api_client, CERTIFICATES / "data-analysis-with-python.pdf").json()

    response = api_client.patch(
        detail(created["id"]), {"file_upload": upload(REJECTED / "program-renamed.pdf")}, format="multipart"
    )

    assert response.status_code == 400
    assert len(stored_files(settings)) == 1
    assert fetch_link(api_client.get(detail(created["id"])).json()["file_upload"]).status_code == 200


def test_delete_certificate_removes_file_and_unlinks_projects(
    api_client, user, settings, django_capture_on_commit_callbacks
):
    created = create_with_file(api_client, CERTIFICATES / "data-analysis-with-python.pdf").json()
    project = ProjectFactory(user=user, certificate_id=created["id"])

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.delete(detail(created["id"]))

    assert response.status_code == 204
    assert api_client.get(detail(created["id"])).status_code == 404
    assert stored_files(settings) == []
    project.refresh_from_db()
    assert project.certificate is None


# --- update ---------------------------------------------------------------


def test_patch_and_put_by_json(api_client, user):
    certificate = CertificateFactory(user=user)

    patched = api_client.patch(detail(certificate.pk), {"title": "Updated Title"}, format="json")
    put = api_client.put(
        detail(certificate.pk), {"title": "New Title", "issuer": "Udemy", "date_earned": "2024-08-01"}, format="json"
    )

    assert patched.status_code == 200 and patched.json()["title"] == "Updated Title"
    assert put.status_code == 200
    assert (put.json()["title"], put.json()["issuer"], put.json()["date_earned"]) == (
        "New Title",
        "Udemy",
        "2024-08-01",
    )


# --- list -----------------------------------------------------------------


def test_list_is_newest_first_with_id_tiebreak_and_paginated_by_10(api_client, user):
    same_day = [CertificateFactory(user=user, date_earned=datetime.date(2024, 5, 1)) for _ in range(3)]
    for _ in range(9):
        CertificateFactory(user=user, date_earned=datetime.date(2023, 1, 1))

    page1 = api_client.get(LIST).json()
    page2 = api_client.get(LIST, {"page": 2}).json()

    assert page1["count"] == 12 and len(page1["results"]) == 10 and page1["next"]
    assert [row["id"] for row in page1["results"][:3]] == [c.pk for c in reversed(same_day)]
    assert len(page2["results"]) == 2 and page2["next"] is None


def test_page_size_is_capped_at_100_and_page_past_end_is_404_json(api_client, user):
    CertificateFactory.create_batch(3, user=user)

    assert len(api_client.get(LIST, {"page_size": 1000}).json()["results"]) == 3
    assert len(api_client.get(LIST, {"page_size": 2}).json()["results"]) == 2
    past_end = api_client.get(LIST, {"page": 5})
    assert past_end.status_code == 404
    assert "detail" in past_end.json()


def test_filters_search_and_ordering(api_client, user):
    python = CertificateFactory(user=user, title="Python for Data", issuer="Coursera", date_earned="2024-08-01")
    django = CertificateFactory(user=user, title="Django REST", issuer="Udemy", date_earned="2024-03-01")
    aws = CertificateFactory(user=user, title="AWS basics", issuer="Amazon Python Academy", date_earned="2023-01-01")

    def ids(**params):
        return [row["id"] for row in api_client.get(LIST, params).json()["results"]]

    assert ids(issuer="coursera") == [python.pk]
    assert ids(issuer="Cours") == []
    assert ids(date_earned="2024-03-01") == [django.pk]
    assert ids(id=aws.pk) == [aws.pk]
    assert ids(issuer="Coursera", date_earned="2024-08-01") == [python.pk]
    assert ids(search="python") == [python.pk, aws.pk]
    assert ids(ordering="date_earned") == [aws.pk, django.pk, python.pk]
    assert ids(ordering="-title") == [python.pk, django.pk, aws.pk]
    assert ids(ordering="title") == [aws.pk, django.pk, python.pk]
    assert ids(ordering="no_such_field") == [python.pk, django.pk, aws.pk]


@pytest.mark.parametrize("params", [{"date_earned": "01/08/2024"}, {"id": "abc"}, {"page": "x"}])
def test_malformed_filter_values_are_4xx_json(api_client, params):
    response = api_client.get(LIST, params)

    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"


def test_filter_form_is_built_once_and_still_validates_every_request(api_client, user):
    from users.api.certificates import CertificateFilterSet

    CertificateFactory(user=user, issuer="Coursera", date_earned=datetime.date(2024, 8, 1))
    for _ in range(2):  # the second request reuses the first one's form class
        assert api_client.get(LIST, {"date_earned": "01/08/2024"}).status_code == 400
        assert len(api_client.get(LIST, {"date_earned": "2024-08-01"}).json()["results"]) == 1

    assert CertificateFilterSet().get_form_class() is CertificateFilterSet().get_form_class()


def test_id_too_large_for_the_database_is_404(api_client):
    response = api_client.get(detail(10**30))

    assert response.status_code == 404
    assert api_client.get(LIST, {"id": 10**30}).json()["results"] == []


def test_project_count_counts_only_owners_linked_projects(api_client, user):
    certificate = CertificateFactory(user=user)
    ProjectFactory.create_batch(2, user=user, certificate=certificate)
    ProjectFactory(user=user)

    assert api_client.get(detail(certificate.pk)).json()["project_count"] == 2


def test_list_query_count_does_not_grow_with_rows(api_client, user, django_assert_num_queries):
    def list_queries(rows: int) -> int:
        Certificate.objects.all().delete()
        for certificate in CertificateFactory.create_batch(rows, user=user):
            ProjectFactory(user=user, certificate=certificate)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(LIST, {"page_size": 100})
        assert len(response.json()["results"]) == rows
        return len(queries)

    assert list_queries(3) == list_queries(30)
    with django_assert_num_queries(1):  # the page, with project_count, skill names and the paginator's total
        api_client.get(LIST)


# --- owner scoping --------------------------------------------------------


def test_list_shows_only_own_certificates(api_client, user, other_user):
    mine = CertificateFactory(user=user)
    CertificateFactory(user=other_user)

    assert [row["id"] for row in api_client.get(LIST).json()["results"]] == [mine.pk]


def test_other_users_certificate_is_404_and_unchanged(api_client, other_user, django_capture_on_commit_callbacks):
    theirs = CertificateFactory(user=other_user, title="Theirs")

    assert api_client.get(detail(theirs.pk)).status_code == 404
    assert api_client.patch(detail(theirs.pk), {"title": "Mine now"}, format="json").status_code == 404
    assert (
        api_client.put(detail(theirs.pk), {"title": "x", "issuer": "y", "date_earned": "2024-01-01"}).status_code == 404
    )
    assert api_client.delete(detail(theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_user_in_payload_is_ignored(api_client, user, other_user):
    response = api_client.post(
        LIST, {"title": "T", "issuer": "I", "date_earned": "2024-01-01", "user": other_user.pk}, format="json"
    )

    assert Certificate.objects.get(pk=response.json()["id"]).user == user
    assert "user" not in response.json()


def test_file_link_of_deleted_row_is_404(api_client, user):
    url = create_with_file(api_client, CERTIFICATES / "data-analysis-with-python.pdf").json()["file_upload"]
    Certificate.objects.all().delete()

    assert fetch_link(url).status_code == 404


def test_image_with_too_many_pixels_is_400_before_decoding_and_stores_nothing(api_client, settings):
    """A small PNG can hold a huge image (this one: 48 million pixels in a few KB); decoding it would cost memory."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, format="PNG")
    file = SimpleUploadedFile("huge.png", buffer.getvalue(), content_type="image/png")

    response = api_client.post(
        LIST, {"title": "T", "issuer": "I", "date_earned": "2024-01-01", "file_upload": file}, format="multipart"
    )

    assert response.status_code == 400
    assert "million pixels" in response.json()["file_upload"][0]
    assert not Certificate.objects.exists()
    assert stored_files(settings) == []


def test_image_pixel_cap_follows_the_setting(api_client, settings):
    settings.CERTIFICATE_IMAGE_MAX_PIXELS = 400_000  # the 800x600 sample has 480,000

    response = create_with_file(api_client, CERTIFICATES / "cloud-fundamentals-badge.png")

    assert response.status_code == 400
    assert "file_upload" in response.json()


def test_line_and_paragraph_separators_are_escaped_on_the_wire(api_client):
    """U+2028/U+2029 come back escaped, as DRF's renderer wrote them: the body stays valid JavaScript too."""
    title = "Line\u2028and\u2029paragraph"
    body = {"title": title, "issuer": "Udacity", "date_earned": "2024-07-10"}
    created = api_client.post(LIST, body, format="json")

    assert created.status_code == 201
    assert b"\\u2028" in created.content and b"\\u2029" in created.content
    assert "\u2028".encode() not in created.content
    assert api_client.get(LIST).json()["results"][0]["title"] == title
