"""Set every goal's step counters to its named steps, once: the API now reads total_steps/completed_steps as the
checklist, so a goal whose counters drifted before the step services kept them in sync must not show stale figures.
Goals without named steps keep their manual counters."""

from django.db import migrations
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery


def resync(apps, schema_editor):
    Goal = apps.get_model("users", "Goal")
    GoalStep = apps.get_model("users", "GoalStep")
    steps = GoalStep.objects.filter(goal=OuterRef("pk")).order_by().values("goal")
    Goal.objects.filter(Exists(steps)).update(
        total_steps=Subquery(steps.annotate(n=Count("id")).values("n"), output_field=IntegerField()),
        completed_steps=Subquery(
            steps.annotate(n=Count("id", filter=Q(is_done=True))).values("n"), output_field=IntegerField()
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("users", "0005_bounded_project_texts")]

    operations = [migrations.RunPython(resync, migrations.RunPython.noop)]
