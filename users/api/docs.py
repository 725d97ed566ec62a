"""Swagger grouping: one tag per resource and a plain-words summary per operation."""

from django.utils.decorators import method_decorator
from drf_yasg.utils import swagger_auto_schema


def document_viewset(tag: str, **summaries: str):
    """Class decorator: tag every action of a viewset and give each named action (list, create, ...) its summary."""

    def decorate(viewset):
        for action, summary in summaries.items():
            viewset = method_decorator(
                name=action, decorator=swagger_auto_schema(tags=[tag], operation_summary=summary)
            )(viewset)
        return viewset

    return decorate
