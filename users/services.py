"""Writes that carry a rule. The API, the admin and seed_demo all call these, so a rule holds whoever writes.

Each service validates with full_clean() before saving. File-bearing writes keep the database and the file storage in
step: a new file that never got its row is removed again, and an old file is removed only once the change committed.
"""

from __future__ import annotations

import logging

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from users.models import Certificate, User

logger = logging.getLogger(__name__)


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


# --- Users --------------------------------------------------------------


def _validate_password(password: str, user: User, *, field: str) -> None:
    """Django's password validators, reported on the request field that carried the password."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def user_register(*, email: str, password: str) -> User:
    """Create an account from an e-mail and a password; the normalized e-mail is also the username."""
    email = User.objects.normalize_email(email)
    user = User(username=email, email=email)
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


def user_revoke_refresh_tokens(*, user: User) -> None:
    """Blacklist every refresh token the user still holds (password change, deactivation)."""
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
    user_revoke_refresh_tokens(user=user)
    return user_tokens(user=user)


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


def certificate_create(*, user: User, **fields) -> Certificate:
    """Create a certificate; an uploaded file is checked by content and stored under a server-made name."""
    return certificate_save(certificate=Certificate(user=user, **fields))


def certificate_update(*, certificate: Certificate, clear_file: bool = False, **fields) -> Certificate:
    """Update fields; a new file replaces the old one and clear_file removes it."""
    for name, value in fields.items():
        setattr(certificate, name, value)
    if clear_file and not fields.get("file_upload"):
        certificate.file_upload = None
    return certificate_save(certificate=certificate)


@transaction.atomic
def certificate_delete(*, certificate: Certificate) -> None:
    """Delete the row (its projects stay, unlinked) and, after commit, its file."""
    file_name = certificate.file_upload.name if certificate.file_upload else None
    certificate.delete()
    _delete_files_after_commit([file_name])
