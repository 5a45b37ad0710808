"""`IssueSnapshot`: everything `decide` may look at, read once from GitLab (or built by a test)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from . import markers
from .markers import Marker


@dataclass(frozen=True)
class Note:
    id: int
    author: str
    body: str
    created_at: datetime
    system: bool = False
    internal: bool = False
    marker: Marker | None = None  # set only on the bot's own notes


@dataclass(frozen=True)
class LabelEvent:
    """A label added or removed, from GitLab's resource label events."""

    id: int
    label: str
    action: str  # "add" | "remove"
    user: str
    created_at: datetime


@dataclass(frozen=True)
class IssueSnapshot:
    project_id: int
    iid: int
    title: str
    description: str
    state: str  # "opened" | "closed"
    labels: tuple[str, ...]
    id: int = 0
    author: str = ""
    assignees: tuple[str, ...] = ()
    confidential: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed_at: datetime | None = None
    web_url: str = ""
    notes: tuple[Note, ...] = ()  # oldest first
    label_events: tuple[LabelEvent, ...] = ()  # oldest first; may be empty when not needed
    project_path: str = ""

    @property
    def closed(self) -> bool:
        return self.state == "closed"

    def has_label(self, name: str) -> bool:
        return name in self.labels

    def bot_notes(self, kind: str | None = None) -> tuple[Note, ...]:
        return tuple(
            note
            for note in self.notes
            if note.marker is not None and (kind is None or note.marker.kind == kind)
        )

    def marker_refs(self) -> frozenset[str]:
        return frozenset(note.marker.ref for note in self.notes if note.marker is not None)

    def latest_label_add(self, label: str) -> LabelEvent | None:
        adds = [e for e in self.label_events if e.label == label and e.action == "add"]
        return adds[-1] if adds else None

    def labelled(self, mapping: Mapping[str, str]) -> str | None:
        """The value whose label the issue has (`mapping`: value -> label name); with several,
        as the free tier allows, the one whose label was added last."""
        present = [value for value, label in mapping.items() if label in self.labels]
        if len(present) <= 1:
            return present[0] if present else None
        added = {
            value: event.created_at
            for value in present
            if (event := self.latest_label_add(mapping[value])) is not None
        }
        return max(added, key=added.__getitem__) if added else present[0]


def same_user(one: str | None, other: str | None) -> bool:
    """GitLab usernames are case-insensitive: `Incident-Bot` and `incident-bot` are one account."""
    return bool(one) and bool(other) and one.casefold() == other.casefold()


def trusted_note(
    *,
    id: int,
    author: str,
    body: str,
    created_at: datetime,
    bot_username: str,
    system: bool = False,
    internal: bool = False,
) -> Note:
    """A Note whose marker is read only when the bot's own account wrote it."""
    marker = markers.find(body) if same_user(author, bot_username) and not system else None
    return Note(id, author, body, created_at, system, internal, marker)


__all__ = ["IssueSnapshot", "LabelEvent", "Note", "same_user", "trusted_note"]
