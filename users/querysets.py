"""Chainable reads shared by the API, the admin, selectors and seed_demo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, F, Q

if TYPE_CHECKING:
    from users.models import User


class OwnedQuerySet(models.QuerySet):
    """Rows that belong to one user. `owner_lookup` is the path from the row to its owner."""

    owner_lookup = "user"

    def owned_by(self, user: User) -> OwnedQuerySet:
        """Only the rows `user` owns: the one definition of "owned" for every model."""
        return self.filter(**{self.owner_lookup: user})


class CertificateQuerySet(OwnedQuerySet):
    def with_project_count(self) -> CertificateQuerySet:
        """Annotate project_count: the owner's projects linked to each certificate, in the list query itself."""
        return self.annotate(project_count=Count("projects", filter=Q(projects__user=F("user")), distinct=True))


class ProjectQuerySet(OwnedQuerySet):
    pass


class GoalQuerySet(OwnedQuerySet):
    pass


class GoalStepQuerySet(OwnedQuerySet):
    owner_lookup = "goal__user"


class SkillQuerySet(OwnedQuerySet):
    pass
