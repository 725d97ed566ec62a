"""The API's one authentication class: SimpleJWT's, plus the revocation cut-off (users.tokens.token_is_revoked).

Kept apart from users.api.auth because DRF imports it while it builds its views.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import router
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from users.models import is_possible_id
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
    """The user whose id a token names, or None: unknown, or not an id at all (None, a float, true, " 4 ").

    The statement is the ORM's own SELECT of a user by primary key, compiled once per process and database
    (`_select_user_by_id`) and run as a raw queryset, which still applies each backend's value conversions.
    `objects.get()` compiled it again on every request, about 3% of a small list page.
    """
    pk = _user_pk(user_id)
    if pk is None:
        return None
    model = get_user_model()
    database = router.db_for_read(model)
    return next(iter(model.objects.db_manager(database).raw(_select_user_by_id(database), [pk])), None)


def _user_pk(user_id) -> int | None:
    """A user id as tokens carry it (SimpleJWT writes str(pk); older tokens an int), or None.

    Only a whole number that some row could have (is_possible_id).
    """
    if isinstance(user_id, str) and user_id.isascii() and user_id.isdigit():
        user_id = int(user_id)
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    return user_id if is_possible_id(user_id) else None


@functools.cache
def _select_user_by_id(database: str) -> str:
    """SELECT <every user column> FROM <user table> WHERE <pk> = %s, as the ORM writes it for `database`."""
    sql, _params = get_user_model().objects.using(database).filter(pk=0).query.sql_with_params()
    return sql
