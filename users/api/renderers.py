"""The API's JSON renderer: drf-orjson-renderer's, writing the same bytes DRF's own renderer did."""

from drf_orjson_renderer.renderers import ORJSONRenderer


class JSONRenderer(ORJSONRenderer):
    """orjson writes U+2028 and U+2029 (line and paragraph separators) as they are; DRF escapes them, so that a body
    pasted into a <script> stays valid JavaScript for engines older than ES2019. Escaped here too."""

    def render(self, data, media_type=None, renderer_context=None) -> bytes:
        body = super().render(data, media_type, renderer_context)
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
