"""The OpenAPI document and the two docs pages: valid, complete, and saying what each view really does."""

import pytest
from django.urls import reverse
from openapi_spec_validator import validate

from users.api.urls import router

pytestmark = pytest.mark.django_db

EXPECTED_TAGS = {"Auth", "Certificates", "Projects", "Goals", "Goal steps", "Skills", "Analytics", "Home"}
PUBLIC_OPERATIONS = {
    ("post", "/auth/register/"),
    ("post", "/auth/login/"),
    ("post", "/auth/refresh/"),
    ("get", "/platforms/"),
    ("get", "/announcements/"),
    ("get", "/facts/random/"),
}


@pytest.fixture
def document(anon_client):
    response = anon_client.get(reverse("api-schema"))
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield method, path, operation


def test_schema_is_json_without_a_format_and_with_format_openapi(anon_client):
    plain = anon_client.get(reverse("api-schema"))
    openapi = anon_client.get(reverse("api-schema"), {"format": "openapi"})

    assert plain["Content-Type"].startswith("application/json")
    assert openapi["Content-Type"].startswith("application/openapi+json")
    assert plain.json()["paths"] == openapi.json()["paths"]


def test_schema_validates_as_openapi(document):
    validate(document)  # raises on any violation of the Swagger 2.0 specification

    assert document["swagger"] == "2.0"


@pytest.mark.parametrize("name", ["api-docs", "api-redoc"])
def test_docs_pages_answer_html(anon_client, name):
    response = anon_client.get(reverse(name))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_bearer_is_the_one_security_scheme_and_applies_by_default(document):
    assert document["securityDefinitions"] == {
        "Bearer": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "description": "Paste `Bearer <access token>` (from POST /api/auth/login/).",
        }
    }
    assert document["security"] == [{"Bearer": []}]


def test_only_register_login_refresh_and_home_data_need_no_token(document):
    public = {(method, path) for method, path, operation in operations(document) if operation.get("security") == []}

    assert public == PUBLIC_OPERATIONS
    for method, path, operation in operations(document):
        if (method, path) not in public:
            assert "security" not in operation, (method, path)  # inherits Bearer
            assert "401" in operation["responses"], (method, path)


def test_every_operation_has_a_known_tag_a_summary_and_a_description(document):
    for method, path, operation in operations(document):
        assert len(operation["tags"]) == 1 and operation["tags"][0] in EXPECTED_TAGS, (method, path)
        assert operation.get("summary"), (method, path)
        assert len(operation.get("description", "")) > 20, (method, path)


def test_tags_are_listed_in_a_fixed_order_with_descriptions(document):
    used = {operation["tags"][0] for _method, _path, operation in operations(document)}
    listed = [tag["name"] for tag in document["tags"]]

    assert set(listed) == used
    assert listed[:2] == ["Auth", "Certificates"]
    assert all(tag["description"] for tag in document["tags"])


def test_every_list_documents_filters_search_ordering_and_pages(document):
    lists = [
        (path, operation)
        for method, path, operation in operations(document)
        if method == "get" and "results" in operation["responses"]["200"].get("schema", {}).get("properties", {})
    ]

    assert lists
    for path, operation in lists:
        names = {parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "query"}
        assert {"page", "page_size", "ordering"} <= names, path
        assert "404" in operation["responses"], path
    searchable = {path for path, operation in lists if "search" in {p["name"] for p in operation["parameters"]}}
    assert {"/certificates/", "/projects/", "/announcements/"} <= searchable


def test_certificate_list_parameters_describe_the_real_filters(document):
    parameters = {p["name"]: p for p in document["paths"]["/certificates/"]["get"]["parameters"]}

    assert parameters["issuer"]["type"] == "string"
    assert parameters["date_earned"]["format"] == "date"
    assert parameters["id"]["type"] == "integer"
    assert "`title`, `-title`" in parameters["ordering"]["description"]
    assert "title, issuer" in parameters["search"]["description"]


def test_certificate_writes_are_multipart_with_a_file_field(document):
    for method, path in [("post", "/certificates/"), ("put", "/certificates/{id}/"), ("patch", "/certificates/{id}/")]:
        operation = document["paths"][path][method]
        parameters = {p["name"]: p for p in operation["parameters"]}

        assert operation["consumes"] == ["multipart/form-data"], method
        assert parameters["file_upload"]["in"] == "formData"
        assert parameters["file_upload"]["type"] == "file"


def test_certificate_create_still_accepts_json(api_client):
    body = {"title": "Django Basics", "issuer": "Coursera", "date_earned": "2024-08-01"}

    response = api_client.post(reverse("certificate-list"), body, format="json")

    assert response.status_code == 201
    assert response.json()["file_upload"] is None


def test_login_body_documents_every_accepted_key(document):
    login = document["definitions"]["Login"]

    assert set(login["properties"]) == {"email", "username", "email_or_username", "password"}
    assert login["required"] == ["password"]


def test_auth_bodies_and_answers_are_documented(document):
    def body(path):
        (parameter,) = [p for p in document["paths"][path]["post"]["parameters"] if p["in"] == "body"]
        return parameter["schema"]["$ref"].rsplit("/", 1)[-1]

    def answer(path, status):
        return document["paths"][path]["post"]["responses"][status]["schema"]

    assert body("/auth/register/") == "Register"
    assert body("/auth/login/") == "Login"
    assert body("/auth/refresh/") == "RefreshToken"
    assert body("/auth/logout/") == "RefreshToken"
    assert body("/auth/change-password/") == "ChangePassword"
    assert answer("/auth/login/", "200") == {"$ref": "#/definitions/LoginResponse"}
    assert answer("/auth/change-password/", "200") == {"$ref": "#/definitions/TokenPair"}
    assert document["definitions"]["AccessToken"]["required"] == ["access"]  # refresh only with rotation on


def test_validation_errors_are_documented_as_field_maps_not_detail(document):
    logout_400 = document["paths"]["/auth/logout/"]["post"]["responses"]["400"]["schema"]

    assert logout_400["type"] == "object"
    assert "required" not in logout_400


def test_auth_operations_come_in_the_order_a_newcomer_uses_them(document):
    auth_paths = [path for path in document["paths"] if path.startswith("/auth/")]

    assert auth_paths[:3] == ["/auth/register/", "/auth/login/", "/auth/refresh/"]
    assert auth_paths[-1] == "/auth/logout/"


def test_every_filterset_filter_of_a_routed_list_is_a_documented_parameter(document):
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        operation = document["paths"][f"/{prefix}/"]["get"]
        names = {parameter["name"] for parameter in operation["parameters"]}

        if filterset is not None:
            assert set(filterset.base_filters) <= names, prefix
            assert "400" in operation["responses"], prefix  # a malformed filter value
        if getattr(viewset, "search_fields", None):
            assert "search" in names, prefix


def test_a_url_that_may_be_blank_promises_no_uri_format(document):
    """Found by the fuzzer: an unset credential_url is "", which the document had called a "uri"."""
    credential_url = document["definitions"]["Certificate"]["properties"]["credential_url"]

    assert credential_url["type"] == "string"
    assert "format" not in credential_url
