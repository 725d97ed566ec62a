"""How the API describes itself at /api/schema/, /api/docs/ and /api/redoc/.

drf-yasg infers bodies and success responses from serializers; this module fills in, for every view at once, what it
cannot infer: tag groups, plain-words summaries, the error answers each view really gives, which operations need no
token, multipart uploads for serializers with a file, and the django-filter parameters of every list. A resource
module only adds a `@swagger_auto_schema` where it has something specific to say; its overrides always win.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django_filters import rest_framework as django_filters
from drf_yasg import openapi
from drf_yasg.generators import OpenAPISchemaGenerator
from drf_yasg.inspectors import FieldInspector, FilterInspector, NotHandled, SwaggerAutoSchema
from drf_yasg.utils import swagger_auto_schema
from rest_framework import serializers
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.permissions import AllowAny

# Tag groups in the order Swagger UI and ReDoc show them, each with a one-line description.
TAGS = {
    "Auth": "Accounts and JWT sessions. Log in here, then press Authorize and paste `Bearer <access>`.",
    "Certificates": "Your archive of earned certificates, each with an optional private file.",
    "Projects": "What you built, optionally backed by one of your certificates.",
    "Goals": "Targets with a deadline and a checklist of named steps.",
    "Goal steps": "The named checklist items of your goals.",
    "Skills": "The skills your certificates and projects are tagged with.",
    "Analytics": "Counts and progress figures computed from your own data.",
    "Home": "Reference data for the landing page, the same for everyone; no token needed.",
}

DETAIL_SCHEMA = openapi.Schema(
    type=openapi.TYPE_OBJECT,
    required=["detail"],
    properties={"detail": openapi.Schema(type=openapi.TYPE_STRING)},
)
FIELD_ERRORS_SCHEMA = openapi.Schema(
    type=openapi.TYPE_OBJECT,
    description='Each refused field with its messages, e.g. {"title": ["This field is required."]}; '
    "rules spanning several fields come under non_field_errors, an unreadable body under detail.",
    additional_properties=True,
)

# What each standard viewset action does, in words a person trying the API needs. {one}/{many} are the model's names.
ACTION_TEXTS = {
    "list": (
        "List your {many}",
        "Only your own {many}, {page_size} a page unless `page_size` says otherwise (at most 100), answered as "
        "`{{count, next, previous, results}}`. {narrow}A page past the end is a 404.",
    ),
    "create": (
        "Create a {one}",
        "The new {one} belongs to you, whatever owner the body names. A refused field answers 400 with its messages "
        "and nothing is stored.",
    ),
    "retrieve": ("Read one of your {many}", "Another user's {one} answers 404, exactly as one that does not exist."),
    "update": (
        "Replace a {one}",
        "Send every required field; the answer is the stored {one}. Another user's {one} is a 404.",
    ),
    "partial_update": (
        "Change some fields of a {one}",
        "Send only the fields to change; the answer is the stored {one}. Another user's {one} is a 404.",
    ),
    "destroy": ("Delete a {one}", "Answers 204 with an empty body. Another user's {one} is a 404."),
}
BODY_METHODS = ("post", "put", "patch")


def _docstring_section(view, action: str) -> str:
    """The `action:` paragraph of the view's docstring (DRF's convention for per-action docs), or ""."""
    doc = view.__class__.__doc__ or ""
    match = re.search(rf"^\s*{re.escape(action)}:\s*\n(.*?)(?=^\s*\w+:\s*$|\Z)", doc, re.M | re.S)
    return " ".join(match.group(1).split()) if match else ""


def document_viewset(tag: str, **summaries: str):
    """Class decorator: tag every action of a viewset and give each named action (list, create, ...) its summary."""

    def decorate(viewset):
        for action, summary in summaries.items():
            viewset = method_decorator(
                name=action, decorator=swagger_auto_schema(tags=[tag], operation_summary=summary)
            )(viewset)
        return viewset

    return decorate


class SkillfolioAutoSchema(SwaggerAutoSchema):
    """drf-yasg's auto schema with our defaults for tags, texts, security, error answers and uploads."""

    def _model(self) -> type[models.Model] | None:
        queryset = getattr(self.view, "queryset", None)
        return queryset.model if queryset is not None else None

    def _action(self) -> str:
        return getattr(self.view, "action", None) or self.method.lower()

    def get_tags(self, operation_keys=None):
        """An override's tags, else the model's plural name ("Goal steps"), else the first path segment ("Auth")."""
        if self.overrides.get("tags"):
            return self.overrides["tags"]
        model = self._model()
        if model is not None:
            return [capfirst(str(model._meta.verbose_name_plural))]
        operation_keys = operation_keys or self.operation_keys
        return [capfirst(operation_keys[0])]

    def get_summary_and_description(self):
        summary, description = super().get_summary_and_description()
        model = self._model()
        texts = ACTION_TEXTS.get(self._action())
        if model is None or texts is None:
            return summary, description
        paginator = getattr(self.view, "paginator", None)
        names = {
            "one": model._meta.verbose_name,
            "many": model._meta.verbose_name_plural,
            "page_size": getattr(paginator, "page_size", None) or "all",
            "narrow": self._list_narrowing(),
        }
        generic_summary, generic_description = (text.format(**names) for text in texts)
        if not self.overrides.get("operation_description"):  # absent or empty: say what the action does
            # the viewset's docstring describes the whole resource; an `action:` section of it describes this one
            specific = _docstring_section(self.view, self._action())
            description = f"{specific}\n\n{generic_description}" if specific else generic_description
        return self.overrides.get("operation_summary") or generic_summary, description

    def _has_filterset(self) -> bool:
        backends = getattr(self.view, "filter_backends", None) or []
        uses_django_filter = any(issubclass(backend, django_filters.DjangoFilterBackend) for backend in backends)
        return uses_django_filter and bool(getattr(self.view, "filterset_class", None))

    def _list_narrowing(self) -> str:
        """'The query parameters below filter, search and order the list.', naming only what this list offers."""
        verbs = [
            verb
            for verb, offered in [
                ("filter", self._has_filterset()),
                ("search", getattr(self.view, "search_fields", None)),
                ("order", getattr(self.view, "ordering_fields", None)),
            ]
            if offered
        ]
        if not verbs:
            return ""
        listed = verbs[0] if len(verbs) == 1 else f"{', '.join(verbs[:-1])} and {verbs[-1]}"
        ending = "; a malformed filter value is a 400. " if self._has_filterset() else ". "
        return f"The query parameters below {listed} the list{ending}"

    def _authenticates(self) -> bool:
        return bool(getattr(self.view, "authentication_classes", None))

    def get_security(self):
        """Views open to anyone (register, login, the home data) need no token: say so, and Swagger UI sends none."""
        security = super().get_security()
        permissions = getattr(self.view, "permission_classes", [])
        open_to_anyone = all(isinstance(p, type) and issubclass(p, AllowAny) for p in permissions)
        if security is None and (not self._authenticates() or open_to_anyone):
            return []
        return security

    def _writable_file_field(self) -> bool:
        serializer = self.get_request_serializer()
        if not isinstance(serializer, serializers.Serializer):
            return False
        return any(
            isinstance(field, serializers.FileField) and not field.read_only for field in serializer.fields.values()
        )

    def get_consumes(self):
        """A body with a file is documented as multipart/form-data, so Swagger UI offers a file chooser.

        The view keeps all its parsers (JSON works too, without a file): drf-yasg would only show form fields if the
        view accepted nothing but forms, so the choice is made here rather than by narrowing parser_classes.
        """
        if self.method.lower() in BODY_METHODS and self._writable_file_field():
            return ["multipart/form-data"]
        return super().get_consumes()

    def get_response_serializers(self):
        """The success answer drf-yasg infers, plus the error answers this view really gives (unless overridden)."""
        responses = super().get_response_serializers()
        method = self.method.lower()
        errors = {}
        if method in BODY_METHODS or (self.has_list_response() and self._has_filterset()):
            errors["400"] = openapi.Response("Refused input; nothing was changed.", FIELD_ERRORS_SCHEMA)
        if self.get_security() != []:
            errors["401"] = openapi.Response("No token, or one that is expired, revoked or malformed.", DETAIL_SCHEMA)
        elif self._authenticates():  # no token needed, but one that is sent must be valid
            errors["401"] = openapi.Response("A token was sent and it is expired, revoked or malformed.", DETAIL_SCHEMA)
        if "{" in self.path:
            errors["404"] = openapi.Response("No such row among yours.", DETAIL_SCHEMA)
        elif self.has_list_response() and self.should_page():
            errors["404"] = openapi.Response("A page past the end.", DETAIL_SCHEMA)
        if getattr(self.view, "throttle_classes", None):
            errors["429"] = openapi.Response("Too many requests; retry after the Retry-After seconds.", DETAIL_SCHEMA)
        for status_code, response in errors.items():
            responses.setdefault(status_code, response)
        for status_code, response in responses.items():
            if status_code in ("401", "403", "404", "429") and isinstance(response, str):
                responses[status_code] = openapi.Response(response, DETAIL_SCHEMA)  # DRF answers these as {detail}
        return responses


class BlankableFormatInspector(FieldInspector):
    """A text field that may be blank cannot promise a format: an unset credential_url is "", which is no URI.

    Swagger 2.0 cannot say "a URI or empty", so the format is dropped for such fields (the description says what
    goes in); without this, clients that validate formats refuse the API's own answers.
    """

    def process_result(self, result, method_name, obj, **kwargs):
        blankable = isinstance(obj, serializers.CharField) and obj.allow_blank
        if blankable and isinstance(result, openapi.Schema | openapi.Parameter) and "format" in result:
            del result["format"]
        return result


def _model_field(model: type[models.Model] | None, path: str) -> models.Field | None:
    """Follow a django-filter field_name such as "goal__id" to the model field it ends on."""
    field = None
    for name in path.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(name)
        except Exception:  # a lookup or an annotation, not a field
            return None
        model = field.related_model
    return field


LOOKUP_WORDS = {
    "exact": "equals",
    "iexact": "equals, in any letter case,",
    "gte": "is on or after",
    "lte": "is on or before",
    "gt": "is after",
    "lt": "is before",
    "icontains": "contains, in any letter case,",
    "contains": "contains",
}


def _filter_parameter(name: str, filter_, model: type[models.Model] | None) -> openapi.Parameter:
    comparison = LOOKUP_WORDS.get(filter_.lookup_expr, f"matches ({filter_.lookup_expr})")
    description = str(filter_.extra.get("help_text") or f"Only rows whose `{filter_.field_name}` {comparison} this.")
    kwargs: dict = {"type": openapi.TYPE_STRING}
    if isinstance(filter_, django_filters.BooleanFilter):
        kwargs = {"type": openapi.TYPE_BOOLEAN}
    elif isinstance(filter_, django_filters.NumberFilter | django_filters.ModelChoiceFilter):
        field = _model_field(model, filter_.field_name)
        integer = field is None or isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey)
        kwargs = {"type": openapi.TYPE_INTEGER if integer else openapi.TYPE_NUMBER}
    elif isinstance(filter_, django_filters.DateFilter):
        kwargs = {"type": openapi.TYPE_STRING, "format": openapi.FORMAT_DATE}
    elif isinstance(filter_, django_filters.DateTimeFilter):
        kwargs = {"type": openapi.TYPE_STRING, "format": openapi.FORMAT_DATETIME}
    elif isinstance(filter_, django_filters.ChoiceFilter):
        choices = filter_.extra.get("choices")
        if choices is None:
            field = _model_field(model, filter_.field_name)
            choices = getattr(field, "choices", None) or []
        if callable(choices):
            choices = choices()
        kwargs = {"type": openapi.TYPE_STRING, "enum": [str(value) for value, _label in choices if value != ""]}
    return openapi.Parameter(name, openapi.IN_QUERY, description=description, required=False, **kwargs)


class QueryFilterInspector(FilterInspector):
    """Query parameters for our three filter backends, described in plain words.

    django-filter 25 no longer describes its filters to schema generators, so each FilterSet filter becomes a query
    parameter here; search and ordering name the fields they work on.
    """

    def get_filter_parameters(self, filter_backend):
        view = self.view
        if isinstance(filter_backend, django_filters.DjangoFilterBackend):
            queryset = view.get_queryset()  # the fake docs view answers .none(), which still names the model
            filterset_class = filter_backend.get_filterset_class(view, queryset)
            if filterset_class is None:
                return []
            return [
                _filter_parameter(name, filter_, queryset.model)
                for name, filter_ in filterset_class.base_filters.items()
            ]
        if isinstance(filter_backend, SearchFilter):
            fields = getattr(view, "search_fields", None)
            if not fields:
                return []
            words = ", ".join(field.lstrip("^=@$") for field in fields)
            return [
                openapi.Parameter(
                    filter_backend.search_param,
                    openapi.IN_QUERY,
                    description=f"Words to look for (any letter case) in: {words}. Every word must match.",
                    type=openapi.TYPE_STRING,
                )
            ]
        if isinstance(filter_backend, OrderingFilter):
            fields = getattr(view, "ordering_fields", None)
            if not fields or fields == "__all__":
                return []
            choices = ", ".join(f"`{field}`, `-{field}`" for field in fields)
            default = ", ".join(f"`{field}`" for field in getattr(view, "ordering", None) or [])
            description = f"Sort by {choices} (a leading - means descending; join several with commas). "
            description += (f"Default: {default}. " if default else "") + "An unknown field is ignored."
            return [
                openapi.Parameter(
                    filter_backend.ordering_param, openapi.IN_QUERY, description=description, type=openapi.TYPE_STRING
                )
            ]
        return NotHandled


# Auth operations in the order a newcomer uses them (Swagger UI lists a tag's operations in document order).
AUTH_FLOW = ["/auth/register/", "/auth/login/", "/auth/refresh/", "/auth/me/", "/auth/change-password/"]
AUTH_FLOW += ["/auth/logout/"]


class SkillfolioSchemaGenerator(OpenAPISchemaGenerator):
    """Adds the tag list, so the groups appear in a fixed order with a description each, and puts Auth in flow order."""

    def get_schema(self, request=None, public=False):
        schema = super().get_schema(request, public)
        position = {path: index for index, path in enumerate(AUTH_FLOW)}
        ordered_paths = sorted(schema.paths.items(), key=lambda item: position.get(item[0], len(position)))
        schema.paths = openapi.Paths(paths=dict(ordered_paths))
        used: list[str] = []
        for path_item in schema.paths.values():
            for key, operation in path_item.items():
                if key != "parameters":
                    used += [tag for tag in operation.get("tags", []) if tag not in used]
        ordered = [tag for tag in TAGS if tag in used] + sorted(tag for tag in used if tag not in TAGS)
        schema["tags"] = [{"name": tag, "description": TAGS.get(tag, "")} for tag in ordered]
        return schema


# Set here, not in SWAGGER_SETTINGS: drf-yasg imports its inspectors from settings while this module imports it.
SkillfolioAutoSchema.filter_inspectors = [QueryFilterInspector, *SwaggerAutoSchema.filter_inspectors]
SkillfolioAutoSchema.field_inspectors = [BlankableFormatInspector, *SwaggerAutoSchema.field_inspectors]
