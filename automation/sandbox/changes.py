"""What a request (or a quick action) asks to change on an issue, before any rule is applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# "Leave this field alone", distinct from None ("clear it") for fields that may be cleared.
UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET"})()


@dataclass
class IssueChanges:
    """Requested changes. Labels are given by name.

    Unknown label names are created as project labels, as the REST API does; quick actions only
    ever name labels that exist, so they never create one.
    """

    title: str | None = None
    description: str | None = None
    labels: list[str] | None = None  # replaces the whole set
    add_labels: list[str] = field(default_factory=list)
    remove_labels: list[str] = field(default_factory=list)
    assignee_ids: list[int] | None = None  # replaces
    add_assignee_ids: list[int] = field(default_factory=list)
    remove_assignee_ids: list[int] = field(default_factory=list)
    confidential: bool | None = None
    state_event: str | None = None  # "close" or "reopen"
    due_date: Any = UNSET  # "YYYY-MM-DD", None to remove
    discussion_locked: bool | None = None
    issue_type: str | None = None
    moved_to_id: int | None = None
    duplicated_to_id: int | None = None

    def merge(self, other: IssueChanges) -> None:
        """Fold `other` (applied later) into this one; a later value wins, lists accumulate."""
        for name in (
            "title",
            "description",
            "labels",
            "assignee_ids",
            "confidential",
            "state_event",
            "discussion_locked",
            "issue_type",
            "moved_to_id",
            "duplicated_to_id",
        ):
            value = getattr(other, name)
            if value is not None:
                setattr(self, name, value)
        if other.due_date is not UNSET:
            self.due_date = other.due_date
        self.add_labels += other.add_labels
        self.remove_labels += other.remove_labels
        self.add_assignee_ids += other.add_assignee_ids
        self.remove_assignee_ids += other.remove_assignee_ids
