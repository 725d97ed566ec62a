"""Dashboard analytics: read-only summaries of the caller's own data."""

from drf_yasg.utils import swagger_auto_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from users.querysets import GOAL_STATUSES
from users.selectors import analytics_goals_progress, analytics_skills, analytics_summary


class ProjectsByStatusSerializer(serializers.Serializer):
    planned = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    completed = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    certificates_count = serializers.IntegerField()
    projects_count = serializers.IntegerField()
    goals_count = serializers.IntegerField()
    goals_completed_count = serializers.IntegerField(help_text="Goals whose status is achieved.")
    goals_in_progress_count = serializers.IntegerField(help_text="Goals whose status is on_track.")
    goals_completion_rate_percent = serializers.IntegerField(help_text="Achieved goals out of all goals, 0-100.")
    projects_by_status = ProjectsByStatusSerializer()
    certificates_expired = serializers.IntegerField(help_text="Certificates whose expires_on has passed.")
    certificates_expiring_within_30_days = serializers.IntegerField(
        help_text="Certificates still valid that expire within 30 days (today included)."
    )
    skills_count = serializers.IntegerField(help_text="Your skills, with or without evidence.")


class GoalProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    target_projects = serializers.IntegerField()
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=GOAL_STATUSES)
    progress_percent = serializers.FloatField()
    projects_progress_percent = serializers.IntegerField()
    steps_progress_percent = serializers.IntegerField()
    overall_progress_percent = serializers.IntegerField()


class SummaryView(APIView):
    @swagger_auto_schema(
        tags=["Analytics"],
        operation_summary="Counts of your certificates, projects and goals, with goal completion.",
        operation_description="Everything is counted over your own rows only; a new account answers zeros.",
        responses={200: SummarySerializer},
    )
    def get(self, request):
        return Response(SummarySerializer(analytics_summary(user=request.user)).data)


class GoalsProgressView(APIView):
    @swagger_auto_schema(
        tags=["Analytics"],
        operation_summary="Each of your goals with its progress percents, newest first.",
        operation_description="One entry per goal, not paginated, with its project, checklist and overall percents.",
        responses={200: GoalProgressSerializer(many=True)},
    )
    def get(self, request):
        return Response(GoalProgressSerializer(analytics_goals_progress(user=request.user), many=True).data)


class TopSkillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    certificate_count = serializers.IntegerField()
    project_count = serializers.IntegerField()
    evidence_count = serializers.IntegerField()
    first_seen = serializers.DateField(allow_null=True)
    last_seen = serializers.DateField(allow_null=True)
    has_valid_certificate = serializers.BooleanField()


class SkillMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    certificates_earned = serializers.IntegerField()
    projects_completed = serializers.IntegerField(help_text="Completed projects by the month of their end_date.")


class SkillsAnalyticsSerializer(serializers.Serializer):
    top_skills = TopSkillSerializer(many=True, help_text="Up to 10 skills with evidence, most evidence first.")
    timeline = SkillMonthSerializer(many=True, help_text="The last 12 months, oldest first; empty months are 0.")


class SkillsView(APIView):
    @swagger_auto_schema(
        tags=["Analytics"],
        operation_summary="Your top skills by evidence, and certificates earned / projects completed per month.",
        operation_description="Counted over your own certificates and projects only; a new account answers zeros.",
        responses={200: SkillsAnalyticsSerializer},
    )
    def get(self, request):
        return Response(SkillsAnalyticsSerializer(analytics_skills(user=request.user)).data)
