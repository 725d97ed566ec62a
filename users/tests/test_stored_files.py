"""Uploaded files stay inert: server-made names, and headers that keep a served file from becoming active content."""

from io import BytesIO
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from rest_framework.test import APIClient

from users.models import Certificate
from users.tests.samples import CERTIFICATES

pytestmark = pytest.mark.django_db

SAMPLE_PDF = CERTIFICATES / "data-analysis-with-python.pdf"
SAMPLE_PNG = CERTIFICATES / "cloud-fundamentals-badge.png"


def pdf_with_script() -> bytes:
    writer = PdfWriter(clone_from=SAMPLE_PDF)
    writer.add_js("app.alert(document.cookie);")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(api_client, name: str, content: bytes, title: str = "Certificate"):
    file = SimpleUploadedFile(name, content, content_type="text/html")
    body = {"title": title, "issuer": "Issuer", "date_earned": "2024-01-01", "file_upload": file}
    response = api_client.post(reverse("certificate-list"), body, format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


def open_link(url: str, filename: str | None = None):
    path = urlparse(url).path
    if filename is not None:
        path = path.rsplit("/", 1)[0] + "/" + filename
    return APIClient().get(path)


CLIENT_NAMES = ["../../../etc/passwd.pdf", "..\\..\\boot.ini.pdf", "a" * 300 + ".pdf", "ç€ü.pdf"]


@pytest.mark.parametrize("client_name", CLIENT_NAMES)
def test_client_file_names_never_reach_the_disk(api_client, settings, client_name):
    upload(api_client, client_name, SAMPLE_PDF.read_bytes())

    [stored] = (settings.MEDIA_ROOT / "certificates").iterdir()
    assert [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()] == [stored]
    assert len(stored.stem) == 32 and stored.suffix == ".pdf"
    assert Certificate.objects.get().file_upload.name == f"certificates/{stored.name}"


def test_served_name_is_made_by_the_server_whatever_the_url_says(api_client):
    body = upload(api_client, "x.pdf", SAMPLE_PDF.read_bytes(), title='Evil"\r\nSet-Cookie: a=b; ../x.html')

    response = open_link(body["file_upload"], filename="payload.html")

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition == 'inline; filename="evil-set-cookie-ab-xhtml.pdf"'
    assert "Set-Cookie" not in response


def test_pdf_with_a_script_is_served_as_an_inert_pdf_the_spa_can_embed(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.skillfolio.example"]
    body = upload(api_client, "page.html", pdf_with_script())

    response = open_link(body["file_upload"])

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # falls back to default-src 'none'
    assert "frame-ancestors 'self' https://app.skillfolio.example" in policy
    assert response["Referrer-Policy"] == "no-referrer"


def test_image_with_trailing_html_is_served_sandboxed_as_an_image(api_client):
    polyglot = SAMPLE_PNG.read_bytes() + b"<html><script>alert(document.domain)</script></html>"
    body = upload(api_client, "badge.html", polyglot)

    response = open_link(body["file_upload"])

    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = [directive.strip() for directive in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert body["file_upload"].endswith(".png")
