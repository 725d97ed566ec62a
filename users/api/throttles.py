"""Rate limits: DRF throttles whose counters live in the shared cache (Redis when REDIS_URL is set).

DRF's own SimpleRateThrottle reads a list of timestamps and writes it back, so two workers answering at the same moment
can both let a request through. These throttles count with cache.incr() instead (cache.add() opens a window), atomic
in Redis and in the local-memory cache, over fixed windows as long as the rate's period: a limit holds in total across
every worker and instance. (A fixed window lets up to twice the rate through around a window's edge.)

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (settings: THROTTLE_RATES) and are read on every request, so
the settings fixture can lower them in a test. The client's IP is DRF's get_ident(): REMOTE_ADDR, or the address
NUM_PROXIES hops from the right of X-Forwarded-For when that many trusted proxies are configured.
"""

from __future__ import annotations

import hashlib

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class CounterThrottle(SimpleRateThrottle):
    """A fixed-window counter per (scope, ident). Subclasses set `scope` and implement `get_ident_for()`."""

    cache_format = "throttle:%(scope)s:%(ident)s"
    # True: only requests that did not succeed count. The attempt is counted before the view runs and refunded after
    # a 2xx (ThrottledViewMixin), so concurrent attempts cannot all pass the check before any of them is recorded.
    failures_only = False

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            return super().get_rate()  # raises ImproperlyConfigured with DRF's message
        return rates[self.scope]

    def get_ident_for(self, request, view) -> str | None:
        """Who is counted: an IP, a user id, an e-mail. None means this request is not counted by this throttle."""
        raise NotImplementedError

    def get_cache_key(self, request, view) -> str | None:
        ident = self.get_ident_for(request, view)
        if ident is None:
            return None
        # hashed: bounded length whatever a client sends, and no e-mail addresses or IPs in the cache
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}

    def allow_request(self, request, view) -> bool:
        self.counted = False
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        self.window = int(self.now // self.duration)
        self.key = f"{key}:{self.window}"
        count = self._increment()
        self.counted = True
        return count <= self.num_requests

    def _increment(self) -> int:
        """Count this request in its window: one cache round trip while the window's counter exists; the window's
        first request creates it (add() is a no-op for all but one of several first requests at once)."""
        for _ in range(2):
            try:
                return self.cache.incr(self.key)
            except ValueError:  # no counter yet for this window (or it expired just now)
                self.cache.add(self.key, 0, timeout=self.duration + 1)
        return self.cache.incr(self.key)

    def refund(self) -> None:
        """Take this request back out of the count (a login that succeeded is not a failed login)."""
        if not self.counted:
            return
        try:
            self.cache.decr(self.key)
        except ValueError:  # the window ended meanwhile: nothing left to refund
            pass
        self.counted = False

    def wait(self) -> float:
        """Seconds until the current window ends; DRF sends it (rounded up) as Retry-After."""
        return max((self.window + 1) * self.duration - self.now, 1)


class IPThrottle(CounterThrottle):
    def get_ident_for(self, request, view) -> str | None:
        return self.get_ident(request)


class UserRateThrottle(CounterThrottle):
    """The general rate: per account for authenticated requests, per client IP otherwise."""

    scope = "user"

    def get_ident_for(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"


class AuthenticatedUserThrottle(CounterThrottle):
    """Per account, for views that require authentication (change-password)."""

    def get_ident_for(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return str(request.user.pk)
        return None


class ThrottledViewMixin:
    """Keeps the view's throttle instances so a failures-only throttle can be refunded once the answer is a success."""

    def get_throttles(self):
        if not hasattr(self, "_throttle_instances"):
            self._throttle_instances = super().get_throttles()
        return self._throttle_instances

    def finalize_response(self, request, response, *args, **kwargs):
        if 200 <= response.status_code < 300:
            for throttle in getattr(self, "_throttle_instances", []):
                if getattr(throttle, "failures_only", False):
                    throttle.refund()
        return super().finalize_response(request, response, *args, **kwargs)
