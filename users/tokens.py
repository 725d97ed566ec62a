"""JWTs that remember when they were issued to the microsecond, and the rule that revokes them.

SimpleJWT writes `iat` in whole seconds, so "issued before the password change" could not be told apart from "issued
right after it" within the same second. These token classes write `iat` as a fractional NumericDate (RFC 7519
allows it); tokens from before keep working with their whole-second `iat`.
"""

from __future__ import annotations

from datetime import datetime

from rest_framework_simplejwt import tokens


class PreciseIssuedAtMixin:
    def set_iat(self, claim: str = "iat", at_time: datetime | None = None) -> None:
        self.payload[claim] = (at_time or self.current_time).timestamp()


class AccessToken(PreciseIssuedAtMixin, tokens.AccessToken):
    pass


class RefreshToken(PreciseIssuedAtMixin, tokens.RefreshToken):
    access_token_class = AccessToken


def token_is_revoked(token: tokens.Token, user) -> bool:
    """True when the token was issued before the user's tokens_valid_after (password change, deactivation)."""
    cutoff = user.tokens_valid_after
    if cutoff is None:
        return False
    issued_at = token.payload.get("iat")
    if not isinstance(issued_at, int | float):
        return True
    return issued_at < cutoff.timestamp()
