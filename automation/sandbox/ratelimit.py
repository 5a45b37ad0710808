"""The notes-creation rate limit (60 a minute per user on gitlab.com).

GitLab counts requests in fixed windows aligned to the clock (`now // period`), per user, and
answers 429 with `Retry-After` once a window's budget is spent. The window follows the sandbox
clock, so a test can exhaust it, read `Retry-After`, advance the clock and be allowed again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .clock import Clock
from .errors import ApiError

PERIOD_SECONDS = 60
THROTTLED_MESSAGE = "This endpoint has been requested too many times. Try again later."


@dataclass(frozen=True)
class Decision:
    allowed: bool
    headers: dict[str, str]


class RateLimiter:
    def __init__(self, clock: Clock, limit: int | None, name: str = "notes_create") -> None:
        self.clock = clock
        self.limit = limit
        self.name = name
        self._lock = threading.Lock()
        self._counts: dict[tuple[int, int], int] = {}

    def check(self, user_id: int) -> Decision:
        """Count one request by `user_id`; the headers describe the window after counting it."""
        if self.limit is None:
            return Decision(True, {})
        now = self.clock.now().timestamp()
        window = int(now // PERIOD_SECONDS)
        reset_at = (window + 1) * PERIOD_SECONDS
        with self._lock:
            observed = self._counts.get((user_id, window), 0) + 1
            self._counts[(user_id, window)] = observed
            # Old windows are never read again.
            for key in [key for key in self._counts if key[1] < window]:
                del self._counts[key]
        headers = {
            "RateLimit-Name": self.name,
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Observed": str(observed),
            "RateLimit-Remaining": str(max(0, self.limit - observed)),
            "RateLimit-Reset": str(reset_at),
        }
        if observed > self.limit:
            headers["Retry-After"] = str(max(1, int(reset_at - now + 0.999)))
            return Decision(False, headers)
        return Decision(True, headers)

    def enforce(self, user_id: int) -> dict[str, str]:
        """Raise the 429 GitLab answers when over the limit; otherwise return the headers."""
        decision = self.check(user_id)
        if not decision.allowed:
            raise ApiError(429, {"message": {"error": THROTTLED_MESSAGE}}, decision.headers)
        return decision.headers
