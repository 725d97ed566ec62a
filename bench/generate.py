"""Fill an empty database with a reproducible learner population for the benchmark.

100 users; the first one ("heavy") has 10,000 certificates, 5,000 projects (half linked to one of its certificates)
and 300 goals with 10 steps each; the others have a few of each, so every query has other owners' rows to skip.
Everything comes from one seeded random generator and goes in with bulk_create, so a run takes seconds.

    DJANGO_SETTINGS_MODULE=skillfolio.settings python -m bench.generate --flush --seed 7
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

HEAVY_EMAIL = "heavy@bench.skillfolio.dev"
LIGHT_EMAIL = "learner1@bench.skillfolio.dev"
PASSWORD = "bench-password-1843"

TOPICS = [
    "Python",
    "Django",
    "Data Analysis",
    "Machine Learning",
    "Deep Learning",
    "SQL",
    "PostgreSQL",
    "JavaScript",
    "React",
    "TypeScript",
    "Node.js",
    "AWS Cloud",
    "Azure",
    "Google Cloud",
    "Kubernetes",
    "Docker",
    "Linux",
    "Git and GitHub",
    "Cybersecurity",
    "Networking",
    "UX Design",
    "Agile Project Management",
    "Data Visualization",
    "Statistics",
    "Rust",
    "Go",
    "Java",
    "Spring Boot",
    "Excel",
    "Power BI",
]
KINDS = [
    "Fundamentals",
    "for Everybody",
    "Professional Certificate",
    "Specialization",
    "Bootcamp",
    "Associate",
    "Advanced Techniques",
    "Essentials",
    "Capstone",
    "in Practice",
]
ISSUERS = [
    "Coursera",
    "edX",
    "Udemy",
    "freeCodeCamp",
    "Amazon Web Services",
    "Google",
    "Microsoft",
    "The Linux Foundation",
    "DataCamp",
    "Pluralsight",
    "Codecademy",
    "Meta",
]
PROJECT_SUBJECTS = [
    "Inventory dashboard",
    "Budget tracker",
    "Weather app",
    "Recipe finder",
    "Portfolio site",
    "Chat bot",
    "Habit tracker",
    "Job board scraper",
    "Sales forecast",
    "Image classifier",
    "REST API",
    "CLI tool",
    "Blog engine",
    "Library catalogue",
]
TOOLS = ["Python", "Django", "React", "PostgreSQL", "Docker", "pandas", "scikit-learn", "TypeScript", "AWS", "Redis"]
GOAL_TITLES = [
    "Ship {n} portfolio projects",
    "Finish {n} data projects",
    "Build {n} full-stack apps",
    "Publish {n} open-source tools",
]
STEP_TITLES = [
    "Pick the idea",
    "Write the spec",
    "Set up the repository",
    "Build the data model",
    "Write the API",
    "Build the UI",
    "Write tests",
    "Deploy",
    "Write the README",
    "Share it",
]


@dataclass(frozen=True)
class Scale:
    """How much data to make. The defaults are the benchmark's; tests use a tiny one."""

    users: int = 100
    heavy_certificates: int = 10_000
    heavy_projects: int = 5_000
    heavy_goals: int = 300
    steps_per_goal: int = 10
    light_certificates: int = 20
    light_projects: int = 8
    light_goals: int = 3
    skills: int = 40


@contextlib.contextmanager
def historical_timestamps(*fields) -> Iterator[None]:
    """Let bulk_create keep the creation times we give it instead of "now" (auto_now_add would overwrite them)."""
    saved = [(field, field.auto_now_add) for field in fields]
    for field, _ in saved:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field, value in saved:
            field.auto_now_add = value


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(rng.randrange(8, 22), rng.randrange(60)), datetime.UTC)


BENCHMARK_SCALE = Scale()


def generate(*, seed: int = 7, scale: Scale = BENCHMARK_SCALE) -> dict[str, int]:
    """Create the population; returns the row counts. Expects a database without bench users."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from users.models import Certificate, Goal, GoalStep, Project, Skill, User

    rng = random.Random(seed)
    today = datetime.date.today()
    password = make_password(PASSWORD)  # hashed once: 100 strong hashes would take most of a minute

    def past_day(max_days: int = 8 * 365) -> datetime.date:
        return today - datetime.timedelta(days=rng.randrange(1, max_days))

    with (
        transaction.atomic(),
        historical_timestamps(
            Certificate._meta.get_field("created_at"),
            Project._meta.get_field("date_created"),
            Goal._meta.get_field("created_at"),
        ),
    ):
        users = User.objects.bulk_create(
            User(
                username=email,
                email=email,
                password=password,
                date_joined=_at(past_day(), rng),
            )
            for email in [HEAVY_EMAIL] + [f"learner{n}@bench.skillfolio.dev" for n in range(1, scale.users)]
        )
        heavy = users[0]
        sizes = {
            user.pk: (
                (scale.heavy_certificates, scale.heavy_projects, scale.heavy_goals)
                if user is heavy
                else (scale.light_certificates, scale.light_projects, scale.light_goals)
            )
            for user in users
        }

        skills = Skill.objects.bulk_create(
            Skill(user=heavy, name=name, normalized_name=Skill.normalize(name))
            for name in list({name.casefold(): name for name in TOPICS + TOOLS}.values())[: scale.skills]
        )

        certificates = []
        for user in users:
            for _ in range(sizes[user.pk][0]):
                earned = past_day()
                expires = earned + datetime.timedelta(days=3 * 365) if rng.random() < 0.3 else None
                created = _at(earned + datetime.timedelta(days=rng.randrange(0, 30)), rng)
                certificates.append(
                    Certificate(
                        user=user,
                        title=f"{rng.choice(TOPICS)} {rng.choice(KINDS)}",
                        issuer=rng.choice(ISSUERS),
                        date_earned=earned,
                        expires_on=expires,
                        credential_id=f"{rng.randrange(16**10):010X}" if rng.random() < 0.5 else "",
                        created_at=created,
                        updated_at=created,
                    )
                )
        certificates = Certificate.objects.bulk_create(certificates, batch_size=2000)
        by_owner: dict[int, list[Certificate]] = {}
        for certificate in certificates:
            by_owner.setdefault(certificate.user_id, []).append(certificate)

        Certificate.skills.through.objects.bulk_create(
            (
                Certificate.skills.through(certificate_id=certificate.pk, skill_id=skill.pk)
                for certificate in by_owner[heavy.pk]
                for skill in rng.sample(skills, rng.randrange(0, 3))
            ),
            batch_size=5000,
        )

        projects = []
        for user in users:
            for index in range(sizes[user.pk][1]):
                start = past_day(6 * 365)
                end = min(start + datetime.timedelta(days=rng.randrange(7, 120)), today)
                status = rng.choice(Project.Status.values)
                tools = ", ".join(rng.sample(TOOLS, 3))
                created = _at(start, rng)
                projects.append(
                    Project(
                        user=user,
                        certificate=rng.choice(by_owner[user.pk]) if index % 2 == 0 and by_owner.get(user.pk) else None,
                        title=f"{rng.choice(PROJECT_SUBJECTS)} with {rng.choice(TOOLS)}",
                        description=f"A {status.replace('_', ' ')} project built with {tools}.",
                        status=status,
                        work_type=rng.choice(Project.WorkType.values + [None]),
                        primary_goal=rng.choice(Project.PrimaryGoal.values + [None]),
                        start_date=start,
                        end_date=end if status == Project.Status.COMPLETED else None,
                        duration_text=f"{(end - start).days} days",
                        tools_used=tools,
                        skills_used=", ".join(rng.sample(TOPICS, 2)),
                        problem_solved="Kept track of something that used to live in a spreadsheet.",
                        challenges_short="Modelling the data and keeping queries fast.",
                        outcome_short="Works and is used every week.",
                        skills_to_improve="Testing, deployment",
                        date_created=created,
                        updated_at=created,
                    )
                )
        projects = Project.objects.bulk_create(projects, batch_size=2000)

        goals = []
        for user in users:
            for _ in range(sizes[user.pk][2]):
                created = _at(past_day(3 * 365), rng)
                target = rng.randrange(1, 11)
                goals.append(
                    Goal(
                        user=user,
                        title=rng.choice(GOAL_TITLES).format(n=target),
                        target_projects=target,
                        completed_projects=rng.randrange(0, target + 1),
                        deadline=created.date() + datetime.timedelta(days=rng.randrange(30, 720)),
                        created_at=created,
                        updated_at=created,
                    )
                )
        goals = Goal.objects.bulk_create(goals, batch_size=2000)

        steps = []
        for goal in goals:
            done = 0
            for order in range(scale.steps_per_goal):
                is_done = rng.random() < 0.4
                done += is_done
                steps.append(
                    GoalStep(goal=goal, title=STEP_TITLES[order % len(STEP_TITLES)], is_done=is_done, order=order)
                )
            goal.total_steps, goal.completed_steps = scale.steps_per_goal, done
        GoalStep.objects.bulk_create(steps, batch_size=5000)
        Goal.objects.bulk_update(goals, ["total_steps", "completed_steps"], batch_size=1000)

    return {
        "users": len(users),
        "certificates": len(certificates),
        "projects": len(projects),
        "goals": len(goals),
        "goal steps": len(steps),
    }


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would do on a live database after such a load."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        elif connection.vendor == "mysql":
            tables = ", ".join(connection.ops.quote_name(name) for name in connection.introspection.table_names())
            cursor.execute(f"ANALYZE TABLE {tables}")
            cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--flush", action="store_true", help="empty the whole database first (bench database only)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    if args.flush:
        call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    counts = generate(seed=args.seed)
    analyze()
    summary = ", ".join(f"{value:,} {name}" for name, value in counts.items())
    print(f"generated {summary} in {time.perf_counter() - started:.1f} s (seed {args.seed})")


if __name__ == "__main__":
    main()
