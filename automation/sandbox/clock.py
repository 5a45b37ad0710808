"""The sandbox's clock, and the three ways GitLab writes a time.

Every timestamp the sandbox stores or answers comes from one `Clock`, so a test or a drill can
put the whole instance at a chosen moment and move it forward: reminders that depend on "one hour
since the last status update" are then tested in milliseconds instead of an hour.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta


class Clock:
    """Real UTC time until `set` is called; then frozen at that moment until moved again.

    A frozen clock keeps tests deterministic: two requests made one after the other get the same
    timestamp unless the test advances time between them (ordering falls back on ids, as in
    GitLab when two rows share a second).
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._frozen: datetime | None = None
        if start is not None:
            self.set(start)

    def now(self) -> datetime:
        """The current sandbox time, an aware UTC datetime with millisecond precision."""
        with self._lock:
            moment = self._frozen if self._frozen is not None else datetime.now(UTC)
        # GitLab stores milliseconds; dropping the rest keeps round trips through JSON exact.
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def set(self, moment: datetime) -> datetime:
        """Freeze the clock at `moment` (a naive datetime is taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        with self._lock:
            self._frozen = moment.astimezone(UTC)
            return self._frozen

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward (freezing it first if it was following real time)."""
        with self._lock:
            base = self._frozen if self._frozen is not None else datetime.now(UTC)
            self._frozen = base + delta
            return self._frozen

    def resume(self) -> None:
        """Follow real time again."""
        with self._lock:
            self._frozen = None

    @property
    def frozen(self) -> bool:
        with self._lock:
            return self._frozen is not None


def api_time(moment: datetime | None) -> str | None:
    """REST API format: `2026-12-03T14:05:00.000Z`."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def hook_time(moment: datetime | None) -> str | None:
    """The format of most webhook payload times: `2026-12-03 14:05:00 UTC`."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def hook_iso_time(moment: datetime | None) -> str | None:
    """The other webhook format, documented for issue attributes: `2026-12-03T14:05:00Z`."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str) -> datetime:
    """Parse an ISO 8601 time as GitLab's API accepts it (`Z`, an offset, or none for UTC)."""
    text = value.strip().replace(" UTC", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_db(moment: datetime | None) -> str | None:
    """Times are stored as sortable ISO strings with microseconds, in UTC."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def parse_date(value: str) -> date:
    """A due date: `YYYY-MM-DD`."""
    return date.fromisoformat(value.strip())
