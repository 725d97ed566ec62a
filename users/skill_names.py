"""Skill names as text: how a name is normalized and how "React, DRF; SQL" splits into names.

Pure functions with no database access, so the data migration can import them as well as the services.
"""

import re
from collections.abc import Iterable

SEPARATORS = re.compile(r"[,;\n]")
MAX_LENGTH = 100  # Skill.name's max_length


def normalize_skill_name(name: str) -> str:
    """The key two spellings share when they are the same skill: inner spaces collapsed, trimmed, case-folded."""
    return " ".join(name.split()).casefold()


def clean_skill_name(name: str) -> str:
    """The display spelling: the user's own letters, with runs of whitespace collapsed and the ends trimmed."""
    return " ".join(name.split())


def parse_skill_names(texts: str | Iterable[str] | None) -> list[str]:
    """Split comma/semicolon/line separated text into skill names, in order, each name once (first spelling kept).

    Accepts one string or several (each is split too), so ["Python, SQL", "python"] gives ["Python", "SQL"].
    """
    if texts is None or isinstance(texts, str):
        texts = [texts]
    names: dict[str, str] = {}
    for text in texts:
        for part in SEPARATORS.split(text or ""):
            name = clean_skill_name(part)
            if name:
                names.setdefault(normalize_skill_name(name), name)
    return list(names.values())
