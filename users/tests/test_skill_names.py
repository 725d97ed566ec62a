"""The skill-name text rules, tested without a database."""

import pytest

from users.skill_names import normalize_skill_name, parse_skill_names


@pytest.mark.parametrize(
    "text, names",
    [
        ("React, Zustand, Tailwind", ["React", "Zustand", "Tailwind"]),
        ("a, b; c", ["a", "b", "c"]),
        ("  Django   REST ,, ;  ", ["Django REST"]),
        ("Python, python ,PYTHON", ["Python"]),
        ("SQL\nGit", ["SQL", "Git"]),
        ("", []),
        (None, []),
    ],
)
def test_parse_splits_trims_and_keeps_first_spelling(text, names):
    assert parse_skill_names(text) == names


def test_parse_accepts_several_texts_and_dedupes_across_them():
    assert parse_skill_names(["React, DRF", "drf; Docker", " react "]) == ["React", "DRF", "Docker"]


def test_normalize_ignores_case_and_spacing():
    assert normalize_skill_name("  Machine   Learning ") == normalize_skill_name("machine learning")
    assert normalize_skill_name("Straße") == normalize_skill_name("STRASSE")
