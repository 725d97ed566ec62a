"""The REST_FRAMEWORK defaults the settings point at: pagination, ordering and error handling.

Kept apart from users.api.base because DRF imports these while it builds its generic views.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.http import JsonResponse
from django.views import csrf as csrf_views
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N, 10 a page (the SPA's pager assumes 10), ?page_size= up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100


class GoalPagination(PageNumberPagination):
    """Goals come 100 to a page: the SPA only ever reads the first page of goals, and a learner has dozens at most."""

    page_size = 100


class StableOrderingFilter(OrderingFilter):
    """OrderingFilter that always ends with the primary key, so equal sort keys cannot shuffle between pages.

    Fields a view lists in `ordering_nulls_last` put empty values last in both directions, on every database (each
    backend has its own default for NULLs).
    """

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if ordering and not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            ordering.append("-id" if ordering[-1].startswith("-") else "id")
        return ordering

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        nulls_last = set(getattr(view, "ordering_nulls_last", []))
        return queryset.order_by(*(self._with_nulls_last(field, nulls_last) for field in ordering))

    @staticmethod
    def _with_nulls_last(field, nulls_last: set[str]):
        if not isinstance(field, str) or field.lstrip("-") not in nulls_last:
            return field
        if field.startswith("-"):
            return F(field[1:]).desc(nulls_last=True)
        return F(field).asc(nulls_last=True)


def exception_handler(exc, context):
    """DRF's handler, plus Django ValidationErrors (model clean(), services) as 400s instead of 500s."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(as_serializer_error(exc))
    return drf_exception_handler(exc, context)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt  # a POST to an unknown path is a 404, not a CSRF failure
def api_not_found(request, *args, **kwargs):
    """JSON 404 for any unknown path, so a client never has to parse an HTML error page."""
    return JsonResponse({"detail": "Not found."}, status=404)


def api_server_error(request, *args, **kwargs):
    return JsonResponse({"detail": "Server error."}, status=500)


def api_bad_request(request, exception=None, *args, **kwargs):
    """400 for what Django refuses before a view runs: a bad Host header, a body over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return JsonResponse({"detail": "Request body too large."}, status=413)
    return JsonResponse({"detail": "Bad request."}, status=400)


def api_permission_denied(request, exception=None, *args, **kwargs):
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)


def csrf_failure(request, reason: str = "", template_name=None):
    """The API uses bearer tokens, not cookies, so CSRF only guards the admin; an API path still answers JSON."""
    if not _is_api(request):
        return csrf_views.csrf_failure(request, reason=reason)
    return JsonResponse({"detail": f"CSRF check failed: {reason}"}, status=403)
