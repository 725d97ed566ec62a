"""Top-level routes: the JSON API under /api/, its docs, the admin and the health checks."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_yasg import openapi
from drf_yasg.views import get_schema_view
from rest_framework.permissions import AllowAny

from skillfolio import health
from users.api.defaults import api_not_found

schema_view = get_schema_view(
    openapi.Info(
        title="Skillfolio API",
        default_version="v1",
        description="Certificates, projects, goals and analytics for self-learners. Authorize with `Bearer <access>`.",
    ),
    public=True,
    permission_classes=[AllowAny],
)

urlpatterns = [
    path("health/", health.live, name="health-live"),
    path("health/ready/", health.ready, name="health-ready"),
    path("admin/", admin.site.urls),
    path("api/docs/", schema_view.with_ui("swagger", cache_timeout=0), name="api-docs"),
    path("api/redoc/", schema_view.with_ui("redoc", cache_timeout=0), name="api-redoc"),
    path("api/schema/", schema_view.without_ui(cache_timeout=0), name="api-schema"),
    *([path("bench/", include("bench.urls"))] if settings.BENCHMARK_MODE else []),  # never routed in production
    path("api/", include("users.api.urls")),
    re_path(r"^api/", api_not_found),  # unknown API paths answer JSON, in DEBUG too
]

handler400 = "users.api.defaults.api_bad_request"
handler403 = "users.api.defaults.api_permission_denied"
handler404 = "users.api.defaults.api_not_found"
handler500 = "users.api.defaults.api_server_error"
