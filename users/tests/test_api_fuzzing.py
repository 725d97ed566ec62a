"""Schema-driven fuzzing: schemathesis reads /api/schema/ and sends every operation generated requests.

Each example runs as a fresh user with a real Bearer token; a numeric path id is pointed at a row made for that user,
so reads, updates and deletes reach real objects. A response must never be a 5xx and must match what the schema says
for its status code (documented code, content type, body schema). The run is seeded and bounded: `FUZZ_EXAMPLES`
generated requests per operation (valid and invalid input), plus schemathesis' deterministic edge cases of valid input
(its coverage phase; the invalid ones doubled the run time for what the random invalid examples already reach).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from django.urls import resolve
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from users.models import Certificate, Goal, GoalStep, Project, Skill
from users.services import user_tokens
from users.tests.factories import (
    CertificateFactory,
    GoalFactory,
    GoalStepFactory,
    ProjectFactory,
    SkillFactory,
    UserFactory,
)
from users.tests.samples import CERTIFICATES

FUZZ_EXAMPLES = 15
SEED = 20261204

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"max-examples": FUZZ_EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"coverage": {"generation": {"mode": "positive"}}},
    }
)
# Plain http, as every other test speaks it (conftest turns the redirect off; test_deployment checks it). The
# SecurityMiddleware reads the setting once, when the app is built, so it is off while the app is made.
with override_settings(SECURE_SSL_REDIRECT=False):
    application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


def content_type_conformance_with_body(ctx, response, case):
    """A 204 has no body and so no Content-Type (RFC 9110); every other answer must send a documented one."""
    if response.status_code == 204 and not response.content:
        return None
    return content_type_conformance(ctx, response, case)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance_with_body, response_schema_conformance]

# How to make one row of each model for a user; a path id of that model is pointed at it.
ROW_FACTORIES = {
    Certificate: lambda user: CertificateFactory(user=user),
    Project: lambda user: ProjectFactory(user=user),
    Goal: lambda user: GoalFactory(user=user),
    GoalStep: lambda user: GoalStepFactory(goal__user=user),
    Skill: lambda user: SkillFactory(user=user),
}


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """The WSGI app closes the database connection after each request, which would end the test's transaction on
    MariaDB and PostgreSQL; Django's own test client unhooks the same signal handler while it makes a request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _model_of(case) -> type | None:
    """The model behind an operation's path, read from the view the URL resolves to."""
    path = case.operation.full_path.format(**{name: 1 for name in case.path_parameters or {}})
    view_class = getattr(resolve(path).func, "cls", None)
    queryset = getattr(view_class, "queryset", None)
    return queryset.model if queryset is not None else None


@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    user = UserFactory()
    if str((case.path_parameters or {}).get("id", "")).isdigit():  # a malformed id stays, to reach the URL's 404
        make_row = ROW_FACTORIES.get(_model_of(case))
        if make_row is not None:
            case.path_parameters["id"] = make_row(user).pk
    case.headers["Authorization"] = f"Bearer {user_tokens(user=user)['access']}"

    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
def test_success_answers_match_the_schema():
    """Random input rarely gets past validation, so walk the happy path once and check each answer too."""
    pdf = (CERTIFICATES / "data-analysis-with-python.pdf").read_bytes()

    def call(method: str, path: str, status: int, token: str | None = None, **parts):
        case = schema[path][method].Case(**parts)
        if token:
            case.headers["Authorization"] = f"Bearer {token}"
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    credentials = {"email": "ada@example.com", "password": "analytical-engine-1843"}
    call("POST", "/auth/register/", 201, body=credentials)
    for key in ["email", "username", "email_or_username"]:
        tokens = call("POST", "/auth/login/", 200, body={key: "ada@example.com", "password": credentials["password"]})
    access = tokens["access"]
    call("POST", "/auth/refresh/", 200, body={"refresh": tokens["refresh"]})
    call("GET", "/auth/me/", 200, access)
    call("PATCH", "/auth/me/", 200, access, body={"username": "ada"})
    call("PUT", "/auth/me/", 200, access, body={"username": "ada", "email": "ada@example.com"})

    created = call(
        "POST",
        "/certificates/",
        201,
        access,
        body={"title": "Data Analysis", "issuer": "freeCodeCamp", "date_earned": "2024-05-14", "file_upload": pdf},
    )
    listed = call("GET", "/certificates/", 200, access, query={"search": "analysis", "ordering": "title"})
    assert [row["id"] for row in listed["results"]] == [created["id"]]
    assert listed["results"][0]["file_upload"].endswith(".pdf")
    item = {"path_parameters": {"id": created["id"]}}
    call("GET", "/certificates/{id}/", 200, access, **item)
    call("PATCH", "/certificates/{id}/", 200, access, **item, body={"clear_file": "true"})
    call(
        "PUT",
        "/certificates/{id}/",
        200,
        access,
        **item,
        body={"title": "T", "issuer": "I", "date_earned": "2024-01-01"},
    )
    call("DELETE", "/certificates/{id}/", 204, access, **item)

    tokens = call(
        "POST",
        "/auth/change-password/",
        200,
        access,
        body={"current_password": credentials["password"], "new_password": "difference-engine-1822"},
    )
    call("POST", "/auth/logout/", 200, tokens["access"], body={"refresh": tokens["refresh"]})
    call("DELETE", "/auth/me/", 204, tokens["access"])
