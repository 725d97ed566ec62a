"""The request body parser the settings point at: DRF's JSON parser, refusing lone surrogate escapes.

A module of its own, importing no DRF view: DRF imports parsers while it builds APIView, so a module that imports
rest_framework.views (as users.api.defaults does) would make that import circular.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a string with a lone surrogate escape such as "\\ud800".

    Python's json accepts those escapes, but such a string can be neither stored nor sent back as UTF-8: left in, it
    fails later, in the database driver or while rendering an error message that quotes it (a 500).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            json.dumps(data, ensure_ascii=False, allow_nan=True).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ParseError("JSON parse error - a string holds a lone surrogate escape (\\ud800-\\udfff).") from exc
        return data
