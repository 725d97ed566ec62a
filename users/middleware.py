"""Request-level guards that must run before any view reads the body."""

from django.conf import settings
from django.http import JsonResponse


def request_body_limit(get_response):
    """Refuse a body whose declared size is over REQUEST_BODY_MAX_BYTES with a JSON 413, before it is read.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves multipart file data out, so without this a huge upload would be
    spooled to disk before the 5 MB file rule could refuse it.
    """

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Invalid Content-Length header."}, status=400)
        if length > settings.REQUEST_BODY_MAX_BYTES:
            limit = settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024)
            return JsonResponse({"detail": f"Request body too large (limit {limit} MB)."}, status=413)
        return get_response(request)

    return middleware
