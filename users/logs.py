"""Log records as JSON lines that carry the request's X-Request-ID and never a credential.

Nothing here logs request bodies or headers, so passwords never reach a log. What can still carry a credential is a
URL (a signed file link), an exception message or a stray token: the formatter masks those patterns in every field of
the record before it is serialized.
"""

from __future__ import annotations

import re

from django.conf import settings
from gunicorn import glogging
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

REDACTED = "[redacted]"
_PATTERNS = [
    (re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+"), REDACTED),  # any JWT
    (re.compile(r"(/api/files/certificates/)[^/\s\"']+"), rf"\1{REDACTED}"),  # the signed part of a file link
    (re.compile(r"(?i)(bearer\s+)[^\s\"']+"), rf"\1{REDACTED}"),
    (
        re.compile(
            r"(?i)((?:password|passwd|secret|token|access|refresh|api_key)[\w-]*[\"']?\s*[:=]\s*[\"']?)[^\"'&\s,}]+"
        ),
        rf"\1{REDACTED}",
    ),
]


def redact(text: str) -> str:
    """Mask credentials: JWTs, file-link signatures, bearer values, key=value secrets, the SECRET_KEY itself."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS] if settings.configured else []
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter, with the request object reduced to method and path, and every field redacted."""

    def add_fields(self, log_record, record, message_dict) -> None:
        super().add_fields(log_record, record, message_dict)
        request = log_record.pop("request", None)
        if request is not None and hasattr(request, "method"):
            log_record["method"] = request.method
            log_record["path"] = request.path

    def process_log_record(self, log_data):
        return {key: redact(value) if isinstance(value, str) else value for key, value in log_data.items()}


class RedactedAtoms(glogging.SafeAtoms):
    """gunicorn's access-log atoms, each masked by redact() when the log format reads it: a format names a handful
    of the atoms (every request and response header, every environ value), so only those are scanned."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        return redact(value) if isinstance(value, str) else value


class RedactingGunicornLogger(glogging.Logger):
    """gunicorn's logger (gunicorn.conf.py's logger_class): the access log's request line, path, query, headers and
    environ values go through redact() too, so a file link or a bearer token never lands in the access log."""

    atoms_wrapper_class = RedactedAtoms
