"""Bare baseline views: the same JSON pages as the API, from one hand-written SQL query and orjson.

They are what the benchmark divides by. No DRF, no serializer, no ORM: the JWT is checked (signature and expiry,
as every API request does), one statement fetches the page together with its total, and orjson writes the bytes.
Routed under /bench/ only while BENCHMARK_MODE is on (skillfolio/urls.py); never in production.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

import orjson
from django.db import connection
from django.http import HttpRequest, HttpResponse
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken

from users.api.certificates import certificate_file_link
from users.models import Certificate

PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


def _json(data, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data, option=orjson.OPT_UTC_Z), status=status, content_type="application/json")


def _user_id(request: HttpRequest) -> int | None:
    kind, _, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if kind != "Bearer" or not raw:
        return None
    try:
        return int(AccessToken(raw)[jwt_settings.USER_ID_CLAIM])
    except (TokenError, KeyError, ValueError):
        return None


def _aware(value) -> datetime.datetime:
    """Raw cursors hand back naive datetimes (MariaDB) or strings (SQLite); the API writes them as UTC."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


def _like(column: str) -> str:
    escape = " ESCAPE '\\'" if connection.vendor == "sqlite" else ""
    return f"UPPER({column}) LIKE UPPER(%s){escape}"


def _search(request: HttpRequest, columns: Sequence[str]) -> tuple[list[str], list]:
    """DRF's SearchFilter semantics: every term must appear (any case) in one of the columns."""
    where, params = [], []
    for term in request.GET.get("search", "").replace(",", " ").split():
        pattern = f"%{connection.ops.prep_for_like_query(term)}%"
        where.append("(" + " OR ".join(_like(column) for column in columns) + ")")
        params += [pattern] * len(columns)
    return where, params


def _page(
    request: HttpRequest,
    *,
    table: str,
    columns: str,
    where: list[str],
    params: list,
    order: str,
    item: Callable[[tuple], dict],
) -> HttpResponse:
    """One statement: the page's rows, each carrying the filtered total from an uncorrelated subquery."""
    try:
        page = int(request.GET.get("page", 1))
        size = min(int(request.GET.get("page_size", PAGE_SIZE)), MAX_PAGE_SIZE)
    except ValueError:
        return _json({"detail": "Invalid page."}, status=404)
    if page < 1 or size < 1:
        return _json({"detail": "Invalid page."}, status=404)
    condition = " AND ".join(where)
    sql = (
        f"SELECT {columns}, (SELECT COUNT(*) FROM {table} t WHERE {condition}) "
        f"FROM {table} t WHERE {condition} ORDER BY {order} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, size, (page - 1) * size])
        rows = cursor.fetchall()
    if not rows and page > 1:
        return _json({"detail": "Invalid page."}, status=404)
    count = rows[0][-1] if rows else 0
    url = request.build_absolute_uri()
    next_url = replace_query_param(url, "page", page + 1) if page * size < count else None
    if page == 1:
        previous_url = None
    elif page == 2:
        previous_url = remove_query_param(url, "page")
    else:
        previous_url = replace_query_param(url, "page", page - 1)
    return _json({"count": count, "next": next_url, "previous": previous_url, "results": [item(row) for row in rows]})


def _certificate_item(request: HttpRequest) -> Callable[[tuple], dict]:
    def item(row: tuple) -> dict:
        pk, title, issuer, date_earned, file_upload, project_count, created_at, updated_at, _ = row
        link = None
        if file_upload:
            link = certificate_file_link(Certificate(pk=pk, title=title, file_upload=file_upload), request)
        return {
            "id": pk,
            "title": title,
            "issuer": issuer,
            "date_earned": date_earned,
            "file_upload": link,
            "project_count": project_count,
            "created_at": _aware(created_at),
            "updated_at": _aware(updated_at),
        }

    return item


def certificate_list(request: HttpRequest) -> HttpResponse:
    """GET /api/certificates/ with ?page, ?page_size, ?search and ?issuer, newest date_earned first."""
    user_id = _user_id(request)
    if user_id is None:
        return _json({"detail": "Authentication credentials were not provided."}, status=401)
    where, params = ["t.user_id = %s"], [user_id]
    search_where, search_params = _search(request, ["t.title", "t.issuer"])
    where += search_where
    params += search_params
    if "issuer" in request.GET:
        where.append("UPPER(t.issuer) = UPPER(%s)")
        params.append(request.GET["issuer"])
    return _page(
        request,
        table="users_certificate",
        columns=(
            "t.id, t.title, t.issuer, t.date_earned, t.file_upload, "
            "(SELECT COUNT(*) FROM users_project p WHERE p.certificate_id = t.id AND p.user_id = t.user_id), "
            "t.created_at, t.updated_at"
        ),
        where=where,
        params=params,
        order="t.date_earned DESC, t.id DESC",
        item=_certificate_item(request),
    )


def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /api/certificates/<id>/: one row of the caller's, or a 404."""
    user_id = _user_id(request)
    if user_id is None:
        return _json({"detail": "Authentication credentials were not provided."}, status=401)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id, t.title, t.issuer, t.date_earned, t.file_upload, "
            "(SELECT COUNT(*) FROM users_project p WHERE p.certificate_id = t.id AND p.user_id = t.user_id), "
            "t.created_at, t.updated_at, NULL FROM users_certificate t WHERE t.id = %s AND t.user_id = %s",
            [pk, user_id],
        )
        row = cursor.fetchone()
    if row is None:
        return _json({"detail": "No Certificate matches the given query."}, status=404)
    return _json(_certificate_item(request)(row))
