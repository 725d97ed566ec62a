"""The API's one authentication class: SimpleJWT's, plus the revocation cut-off (users.tokens.token_is_revoked).

Kept apart from users.api.auth because DRF imports it while it builds its views.
"""

import functools

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import router
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from users.models import MAX_ID
from users.tokens import token_is_revoked


class JWTAuthentication(authentication.JWTAuthentication):
    """SimpleJWT's checks, in its order and with its messages: a token without a user id, an unknown user and an
    inactive user are 401s. Then a token issued before the user's last password change or deactivation is a 401 too,
    like an expired one.

    Every authenticated request reads its user, so that read is `user_with_id()`, not SimpleJWT's `objects.get()`.
    """

    def get_user(self, validated_token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        user = user_with_id(user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if token_is_revoked(validated_token, user):
            raise AuthenticationFailed("Token has been revoked; sign in again.", code="token_revoked")
        return user


def user_with_id(user_id):
    """The user whose id a token names, or None (unknown, or not an id at all).

    The statement is the ORM's own SELECT of a user by primary key, compiled once per process and database
    (`_select_user_by_id`) and run as a raw queryset, which still applies each backend's value conversions. Compiling
    it again on every request, as `objects.get()` does, cost about a tenth of a small list page.
    """
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    if not 0 < pk <= MAX_ID:  # no row has it, and the database would refuse to compare with a number past 64 bits
        return None
    database = router.db_for_read(model)
    return next(iter(model.objects.db_manager(database).raw(_select_user_by_id(database), [pk])), None)


@functools.cache
def _select_user_by_id(database: str) -> str:
    """SELECT <every user column> FROM <user table> WHERE <pk> = %s, as the ORM writes it for `database`."""
    sql, _params = get_user_model().objects.using(database).filter(pk=0).query.sql_with_params()
    return sql
