"""Which notes are status updates, and when the last one was posted.

The framework's CMOC posts status updates at "regular sync points at defined intervals based on
severity", and every update ends with "Next status update expected by [time] UTC". The cadence
is counted from the newest note that *is* an update:

- the bot's own drafts, marked `initial-status-update` or `status-update`;
- a note a person wrote with the template's heading: the Regular Status Update's
  `## Incident #[number] - [title] - UPDATE #[X]`, or the Initial Status Update's
  `## Incident #[number] - [title]` together with its `**Status:**` line.

Never the issue's `updated_at`: a label change or a typo fixed in the description tells
customers nothing. Other templates share the heading's start (`... - HANDOFF`,
`... - EXECUTIVE SUMMARY`, ...) and are not updates.
"""

from __future__ import annotations

import re

from .snapshot import IssueSnapshot, Note

BOT_KINDS = ("initial-status-update", "status-update")

# A heading at the start of a line, as Markdown reads it (up to three spaces of indent).
_HEADING = re.compile(r"^ {0,3}## +Incident +#\d+ +- +(?P<rest>.+?)[ \t]*$", re.MULTILINE)
_REGULAR = re.compile(r" - UPDATE #\d+$")
_STATUS_LINE = re.compile(r"^ {0,3}\*\*Status:\*\*", re.MULTILINE)

# The suffixes the seed's other templates put after the title.
OTHER_TEMPLATES = (
    "RESOLVED",
    "HANDOFF",
    "SUPPORT RESOURCES",
    "CUSTOMER IMPACT REPORT",
    "CMOC ACTIVATION",
    "SUPPORT SUMMARY",
    "TECHNICAL TO SUPPORT HANDOFF",
    "EXECUTIVE SUMMARY",
)


def is_status_update(note: Note) -> bool:
    """True for a bot update draft, or a person's note written from an update template."""
    if note.system:
        return False
    if note.marker is not None:
        return note.marker.kind in BOT_KINDS
    return _has_update_heading(note.body)


def _has_update_heading(body: str) -> bool:
    for match in _HEADING.finditer(body or ""):
        rest = match.group("rest")
        if _REGULAR.search(rest):
            return True
        if any(rest.endswith(f" - {suffix}") for suffix in OTHER_TEMPLATES):
            continue
        if _STATUS_LINE.search(body, match.end()):
            return True
    return False


def last_update(snapshot: IssueSnapshot) -> Note | None:
    """The newest status-update note, or None when there has been none."""
    for note in reversed(snapshot.notes):
        if is_status_update(note):
            return note
    return None


__all__ = ["BOT_KINDS", "is_status_update", "last_update"]
