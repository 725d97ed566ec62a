"""Health endpoints for load balancers and orchestrators.

/health/ is liveness: the process answers, nothing else is touched, so a database outage never gets healthy app
servers restarted. /health/ready/ is readiness: this instance can reach everything a request may need (database,
cache, file storage); a 503 names the part that failed, so the balancer stops sending traffic until it recovers.

A small module rather than django-health-check: that package answers 500 (not 503) and its database check writes a
row of its own model on every probe.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key, value = f"health-check:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise RuntimeError("a value written to the cache did not read back")
    finally:
        cache.delete(key)


def _check_storage() -> None:
    """Write, read back and delete a tiny file: uploads need all three, and S3 credentials may allow only some."""
    name = default_storage.save(f"health-checks/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as stored:
            if stored.read() != b"ok":
                raise RuntimeError("a file written to the storage did not read back")
    finally:
        default_storage.delete(name)


def _get_only(view: Callable) -> Callable:
    """GET and HEAD only; anything else is a JSON 405 (not the CSRF middleware's HTML 403: probes read JSON)."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapped


CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "storage": _check_storage,
}


@never_cache
@_get_only
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@_get_only
def ready(request):
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # any failure means "not ready"; the log keeps the details, the answer only the kind
            logger.warning("Readiness check %s failed", name, exc_info=True)
            results[name] = f"failing: {type(exc).__name__}"
        else:
            results[name] = "ok"
    failing = [name for name, result in results.items() if result != "ok"]
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing, "checks": results}, status=503)
    return JsonResponse({"status": "ok", "checks": results})
