"""Bare baseline views: the same JSON pages as the API, from one hand-written SQL query and orjson.

They are what the benchmark divides by. No DRF, no serializer, no ORM: the JWT is checked (signature and expiry,
as every API request does), one statement fetches the page together with its total, and orjson writes the bytes.
Routed under /bench/ only while BENCHMARK_MODE is on (skillfolio/urls.py); never in production.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import orjson
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import AccessToken

from users.api.certificates import certificate_file_link
from users.api.defaults import GoalPagination
from users.models import Certificate, Project

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
    model,
    columns: list[str],
    where: list[str],
    params: list,
    order: list[tuple[str, str]],
    item: Callable[[tuple, list[str]], dict],
) -> HttpResponse:
    """One statement: the page's rows (each carrying the filtered total from an uncorrelated subquery) as a derived
    table, LEFT JOINed to those rows' skills; rows come back once per skill and are folded here."""
    try:
        page = int(request.GET.get("page", 1))
        size = min(int(request.GET.get("page_size", PAGE_SIZE)), MAX_PAGE_SIZE)
    except ValueError:
        return _json({"detail": "Invalid page."}, status=404)
    if page < 1 or size < 1:
        return _json({"detail": "Invalid page."}, status=404)
    table = model._meta.db_table
    through = model.skills.through._meta
    owner_column = model.skills.field.m2m_column_name()
    condition = " AND ".join(where)
    inner = ", ".join(f"{column} AS c{index}" for index, column in enumerate(columns))
    sort = ", ".join(f"t.{column} AS o{index}" for index, (column, _) in enumerate(order))
    outer_order = ", ".join(f"g.o{index} {direction}" for index, (_, direction) in enumerate(order))
    inner_order = ", ".join(f"t.{column} {direction}" for column, direction in order)
    sql = (
        f"SELECT g.*, sk.name FROM (SELECT {inner}, {sort}, "
        f"(SELECT COUNT(*) FROM {table} t WHERE {condition}) AS total "
        f"FROM {table} t WHERE {condition} ORDER BY {inner_order} LIMIT %s OFFSET %s) g "
        f"LEFT JOIN {through.db_table} x ON x.{owner_column} = g.c0 LEFT JOIN users_skill sk ON sk.id = x.skill_id "
        f"ORDER BY {outer_order}, sk.normalized_name, sk.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, size, (page - 1) * size])
        rows = cursor.fetchall()
    if not rows and page > 1:
        return _json({"detail": "Invalid page."}, status=404)
    width = len(columns)
    folded: dict[int, tuple] = {}
    skills: dict[int, list[str]] = {}
    for row in rows:
        folded.setdefault(row[0], row[:width])
        names = skills.setdefault(row[0], [])
        if row[-1] is not None:
            names.append(row[-1])
    count = rows[0][width + len(order)] if rows else 0
    url = request.build_absolute_uri()
    next_url = replace_query_param(url, "page", page + 1) if page * size < count else None
    results = [item(row, skills[pk]) for pk, row in folded.items()]
    return _json({"count": count, "next": next_url, "previous": _previous_link(url, page), "results": results})


def _previous_link(url: str, page: int) -> str | None:
    """DRF's: none on page 1, the URL without ?page for page 2."""
    if page == 1:
        return None
    if page == 2:
        return remove_query_param(url, "page")
    return replace_query_param(url, "page", page - 1)


CERTIFICATE_COLUMNS = [
    "t.id",
    "t.title",
    "t.issuer",
    "t.date_earned",
    "t.expires_on",
    "t.credential_id",
    "t.credential_url",
    "t.file_upload",
    "(SELECT COUNT(*) FROM users_project p WHERE p.certificate_id = t.id AND p.user_id = t.user_id)",
    "t.created_at",
    "t.updated_at",
]


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _certificate_item(request: HttpRequest) -> Callable[[tuple, list[str]], dict]:
    today = timezone.localdate()

    def item(row: tuple, skills: list[str]) -> dict:
        pk, title, issuer, date_earned, expires_on, credential_id, credential_url, file_upload = row[:8]
        project_count, created_at, updated_at = row[8:11]
        expires_on = _date(expires_on)
        link = None
        if file_upload:
            link = certificate_file_link(Certificate(pk=pk, title=title, file_upload=file_upload), request)
        return {
            "id": pk,
            "title": title,
            "issuer": issuer,
            "date_earned": date_earned,
            "expires_on": expires_on,
            "is_expired": expires_on is not None and expires_on < today,
            "days_until_expiry": (expires_on - today).days if expires_on else None,
            "credential_id": credential_id,
            "credential_url": credential_url,
            "skills": skills,
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
        model=Certificate,
        columns=CERTIFICATE_COLUMNS,
        where=where,
        params=params,
        order=[("date_earned", "DESC"), ("id", "DESC")],
        item=_certificate_item(request),
    )


def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /api/certificates/<id>/: one row of the caller's with its skills, or a 404."""
    user_id = _user_id(request)
    if user_id is None:
        return _json({"detail": "Authentication credentials were not provided."}, status=401)
    through = Certificate.skills.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(CERTIFICATE_COLUMNS)}, sk.name FROM users_certificate t "
            f"LEFT JOIN {through} x ON x.certificate_id = t.id LEFT JOIN users_skill sk ON sk.id = x.skill_id "
            "WHERE t.id = %s AND t.user_id = %s ORDER BY sk.normalized_name, sk.id",
            [pk, user_id],
        )
        rows = cursor.fetchall()
    if not rows:
        return _json({"detail": "No Certificate matches the given query."}, status=404)
    return _json(_certificate_item(request)(rows[0], [row[-1] for row in rows if row[-1] is not None]))


PROJECT_COLUMNS = [
    "title",
    "description",
    "certificate_id",
    "status",
    "work_type",
    "primary_goal",
    "start_date",
    "end_date",
    "duration_text",
    "tools_used",
    "skills_used",
    "problem_solved",
    "challenges_short",
    "outcome_short",
    "skills_to_improve",
]


def _project_item(row: tuple, skills: list[str]) -> dict:
    item = {"id": row[0]}
    item.update(zip([name.removesuffix("_id") for name in PROJECT_COLUMNS], row[1:-2], strict=True))
    item["skills"] = skills
    item["date_created"], item["updated_at"] = _aware(row[-2]), _aware(row[-1])
    return item


def project_list(request: HttpRequest) -> HttpResponse:
    """GET /api/projects/ with ?page, ?page_size, ?search, ?status and ?certificate, newest first."""
    user_id = _user_id(request)
    if user_id is None:
        return _json({"detail": "Authentication credentials were not provided."}, status=401)
    where, params = ["t.user_id = %s"], [user_id]
    search_where, search_params = _search(request, ["t.title", "t.description", "t.skills_used", "t.tools_used"])
    where += search_where
    params += search_params
    if "status" in request.GET:
        where.append("t.status = %s")
        params.append(request.GET["status"])
    if "certificate" in request.GET:
        where.append("t.certificate_id = %s")
        params.append(int(request.GET["certificate"]))
    return _page(
        request,
        model=Project,
        columns=["t.id", *(f"t.{name}" for name in PROJECT_COLUMNS), "t.date_created", "t.updated_at"],
        where=where,
        params=params,
        order=[("date_created", "DESC"), ("id", "DESC")],
        item=_project_item,
    )


def _percent(part: int, whole: int) -> int:
    """Floor of part/whole as a percent, in floating point like the database computes it."""
    return int(math.floor(float(part) * 100.0 / float(whole)))


def _goal_item(row: tuple, steps: list[dict], today: datetime.date) -> dict:
    """The goal's computed fields, by the same arithmetic GoalQuerySet.with_progress() asks the database for."""
    pk, user_id, title, target, completed_projects, deadline, total_steps, completed_steps = row[:8]
    created_at, updated_at, owner_completed = row[8], row[9], row[11]
    if isinstance(deadline, str):
        deadline = datetime.date.fromisoformat(deadline)
    named_done = sum(step["is_done"] for step in steps)
    steps_total = len(steps) if steps else total_steps
    steps_completed = named_done if steps else completed_steps
    exact = Decimal(repr(float(owner_completed) * 100.0 / float(target)))
    progress = min(float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)), 100.0)
    projects_percent = min(_percent(completed_projects, target), 100)
    steps_percent = 0 if steps_total == 0 else min(_percent(steps_completed, steps_total), 100)
    projects_part = max(projects_percent, min(_percent(owner_completed, target), 100))
    overall = projects_part if steps_total == 0 else int(math.floor((projects_part + steps_percent) / 2.0))
    target_met = owner_completed >= target or completed_projects >= target
    if target_met and (steps_total == 0 or steps_completed >= steps_total):
        status = "achieved"
    elif deadline < today:
        status = "expired"
    else:
        status = "on_track"
    return {
        "id": pk,
        "user": user_id,
        "title": title,
        "target_projects": target,
        "completed_projects": completed_projects,
        "deadline": deadline,
        "total_steps": total_steps,
        "completed_steps": completed_steps,
        "progress_percent": progress,
        "projects_progress_percent": projects_percent,
        "steps_total": steps_total,
        "steps_completed": steps_completed,
        "steps_progress_percent": steps_percent,
        "overall_progress_percent": overall,
        "status": status,
        "days_left": max((deadline - today).days, 0),
        "steps": steps,
        "created_at": _aware(created_at),
        "updated_at": _aware(updated_at),
    }


def goal_list(request: HttpRequest) -> HttpResponse:
    """GET /api/goals/ with ?page, ?page_size and ?deadline, newest first (100 a page), each goal with its steps.

    One statement: the page of goals (with the total and the owner's completed projects) as a derived table,
    LEFT JOINed to the steps of those goals only.
    """
    user_id = _user_id(request)
    if user_id is None:
        return _json({"detail": "Authentication credentials were not provided."}, status=401)
    try:
        page = int(request.GET.get("page", 1))
        size = min(int(request.GET.get("page_size", GoalPagination.page_size)), MAX_PAGE_SIZE)
    except ValueError:
        return _json({"detail": "Invalid page."}, status=404)
    if page < 1 or size < 1:
        return _json({"detail": "Invalid page."}, status=404)
    where, params = ["t.user_id = %s"], [user_id]
    if "deadline" in request.GET:
        where.append("t.deadline = %s")
        params.append(request.GET["deadline"])
    condition = " AND ".join(where)
    order = connection.ops.quote_name("order")
    sql = (
        "SELECT g.id, g.user_id, g.title, g.target_projects, g.completed_projects, g.deadline, g.total_steps, "
        f"g.completed_steps, g.created_at, g.updated_at, g.total, g.owner_completed, s.id, s.title, s.is_done, "
        f"s.{order}, s.created_at FROM ("
        "SELECT t.id, t.user_id, t.title, t.target_projects, t.completed_projects, t.deadline, t.total_steps, "
        "t.completed_steps, t.created_at, t.updated_at, "
        f"(SELECT COUNT(*) FROM users_goal t WHERE {condition}) AS total, "
        "(SELECT COUNT(*) FROM users_project p WHERE p.user_id = t.user_id AND p.status = 'completed') "
        f"AS owner_completed FROM users_goal t WHERE {condition} "
        "ORDER BY t.created_at DESC, t.id DESC LIMIT %s OFFSET %s"
        f") g LEFT JOIN users_goalstep s ON s.goal_id = g.id ORDER BY g.created_at DESC, g.id DESC, s.{order}, s.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, size, (page - 1) * size])
        rows = cursor.fetchall()
    if not rows and page > 1:
        return _json({"detail": "Invalid page."}, status=404)
    goals: dict[int, tuple] = {}
    steps: dict[int, list[dict]] = {}
    for row in rows:
        goals.setdefault(row[0], row)
        steps.setdefault(row[0], [])
        if row[12] is not None:
            steps[row[0]].append(
                {
                    "id": row[12],
                    "goal": row[0],
                    "title": row[13],
                    "is_done": bool(row[14]),
                    "order": row[15],
                    "created_at": _aware(row[16]),
                }
            )
    today = timezone.localdate()
    count = rows[0][10] if rows else 0
    url = request.build_absolute_uri()
    return _json(
        {
            "count": count,
            "next": replace_query_param(url, "page", page + 1) if page * size < count else None,
            "previous": _previous_link(url, page),
            "results": [_goal_item(row, steps[pk], today) for pk, row in goals.items()],
        }
    )
