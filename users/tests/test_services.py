"""Pure rules, tested without a database: the project description and duration writers."""

import datetime

import pytest

from users.models import Project
from users.services import project_build_description, project_duration_text


def describe(**fields) -> str:
    return project_build_description(Project(title=fields.pop("title", "Tracker"), **fields))


def test_spec_example_exactly():
    project = Project(
        title="Portfolio Dashboard",
        status="completed",
        work_type="team",
        duration_text="2 weeks",
        primary_goal="deliver_feature",
        tools_used="React, Django, DRF",
        skills_used="React, Zustand, Tailwind",
        problem_solved="Visualize certificate progress in one place.",
        outcome_short="Shipped a responsive dashboard showing live stats.",
        skills_to_improve="Test coverage and CI",
    )

    assert project_build_description(project) == (
        "Portfolio Dashboard was a team project completed in 2 weeks. The main goal was to deliver a functional "
        "feature. It addressed: Visualize certificate progress in one place. Key tools/skills: React, Django, DRF, "
        "React, Zustand, Tailwind. Outcome: Shipped a responsive dashboard showing live stats. Next, I plan to "
        "improve: Test coverage and CI."
    )


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"status": "completed"}, "Tracker was a completed project."),
        ({"status": "completed", "work_type": "individual"}, "Tracker was a completed individual project."),
        ({"status": "completed", "work_type": "individual", "duration_text": "3 weeks"},
         "Tracker was an individual project completed in 3 weeks."),
        ({"status": "in_progress"}, "Tracker is a project in progress."),
        ({"status": "in_progress", "work_type": "individual"}, "Tracker is an individual project in progress."),
        ({"status": "in_progress", "duration_text": "10 days"},
         "Tracker is a project that has been in progress for 10 days."),
        ({"status": "planned"}, "Tracker is a planned project."),
        ({"status": "planned", "work_type": "team", "duration_text": "a month"},
         "Tracker is a planned team project, expected to take a month."),
    ],
)  # fmt: skip
def test_opening_sentence_follows_status_work_type_and_duration(fields, expected):
    assert describe(**fields) == expected


@pytest.mark.parametrize(
    "status, expected",
    [
        ("completed", "The main goal was to build a demo. It addressed: Slow pages. Challenges faced: Caching. "
                      "Outcome: Fast pages."),
        ("in_progress", "The main goal is to build a demo. It addresses: Slow pages. Challenges so far: Caching. "
                        "Outcome so far: Fast pages."),
        ("planned", "The main goal is to build a demo. It aims to address: Slow pages. Expected challenges: Caching. "
                    "Expected outcome: Fast pages."),
    ],
)  # fmt: skip
def test_tense_follows_status(status, expected):
    text = describe(
        status=status,
        primary_goal="build_demo",
        problem_solved="Slow pages",
        challenges_short="Caching",
        outcome_short="Fast pages",
    )

    assert text.split(". ", 1)[1] == expected


def test_every_guided_field_with_a_value_is_used():
    text = describe(
        status="completed",
        work_type="team",
        duration_text="1 week",
        primary_goal="practice_skill",
        problem_solved="p",
        challenges_short="c",
        tools_used="t",
        skills_used="s",
        outcome_short="o",
        skills_to_improve="i",
    )

    assert text == (
        "Tracker was a team project completed in 1 week. The main goal was to practice a new skill. It addressed: p. "
        "Challenges faced: c. Key tools/skills: t, s. Outcome: o. Next, I plan to improve: i."
    )


def test_no_doubled_full_stops_and_own_punctuation_is_kept():
    text = describe(status="completed", outcome_short="Shipped!", skills_to_improve="Testing.", problem_solved="Why?")

    assert ".." not in text
    assert "Outcome: Shipped!" in text
    assert "Next, I plan to improve: Testing." in text
    assert "It addressed: Why?" in text


def test_whitespace_and_newlines_are_tidied_and_blank_fields_skipped():
    text = describe(status="planned", tools_used="  React,\n  Vite  ", skills_used="   ", outcome_short="\n")

    assert text == "Tracker is a planned project. Key tools/skills: React, Vite."


@pytest.mark.parametrize("goal, phrase", [
    ("practice_skill", "to practice a new skill."),
    ("deliver_feature", "to deliver a functional feature."),
    ("build_demo", "to build a demo."),
    ("solve_problem", "to solve a real problem."),
])  # fmt: skip
def test_primary_goal_phrases(goal, phrase):
    assert describe(status="completed", primary_goal=goal).endswith(phrase)


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (datetime.date(2025, 1, 21), datetime.date(2025, 2, 11), "3 weeks"),
        (datetime.date(2025, 1, 1), datetime.date(2025, 1, 11), "10 days"),
        (datetime.date(2025, 1, 1), datetime.date(2025, 1, 8), "1 week"),
        (datetime.date(2025, 1, 1), datetime.date(2025, 1, 2), "1 day"),
        (datetime.date(2025, 1, 1), datetime.date(2025, 1, 1), "1 day"),
        (datetime.date(2025, 1, 1), None, ""),
        (None, datetime.date(2025, 1, 1), ""),
        (datetime.date(2025, 1, 2), datetime.date(2025, 1, 1), ""),
    ],
)
def test_duration_text(start, end, expected):
    assert project_duration_text(start, end) == expected
