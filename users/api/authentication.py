"""The API's one authentication class: SimpleJWT's, plus the revocation cut-off (users.tokens.token_is_revoked).

Kept apart from users.api.auth because DRF imports it while it builds its views.
"""

from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from users.tokens import token_is_revoked


class JWTAuthentication(authentication.JWTAuthentication):
    """A token issued before the user's last password change or deactivation is a 401, like an expired one."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)  # unknown user, inactive user: 401 already
        if token_is_revoked(validated_token, user):
            raise AuthenticationFailed("Token has been revoked; sign in again.", code="token_revoked")
        return user
