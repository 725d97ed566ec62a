"""The API's one router and its non-router endpoints (auth, analytics, file links)."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView, DefaultRouter

from users.api import analytics, auth, home
from users.api.certificates import CertificateFileView, CertificateViewSet
from users.api.goals import GoalStepViewSet, GoalViewSet
from users.api.projects import ProjectViewSet
from users.api.skills import SkillViewSet


class PublicAPIRootView(APIRootView):
    """GET /api/: links to every resource list, open to anyone so a newcomer's first click lands somewhere."""

    permission_classes = [AllowAny]
    swagger_schema = None


router = DefaultRouter(trailing_slash=True)
router.APIRootView = PublicAPIRootView
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("projects", ProjectViewSet, basename="project")
router.register("goals", GoalViewSet, basename="goal")
router.register("goalsteps", GoalStepViewSet, basename="goalstep")
router.register("skills", SkillViewSet, basename="skill")

urlpatterns = [
    path("auth/register/", auth.RegisterView.as_view(), name="auth-register"),
    path("auth/login/", auth.LoginView.as_view(), name="auth-login"),
    path("auth/refresh/", auth.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", auth.MeView.as_view(), name="auth-me"),
    path("auth/change-password/", auth.ChangePasswordView.as_view(), name="auth-change-password"),
    path("platforms/", home.LearningPlatformListView.as_view(), name="platform-list"),
    path("announcements/", home.AnnouncementListView.as_view(), name="announcement-list"),
    path("facts/random/", home.RandomFactView.as_view(), name="fact-random"),
    path("analytics/summary/", analytics.SummaryView.as_view(), name="analytics-summary"),
    path("analytics/goals-progress/", analytics.GoalsProgressView.as_view(), name="analytics-goals-progress"),
    path("analytics/skills/", analytics.SkillsView.as_view(), name="analytics-skills"),
    path("files/certificates/<str:token>/<str:filename>", CertificateFileView.as_view(), name="certificate-file"),
    *router.urls,
]
