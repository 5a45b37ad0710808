"""Times as GitLab writes them and as the framework's templates show them.

GitLab uses two formats depending on the field: `2013-12-03T17:15:43Z` (ISO 8601, sometimes with
milliseconds or an offset) and `2015-05-17 17:06:40 UTC` (webhook payloads). Both parse here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_PATTERN = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"\s*(Z|UTC|[+-]\d{2}:?\d{2})?\s*$"
)


def parse_time(value: str | datetime | None) -> datetime | None:
    """Parse either of GitLab's timestamp formats into an aware UTC datetime.

    A time without a zone is taken as UTC: the Support Response template asks for UTC.
    Raises ValueError on anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    match = _PATTERN.match(str(value))
    if not match:
        raise ValueError(f"not a time: {value!r} (expected YYYY-MM-DD HH:MM UTC)")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    moment = datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, UTC
    )
    if zone and zone not in ("Z", "UTC"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment


def format_time(moment: datetime | None) -> str:
    """`YYYY-MM-DD HH:MM UTC`, the format of every template."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def format_clock(moment: datetime | None) -> str:
    """`HH:MM`, for "expected by HH:MM UTC" where the template already says UTC."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def format_duration(delta: timedelta) -> str:
    """`X hours Y minutes`, rounded down to the minute."""
    minutes = max(0, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    hour_word = "hour" if hours == 1 else "hours"
    minute_word = "minute" if minutes == 1 else "minutes"
    return f"{hours} {hour_word} {minutes} {minute_word}"


def to_gitlab(moment: datetime) -> str:
    """ISO 8601 as GitLab's REST API writes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )
