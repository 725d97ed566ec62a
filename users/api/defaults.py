"""The REST_FRAMEWORK defaults the settings point at: pagination, ordering and error handling.

Kept apart from users.api.base because DRF imports these while it builds its generic views.
"""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import F, QuerySet, Subquery
from django.http import JsonResponse
from django.views import csrf as csrf_views
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend as BaseDjangoFilterBackend
from rest_framework import filters, pagination
from rest_framework.exceptions import ValidationError
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from users.querysets import CountRows

# The largest OFFSET/LIMIT every database accepts (a signed 64-bit integer).
MAX_OFFSET = 2**63 - 1


class OneQueryPaginator(Paginator):
    """Django's Paginator, but the total comes with the page's rows: one query instead of COUNT(*) then the page.

    Every row of the page carries the filtered total from an uncorrelated scalar subquery, which the database runs
    once; where the database allows it, the rows are picked by key first, so a deep page costs what the first does.
    Falls back to Django's two queries where that subquery could miscount (DISTINCT, GROUP BY, unions) and when the
    count is needed first (`?page=last`).
    """

    total_attribute = "_page_total"

    def _counts_inline(self) -> bool:
        if "count" in self.__dict__ or self.orphans or not isinstance(self.object_list, QuerySet):
            return False
        query = self.object_list.query
        return not (query.distinct or query.combinator or query.group_by is not None or query.is_sliced)

    def _rows_to_count(self) -> QuerySet:
        """The list's rows without their order and computed columns: all the COUNT needs.

        A filter on a computed column (a goal's status) holds its own copy of the expression in WHERE, so dropping the
        annotations only empties the SELECT list; the statement then no longer carries the page's correlated
        subqueries, which Django also resolved and relabelled again for the subquery (a sixth of a small goals page).
        """
        rows = self.object_list.order_by()
        rows.query.annotations = {}  # a copy (order_by() cloned the query); nothing in the WHERE refers to it by name
        return rows

    def page(self, number):
        if not self._counts_inline():
            return super().page(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        total = self._rows_to_count().annotate(**{self.total_attribute: CountRows()})
        page = self.object_list.annotate(**{self.total_attribute: Subquery(total.values(self.total_attribute))})
        bottom, top = (number - 1) * self.per_page, number * self.per_page
        if top > MAX_OFFSET:  # past any table's end, and beyond what LIMIT/OFFSET take: the query failed (a 500)
            raise EmptyPage(self.error_messages["no_results"])
        if bottom and connections[self.object_list.db].features.allow_sliced_subqueries_with_in:
            # Deferred join: the index finds the page's keys, and the annotations (correlated subqueries) are computed
            # for those rows only, not for every row an OFFSET skips. The first page skips nothing, so it is a plain
            # LIMIT, cheaper to build; MariaDB cannot LIMIT inside IN, so it always pages with a plain OFFSET.
            rows = list(page.filter(pk__in=self.object_list.values("pk")[bottom:top]))
        else:
            rows = list(page[bottom:top])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        self.count = getattr(rows[0], self.total_attribute) if rows else 0
        return self._get_page(rows, number, self)


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N, 10 a page (the SPA's pager assumes 10), ?page_size= up to 100."""

    django_paginator_class = OneQueryPaginator
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = "Page number, from 1. A page past the end is a 404."

    @property
    def page_size_query_description(self) -> str:  # read by the API docs
        return (
            f"Rows per page, at most {self.max_page_size} (more gives {self.max_page_size}); "
            f"{self.page_size} when absent or not a positive number."
        )


class GoalPagination(PageNumberPagination):
    """Goals come 100 to a page: the SPA only ever reads the first page of goals, and a learner has dozens at most."""

    page_size = 100


class DjangoFilterBackend(BaseDjangoFilterBackend):
    """django-filter's backend, skipped when the request names none of the view's filters.

    Building the FilterSet and its form costs about a tenth of a list request; with no filter parameter every filter
    would be a no-op anyway. A parameter that merely starts with a filter's name (range suffixes such as
    `deadline_after`) still runs the full FilterSet, so validation errors are never skipped.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        names = tuple(filterset_class.base_filters)
        if not any(parameter.startswith(names) for parameter in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class SearchFilter(filters.SearchFilter):
    """DRF's SearchFilter, its refusals keyed by the parameter like every other bad filter: DRF raises a bare list
    for a ?search= holding a null character. Without a ?search= it does nothing, not even build the field that
    checks the value."""

    def get_search_terms(self, request):
        if not request.query_params.get(self.search_param):
            return []
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from exc


class StableOrderingFilter(filters.OrderingFilter):
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
