"""Writes that carry a rule. The API, the admin and seed_demo all call these, so a rule holds whoever writes.

Each service validates with full_clean() before saving. File-bearing writes keep the database and the file storage in
step: a new file that never got its row is removed again, and an old file is removed only once the change committed.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from users.models import Certificate, Goal, GoalStep, Project, Skill, User
from users.skill_names import MAX_LENGTH as SKILL_NAME_MAX_LENGTH
from users.skill_names import clean_skill_name, normalize_skill_name, parse_skill_names
from users.tokens import RefreshToken

logger = logging.getLogger(__name__)

# One request naming thousands of skills would create thousands of rows; no real certificate or project needs this many.
MAX_SKILLS_PER_ITEM = 50


# --- Stored files -------------------------------------------------------


def _delete_stored_file(name: str) -> None:
    """Remove a file from storage; a file already gone is not an error (the row is what matters)."""
    try:
        default_storage.delete(name)
    except Exception:  # storage outage: the orphan is logged, the user's request still succeeds
        logger.exception("Could not delete stored file %s", name)


def _delete_files_after_commit(names: list[str]) -> None:
    for name in filter(None, names):
        transaction.on_commit(lambda name=name: _delete_stored_file(name))


def _save_certificate(certificate: Certificate) -> None:
    """Save the row; if that fails after a new file reached the storage, take the file back out."""
    uploading = bool(certificate.file_upload) and not certificate.file_upload._committed
    try:
        with transaction.atomic():
            certificate.save()
    except BaseException:
        if uploading and certificate.file_upload._committed:
            _delete_stored_file(certificate.file_upload.name)
        raise


def stored_files_purge_orphans(*, older_than: datetime.timedelta, dry_run: bool = False) -> list[str]:
    """Remove certificate files that no row names: what a failed storage delete leaves behind (it is logged).

    Files younger than `older_than` are kept, so an upload whose row is still being written is never taken.
    """
    folder = "certificates"
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    referenced = set(Certificate.objects.exclude(file_upload="").values_list("file_upload", flat=True))
    cutoff = timezone.now() - older_than
    orphans = [
        f"{folder}/{name}"
        for name in sorted(names)
        if f"{folder}/{name}" not in referenced and default_storage.get_modified_time(f"{folder}/{name}") <= cutoff
    ]
    if not dry_run:
        for name in orphans:
            _delete_stored_file(name)
    return orphans


# --- Users --------------------------------------------------------------


def _validate_password(password: str, user: User, *, field: str) -> None:
    """Django's password validators, reported on the request field that carried the password."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def _username_for_email(email: str) -> str:
    """The e-mail as username, cut to the username's length, or with a short random suffix when another account already
    has that name in any letter case (it renamed itself to it, or kept it after changing its e-mail). A free e-mail
    can then always sign up, and no two usernames differ only in case."""
    max_length = User._meta.get_field("username").max_length
    candidate = email[:max_length]
    for _attempt in range(5):
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
        suffix = f"-{secrets.token_hex(3)}"
        candidate = f"{email[: max_length - len(suffix)]}{suffix}"
    raise ValidationError({"email": ["Could not derive a free username from this e-mail; try again."]})


def user_register(*, email: str, password: str) -> User:
    """Create an account from an e-mail and a password; the normalized e-mail is also the username when that is free."""
    email = User.objects.normalize_email(email)
    user = User(username=_username_for_email(email), email=email)
    _validate_password(password, user, field="password")
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up with the same address won the race
        raise ValidationError({"email": ["A user with this email already exists."]}) from exc
    return user


def user_tokens(*, user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def user_revoke_tokens(*, user: User) -> None:
    """Refuse every token issued until now: move the user's cut-off (checked for access and refresh tokens) and
    blacklist the outstanding refresh tokens. Called on password change and deactivation."""
    user.tokens_valid_after = timezone.now()
    user.save(update_fields=["tokens_valid_after"])
    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


@transaction.atomic
def user_change_password(*, user: User, new_password: str) -> dict[str, str]:
    """Set a new password, end every other session, and hand back a fresh token pair for this one."""
    _validate_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_revoke_tokens(user=user)
    return user_tokens(user=user)


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    """Switch the account off and revoke its tokens, so reactivating it later does not revive old sessions."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_revoke_tokens(user=user)


@transaction.atomic
def demo_user_reset(*, email: str, password: str) -> User:
    """Get or create the demo account, set its known password, and wipe everything it owns (files after commit).

    The password skips the validators on purpose: the demo account's password is public anyway.
    """
    email = User.objects.normalize_email(email)
    user, _ = User.objects.get_or_create(email=email, defaults={"username": email})
    user.set_password(password)
    user.is_active = True
    user.save()
    for certificate in Certificate.objects.owned_by(user):
        certificate_delete(certificate=certificate)
    user.projects.all().delete()
    user.goals.all().delete()
    user.skills.all().delete()
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account with all its rows, then (after commit) its stored files."""
    file_names = list(
        Certificate.objects.owned_by(user)
        .exclude(file_upload="")
        .exclude(file_upload__isnull=True)
        .values_list("file_upload", flat=True)
    )
    user.delete()
    _delete_files_after_commit(file_names)


# --- Certificates -------------------------------------------------------


def certificate_save(*, certificate: Certificate) -> Certificate:
    """Validate and save a new or changed certificate, keeping storage in step with the row.

    A file that replaced (or was cleared from) the stored row is removed once the change has committed; the name is
    read from the database, so this also holds when a form already put the new file on the instance (the admin).
    """
    old_file_name = None
    if certificate.pk:
        old_file_name = (
            Certificate.objects.filter(pk=certificate.pk).values_list("file_upload", flat=True).first() or None
        )
    certificate.full_clean()
    with transaction.atomic():
        _save_certificate(certificate)
        new_file_name = certificate.file_upload.name if certificate.file_upload else None
        if old_file_name and old_file_name != new_file_name:
            _delete_files_after_commit([old_file_name])
    return certificate


@transaction.atomic
def certificate_create(*, user: User, skills: Iterable[str] | None = None, **fields) -> Certificate:
    """Create a certificate; an uploaded file is checked by content and stored under a server-made name.

    `skills` are names; the ones the user has no skill for yet become new skills.
    """
    linked = skills_for_names(user=user, names=skills) if skills is not None else None  # before any file is stored
    certificate = certificate_save(certificate=Certificate(user=user, **fields))
    if linked is not None:
        certificate.skills.set(linked)
    return certificate


@transaction.atomic
def certificate_update(
    *, certificate: Certificate, clear_file: bool = False, skills: Iterable[str] | None = None, **fields
) -> Certificate:
    """Update fields; a new file replaces the old one and clear_file removes it. `skills`, when given, replaces the
    certificate's skills (names, created when missing); None leaves them as they are."""
    linked = skills_for_names(user=certificate.user, names=skills) if skills is not None else None
    for name, value in fields.items():
        setattr(certificate, name, value)
    if clear_file and not fields.get("file_upload"):
        certificate.file_upload = None
    certificate = certificate_save(certificate=certificate)
    if linked is not None:
        certificate.skills.set(linked)
    return certificate


@transaction.atomic
def certificate_delete(*, certificate: Certificate) -> None:
    """Delete the row (its projects stay, unlinked) and, after commit, its file."""
    file_name = certificate.file_upload.name if certificate.file_upload else None
    certificate.delete()
    _delete_files_after_commit([file_name])


# --- Projects -----------------------------------------------------------


def _clean_text(value: str | None) -> str:
    """Trimmed, with runs of whitespace (newlines included) as single spaces."""
    return " ".join((value or "").split())


def _sentence(text: str) -> str:
    """The text as a sentence: ends with exactly one full stop unless it already ends with . ! or ?"""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _with_article(phrase: str) -> str:
    """'a team project', 'an individual project': the article follows the sound of the first letter."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


# Tense by status: what the project was (completed) or is (planned, in progress).
_TENSES = {
    Project.Status.COMPLETED: {
        "verb": "was",
        "addressed": "It addressed:",
        "challenges": "Challenges faced:",
        "outcome": "Outcome:",
    },
    Project.Status.IN_PROGRESS: {
        "verb": "is",
        "addressed": "It addresses:",
        "challenges": "Challenges so far:",
        "outcome": "Outcome so far:",
    },
    Project.Status.PLANNED: {
        "verb": "is",
        "addressed": "It aims to address:",
        "challenges": "Expected challenges:",
        "outcome": "Expected outcome:",
    },
}


def _project_opening(project: Project, duration: str) -> str:
    kind = f"{project.work_type} project" if project.work_type else "project"
    if project.status == Project.Status.COMPLETED:
        if duration:
            return f"{project.title} was {_with_article(kind)} completed in {duration}."
        return f"{project.title} was {_with_article('completed ' + kind)}."
    if project.status == Project.Status.IN_PROGRESS:
        if duration:
            return f"{project.title} is {_with_article(kind)} that has been in progress for {duration}."
        return f"{project.title} is {_with_article(kind)} in progress."
    if duration:
        return f"{project.title} is {_with_article('planned ' + kind)}, expected to take {duration}."
    return f"{project.title} is {_with_article('planned ' + kind)}."


def project_build_description(project: Project) -> str:
    """Write a description from the guided fields, in the project's tense, using every field that has a value.

    Pure (reads only the instance's own fields), so it is tested without a database.
    """
    tense = _TENSES.get(project.status, _TENSES[Project.Status.PLANNED])
    sentences = [_project_opening(project, _clean_text(project.duration_text))]
    if project.primary_goal:
        goal = Project.PrimaryGoal(project.primary_goal).label
        sentences.append(f"The main goal {tense['verb']} to {goal[:1].lower()}{goal[1:]}.")
    if problem := _clean_text(project.problem_solved):
        sentences.append(_sentence(f"{tense['addressed']} {problem}"))
    if challenges := _clean_text(project.challenges_short):
        sentences.append(_sentence(f"{tense['challenges']} {challenges}"))
    tools_and_skills = ", ".join(
        part.rstrip(".,; ") for part in map(_clean_text, [project.tools_used, project.skills_used]) if part
    )
    if tools_and_skills:
        sentences.append(f"Key tools/skills: {tools_and_skills}.")
    if outcome := _clean_text(project.outcome_short):
        sentences.append(_sentence(f"{tense['outcome']} {outcome}"))
    if improve := _clean_text(project.skills_to_improve):
        sentences.append(_sentence(f"Next, I plan to improve: {improve}"))
    return " ".join(sentences)


def project_duration_text(start: datetime.date | None, end: datetime.date | None) -> str:
    """'3 weeks' for whole weeks, else '10 days' (a project started and finished on one day took '1 day').

    Empty when either date is unknown or the dates are the wrong way round.
    """
    if not start or not end or end < start:
        return ""
    days = max((end - start).days, 1)
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def project_save(*, project: Project) -> Project:
    """Apply the project rules, validate and save.

    end_date only belongs to completed projects; a blank duration_text is derived from the dates; a blank
    description is written from the guided fields. A description or duration the user wrote is kept as is.
    """
    if project.status != Project.Status.COMPLETED:
        project.end_date = None
    if not project.duration_text.strip():
        project.duration_text = project_duration_text(project.start_date, project.end_date)
    if not project.description.strip():
        project.description = project_build_description(project)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_create(*, user: User, skills: Iterable[str] | None = None, **fields) -> Project:
    """Create a project; its skills are the `skills` names plus those written in skills_used and tools_used."""
    project = project_save(project=Project(user=user, **fields))
    project_sync_skills(project=project, skills=skills)
    return project


@transaction.atomic
def project_update(*, project: Project, skills: Iterable[str] | None = None, **fields) -> Project:
    """Update the given fields. A duration or description the server wrote (unchanged since) follows the changes;
    one the user wrote is never overwritten. `skills`, when given, replaces the linked skills; either way the names
    in skills_used and tools_used are linked too.
    """
    derived_duration = project.duration_text == project_duration_text(project.start_date, project.end_date)
    derived_description = project.description == project_build_description(project)
    for name, value in fields.items():
        setattr(project, name, value)
    if derived_duration and "duration_text" not in fields:
        project.duration_text = ""
    if derived_description and "description" not in fields:
        project.description = ""
    project = project_save(project=project)
    project_sync_skills(project=project, skills=skills)
    return project


# --- Goals and their checklist steps ------------------------------------


def _goal_check(goal: Goal, *, previous_deadline: datetime.date | None) -> None:
    """The goal rules with the specification's messages. An overdue goal may keep its deadline; a new one may not
    lie in the past."""
    errors = {}
    if goal.target_projects is None or goal.target_projects <= 0:
        errors["target_projects"] = ["target_projects must be > 0."]
    if goal.deadline and goal.deadline != previous_deadline and goal.deadline < timezone.localdate():
        errors["deadline"] = ["deadline cannot be in the past."]
    if errors:
        raise ValidationError(errors)


def _goals_lock(goal_ids: Iterable[int]) -> None:
    """Lock the goal rows in id order, so two requests touching the same goals cannot deadlock."""
    list(Goal.objects.select_for_update().filter(pk__in=set(goal_ids)).order_by("pk").values_list("pk", flat=True))


def _goal_step_counts(goal_id: int) -> tuple[int, int]:
    """(named steps, named steps done) of one goal."""
    counts = GoalStep.objects.filter(goal_id=goal_id).aggregate(
        total=Count("id"), done=Count("id", filter=Q(is_done=True))
    )
    return counts["total"], counts["done"]


def _goal_sync_step_counts(goal_id: int) -> None:
    """Set total_steps/completed_steps to the goal's named steps. Callers hold the goal's row lock, so the count
    (read committed, Django's level on every backend we run) cannot miss a concurrent change."""
    total, done = _goal_step_counts(goal_id)
    Goal.objects.filter(pk=goal_id).update(total_steps=total, completed_steps=done)


def goal_check(*, goal: Goal) -> None:
    """Validate a new or changed goal against the rules (the admin form calls this before saving)."""
    previous = Goal.objects.filter(pk=goal.pk).values_list("deadline", flat=True).first() if goal.pk else None
    _goal_check(goal, previous_deadline=previous)


@transaction.atomic
def goal_save(*, goal: Goal) -> Goal:
    """Validate and save a goal; clamp the manual counters.

    While the goal has named steps, those steps are the truth: total_steps/completed_steps written here are
    replaced by the counts of the steps (a client sending stale counters cannot break them).
    """
    previous_deadline = None
    if goal.pk:  # the lock the step services take too: a goal save and a step change never interleave
        previous_deadline = (
            Goal.objects.select_for_update().filter(pk=goal.pk).values_list("deadline", flat=True).first()
        )
    _goal_check(goal, previous_deadline=previous_deadline)
    goal.completed_projects = min(goal.completed_projects, goal.target_projects)
    if goal.pk:
        total, done = _goal_step_counts(goal.pk)
        if total:
            goal.total_steps, goal.completed_steps = total, done
    goal.completed_steps = min(goal.completed_steps, goal.total_steps)
    goal.full_clean()
    goal.save()
    return goal


def goal_create(*, user: User, **fields) -> Goal:
    return goal_save(goal=Goal(user=user, **fields))


def goal_update(*, goal: Goal, **fields) -> Goal:
    for name, value in fields.items():
        setattr(goal, name, value)
    return goal_save(goal=goal)


def _goal_step_lock_goals(step: GoalStep) -> set[int]:
    """Lock the step's goal and, for a saved step, the goal it is stored under (they differ on a move).

    Goals are locked in id order, so requests touching the same goals queue up instead of deadlocking. The stored
    goal is read again under the lock in case a concurrent request moved this very step in between.
    """
    for _attempt in range(3):  # a step moved again and again between read and lock: give up after a few tries
        stored_goal_id = (
            GoalStep.objects.filter(pk=step.pk).values_list("goal_id", flat=True).first() if step.pk else None
        )
        goal_ids = {step.goal_id, stored_goal_id} - {None}
        _goals_lock(goal_ids)
        if stored_goal_id is None or GoalStep.objects.filter(pk=step.pk, goal_id=stored_goal_id).exists():
            return goal_ids
    raise ValidationError({"goal": ["This step is being changed by another request; try again."]})


@transaction.atomic
def goal_step_save(*, step: GoalStep) -> GoalStep:
    """Create or change a step (rename, tick, reorder, move) and recount its goal, and its old goal on a move,
    in the same transaction. Every recount runs under the goals' row locks, so parallel changes cannot drift."""
    goal_ids = _goal_step_lock_goals(step)
    step.full_clean()
    step.save()
    for goal_id in sorted(goal_ids):
        _goal_sync_step_counts(goal_id)
    return step


def goal_step_create(*, goal: Goal, **fields) -> GoalStep:
    return goal_step_save(step=GoalStep(goal=goal, **fields))


def goal_step_update(*, step: GoalStep, **fields) -> GoalStep:
    for name, value in fields.items():
        setattr(step, name, value)
    return goal_step_save(step=step)


@transaction.atomic
def goal_step_delete(*, step: GoalStep) -> None:
    """Delete a step and recount the goal it was stored under."""
    step.goal_id = GoalStep.objects.filter(pk=step.pk).values_list("goal_id", flat=True).first() or step.goal_id
    goal_ids = _goal_step_lock_goals(step)
    step.delete()
    for goal_id in sorted(goal_ids):
        _goal_sync_step_counts(goal_id)


# --- Skills -------------------------------------------------------------


def skill_name_clash(*, user: User, name: str, exclude: Skill | None = None) -> Skill | None:
    """The user's other skill that already has this name, whatever its letter case or spacing, if any."""
    taken = Skill.objects.owned_by(user).filter(normalized_name=normalize_skill_name(name))
    if exclude is not None and exclude.pk:
        taken = taken.exclude(pk=exclude.pk)
    return taken.first()


def skill_clash_message(existing: Skill) -> str:
    return f'You already have the skill "{existing.name}"; merge the two instead.'


def skill_save(*, skill: Skill) -> Skill:
    """Validate and save a new or renamed skill. A name another of the user's skills has (in any case) is refused."""
    existing = skill_name_clash(user=skill.user, name=skill.name or "", exclude=skill)
    if existing is not None:
        raise ValidationError({"name": [skill_clash_message(existing)]})
    skill.full_clean(validate_constraints=False)  # the clash check above words the unique constraint's failure better
    try:
        with transaction.atomic():
            skill.save()
    except IntegrityError as exc:  # a concurrent request took the name first
        raise ValidationError({"name": [f'You already have the skill "{skill.name}".']}) from exc
    return skill


def skill_create(*, user: User, name: str) -> Skill:
    """Add a skill by name; a name the user already has (in any case) is refused."""
    return skill_save(skill=Skill(user=user, name=name))


def skill_rename(*, skill: Skill, name: str) -> Skill:
    """Change the spelling of a skill; its evidence stays. Another skill's name, in any case, is refused."""
    skill.name = name
    return skill_save(skill=skill)


def skills_for_names(*, user: User, names: Iterable[str]) -> list[Skill]:
    """The user's skills for these names, in order and each once; a name they have no skill for becomes one.

    Names match regardless of letter case and spacing; a new skill keeps the first spelling given.
    """
    wanted: dict[str, str] = {}
    for raw in names:
        name = clean_skill_name(raw)
        if not name:
            continue
        if len(name) > SKILL_NAME_MAX_LENGTH:
            raise ValidationError({"skills": [f"A skill name has at most {SKILL_NAME_MAX_LENGTH} characters."]})
        wanted.setdefault(normalize_skill_name(name), name)
    if len(wanted) > MAX_SKILLS_PER_ITEM:
        raise ValidationError(
            {
                "skills": [
                    f"At most {MAX_SKILLS_PER_ITEM} skills per item (skills, skills_used and tools_used together)."
                ]
            }
        )
    known = {skill.normalized_name: skill for skill in Skill.objects.owned_by(user).filter(normalized_name__in=wanted)}
    skills = []
    for key, name in wanted.items():
        skill = known.get(key)
        if skill is None:
            try:
                with transaction.atomic():
                    skill = Skill(user=user, name=name)
                    skill.full_clean(validate_constraints=False)
                    skill.save()
            except IntegrityError:  # created meanwhile by a concurrent request: use that one
                skill = Skill.objects.owned_by(user).get(normalized_name=key)
        skills.append(skill)
    return skills


@transaction.atomic
def skill_merge(*, into: Skill, skills: Iterable[Skill]) -> Skill:
    """Move every certificate and project of `skills` to `into`, then delete `skills`: one skill, all the evidence.

    All skills must belong to one user; `into` keeps its name. Runs in one transaction: a failure moves nothing.
    """
    sources = list(skills)
    if any(source.user_id != into.user_id for source in sources):
        raise ValidationError({"skills": ["Skill not found."]})
    if any(source.pk == into.pk for source in sources):
        raise ValidationError({"skills": ["A skill cannot be merged into itself."]})
    source_ids = [source.pk for source in sources]
    # Lock every skill involved in id order first: two opposite merges (A<-B, B<-A) then run one after the other,
    # and the second finds its source gone (a 400) instead of a deadlock or a foreign-key error (a 500).
    wanted = sorted({into.pk, *source_ids})
    locked = list(Skill.objects.select_for_update().filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
    if locked != wanted:
        raise ValidationError({"skills": ["Skill not found."]})
    into.certificates.add(*Certificate.objects.filter(skills__in=source_ids).values_list("pk", flat=True).distinct())
    into.projects.add(*Project.objects.filter(skills__in=source_ids).values_list("pk", flat=True).distinct())
    Skill.objects.filter(pk__in=source_ids).delete()
    return into


def skill_delete(*, skill: Skill) -> None:
    """Delete a skill: its certificates and projects stay, unlinked from it (project text fields are untouched)."""
    skill.delete()


def project_skill_names_from_text(project: Project) -> list[str]:
    """Skill names written in a project's skills_used and tools_used text; fragments too long for a name are prose,
    not skills, and are left out."""
    names = parse_skill_names([project.skills_used, project.tools_used])
    return [name for name in names if len(name) <= SKILL_NAME_MAX_LENGTH]


def project_sync_skills(*, project: Project, skills: Iterable[str] | None = None) -> None:
    """Link a saved project to its skills: the `skills` names when given (else the skills it has), plus every name
    in its skills_used/tools_used text. The text itself is kept as written. Call it on every project write."""
    names = list(skills) if skills is not None else list(project.skills.values_list("name", flat=True))
    project.skills.set(skills_for_names(user=project.user, names=[*names, *project_skill_names_from_text(project)]))
