"""Every routed /api/ endpoint, read from users.api.urls (the router included), for tests that must cover them all.

New resources and actions are picked up without touching the tests: a viewset's model is built with the factory in
users.tests.factories whose model matches.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from rest_framework.permissions import AllowAny
from rest_framework.viewsets import ViewSetMixin

from users.api import urls as api_urls
from users.tests import factories


@dataclass(frozen=True)
class Endpoint:
    name: str
    view_class: type
    methods: tuple[str, ...]
    url_kwargs: tuple[str, ...]  # names of the path's captured arguments

    @property
    def is_viewset(self) -> bool:
        return issubclass(self.view_class, ViewSetMixin)

    @property
    def is_public(self) -> bool:
        return all(issubclass(permission, AllowAny) for permission in self.view_class.permission_classes)

    @property
    def model(self):
        return self.view_class.queryset.model if self.is_viewset else None


def api_endpoints() -> list[Endpoint]:
    endpoints = []
    for pattern in api_urls.urlpatterns:
        view = pattern.callback
        kwargs = tuple(pattern.pattern.regex.groupindex)
        if "format" in kwargs:  # the router's ".json" twins of each route
            continue
        actions = getattr(view, "actions", None)
        if actions:
            # DRF adds "head" to a viewset's actions once it has served a GET: leave it out either way
            methods = tuple(method.upper() for method in actions if method not in ("options", "head"))
        else:
            methods = tuple(
                method.upper()
                for method in view.cls.http_method_names
                if method not in ("options", "head") and hasattr(view.cls, method)
            )
        endpoints.append(Endpoint(pattern.name, view.cls, methods, kwargs))
    return endpoints


def factory_for(model):
    for _, factory in inspect.getmembers(factories, inspect.isclass):
        if issubclass(factory, factories.factory.django.DjangoModelFactory) and factory._meta.model is model:
            return factory
    raise LookupError(f"No factory in users.tests.factories builds {model.__name__}")


def owned_object(model, user):
    """One row of `model` owned by `user`, built by its factory (owner reached through the queryset's lookup)."""
    lookup = model.objects.all().owner_lookup
    path = lookup.split("__")
    if path == ["user"]:
        return factory_for(model)(user=user)
    parent_field = model._meta.get_field(path[0])
    parent = owned_object(parent_field.related_model, user)
    return factory_for(model)(**{path[0]: parent})
