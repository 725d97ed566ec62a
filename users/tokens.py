"""JWTs that remember when they were issued to the microsecond, and the rule that revokes them.

SimpleJWT writes `iat` in whole seconds, so "issued before the password change" could not be told apart from "issued
right after it" within the same second. These token classes write `iat` as a fractional NumericDate (RFC 7519
allows it); tokens from before keep working with their whole-second `iat`. They also refuse an expiry too far out for
a date, as an invalid token.
"""

from __future__ import annotations

from datetime import datetime

from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.exceptions import TokenError


class PreciseIssuedAtMixin:
    def set_iat(self, claim: str = "iat", at_time: datetime | None = None) -> None:
        self.payload[claim] = (at_time or self.current_time).timestamp()


class ExpiryInRangeMixin:
    def check_exp(self, claim: str = "exp", current_time: datetime | None = None) -> None:
        """An expiry no date can hold (a signed exp of 1e20, past the year 9999) makes the token invalid, not a 500."""
        try:
            super().check_exp(claim, current_time)
        except (OverflowError, OSError, ValueError) as exc:
            raise TokenError(f"Token '{claim}' claim is out of range") from exc


class AccessToken(PreciseIssuedAtMixin, ExpiryInRangeMixin, tokens.AccessToken):
    pass


class RefreshToken(PreciseIssuedAtMixin, ExpiryInRangeMixin, tokens.RefreshToken):
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
