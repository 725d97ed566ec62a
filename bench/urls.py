"""Baseline routes, included by skillfolio/urls.py only while BENCHMARK_MODE is on."""

from django.urls import path

from bench import views

urlpatterns = [
    path("baseline/certificates/", views.certificate_list, name="bench-certificate-list"),
    path("baseline/certificates/<int:pk>/", views.certificate_detail, name="bench-certificate-detail"),
    path("baseline/projects/", views.project_list, name="bench-project-list"),
    path("baseline/goals/", views.goal_list, name="bench-goal-list"),
]
