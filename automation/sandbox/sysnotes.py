"""The text of GitLab's system notes, for the changes that still produce one.

Label and state changes are not here on purpose: GitLab records them as resource events
(`resource_label_events`, `resource_state_events`) and `GET .../notes` does not list them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date


def to_sentence(items: Sequence[str]) -> str:
    """Rails' `to_sentence`: `a`, `a and b`, `a, b, and c`."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def _mark_inline_diff(old: str, new: str) -> tuple[str, str]:
    """Mark the changed middle of two strings as `{-...-}` and `{+...+}`, as GitLab does."""
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(old), len(new)) - prefix
        and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]
    ):
        suffix += 1
    old_middle = old[prefix : len(old) - suffix]
    new_middle = new[prefix : len(new) - suffix]
    head, tail = old[:prefix], old[len(old) - suffix :]
    marked_old = head + (f"{{-{old_middle}-}}" if old_middle else "") + tail
    marked_new = head + (f"{{+{new_middle}+}}" if new_middle else "") + tail
    return marked_old, marked_new


def title_changed(old: str, new: str) -> str:
    marked_old, marked_new = _mark_inline_diff(old, new)
    return f"changed title from **{marked_old}** to **{marked_new}**"


def description_changed() -> str:
    return "changed the description"


def assignees_changed(added: Sequence[str], removed: Sequence[str]) -> str:
    """`assigned to @a`, `unassigned @b`, or both joined by `and`."""
    parts = []
    if added:
        parts.append("assigned to " + to_sentence([f"@{name}" for name in added]))
    if removed:
        parts.append("unassigned " + to_sentence([f"@{name}" for name in removed]))
    return " and ".join(parts)


def confidentiality_changed(confidential: bool) -> str:
    return "made the issue confidential" if confidential else "made the issue visible to everyone"


def due_date_changed(due: date | None) -> str:
    if due is None:
        return "removed due date"
    return f"changed due date to {due.strftime('%B')} {due.day}, {due.year}"


def discussion_lock_changed(locked: bool) -> str:
    return f"{'locked' if locked else 'unlocked'} the discussion in this issue"


def issue_type_changed(old: str, new: str) -> str:
    return f"changed type from {old} to {new}"


def linked(link_type: str, reference: str) -> str:
    """The note on the issue a link was made from (`link_type` as seen from that issue)."""
    if link_type == "blocks":
        return f"marked this issue as blocking {reference}"
    if link_type == "is_blocked_by":
        return f"marked this issue as blocked by {reference}"
    return f"marked this issue as related to {reference}"


def moved_to(reference: str) -> str:
    return f"moved to {reference}"


def moved_from(reference: str) -> str:
    return f"moved from {reference}"


def marked_duplicate_of(reference: str) -> str:
    return f"marked this issue as a duplicate of {reference}"


def duplicate_marked(reference: str) -> str:
    return f"marked {reference} as a duplicate of this issue"
