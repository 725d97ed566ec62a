"""The pure progress maths (no database): GoalQuerySet.with_progress() hands it the row, Goal's properties read it."""

import pytest

from users.querysets import GoalProgress, goal_progress


@pytest.mark.parametrize(
    "figures, expected",
    [
        ({"owner_completed": 1, "target_projects": 800}, GoalProgress(0.13, 0, 0, 0)),  # 0.125: halves go up
        ({"owner_completed": 2, "target_projects": 3}, GoalProgress(66.67, 0, 0, 66)),  # floored integer percents
        ({"owner_completed": 9, "target_projects": 3}, GoalProgress(100.0, 0, 0, 100)),  # capped
        ({"completed_projects": 3, "total_steps": 3, "completed_steps": 1}, GoalProgress(0.0, 60, 33, 46)),
        ({"owner_completed": 1, "total_steps": 0}, GoalProgress(20.0, 0, 0, 20)),  # no checklist: projects alone
    ],
)
def test_goal_progress(figures, expected):
    row = {"target_projects": 5, "completed_projects": 0, "total_steps": 0, "completed_steps": 0, "owner_completed": 0}

    assert goal_progress(**(row | figures)) == expected
