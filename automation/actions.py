"""The actions `decide` can ask for, as frozen values, and the `Plan` that holds them.

A dry run prints the very Plan a real run applies, so the two cannot drift apart. Each action says
what it does to the issue, not how it is transported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

from . import markers


@dataclass(frozen=True)
class AddLabels:
    labels: tuple[str, ...]
    reason: str = ""

    def describe(self) -> str:
        return f"add labels {', '.join(self.labels)}"


@dataclass(frozen=True)
class RemoveLabels:
    labels: tuple[str, ...]
    reason: str = ""

    def describe(self) -> str:
        return f"remove labels {', '.join(self.labels)}"


@dataclass(frozen=True)
class Assign:
    """Assign these usernames (those that resolve to users), keeping other assignees."""

    usernames: tuple[str, ...]
    reason: str = ""
    # Replace the assignees instead of adding to them: a new CMOC on the free tier.
    replace: bool = False

    def describe(self) -> str:
        verb = "assign instead" if self.replace else "assign"
        return f"{verb} {', '.join('@' + name for name in self.usernames)}"


@dataclass(frozen=True)
class SetConfidential:
    reason: str = ""

    def describe(self) -> str:
        return "make the issue confidential"


@dataclass(frozen=True)
class PostNote:
    """A note carrying the marker `kind:key`; posted only if no bot note has that marker yet."""

    kind: str
    key: str
    body: str
    internal: bool = True
    attrs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    reason: str = ""

    @property
    def marker(self) -> markers.Marker:
        return markers.make(self.kind, self.key, **self.attrs)

    def describe(self) -> str:
        visibility = "internal note" if self.internal else "note"
        return f"post {visibility} {self.kind}:{self.key}"


@dataclass(frozen=True)
class CreateIssue:
    """A follow-up issue, created once: its marker `kind:key` is searched for before creating."""

    kind: str
    key: str
    project: int | str
    title: str
    description: str
    labels: tuple[str, ...] = ()
    assignee: str | None = None
    due_date: date | None = None
    confidential: bool = False
    link_to_incident: bool = True
    reason: str = ""

    @property
    def marker(self) -> markers.Marker:
        return markers.make(self.kind, self.key)

    def describe(self) -> str:
        extra = " (confidential)" if self.confidential else ""
        return f"create issue {self.title!r} in project {self.project}{extra}"


Action = AddLabels | RemoveLabels | Assign | SetConfidential | PostNote | CreateIssue


@dataclass(frozen=True)
class Plan:
    project_id: int | str
    iid: int
    actions: tuple[Action, ...] = ()
    remarks: tuple[str, ...] = ()  # why nothing happened, or what was skipped

    def __bool__(self) -> bool:
        return bool(self.actions)

    def of_type(self, kind: type) -> tuple[Action, ...]:
        return tuple(action for action in self.actions if isinstance(action, kind))

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project_id,
            "issue": self.iid,
            "actions": [_action_dict(action) for action in self.actions],
            "remarks": list(self.remarks),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def __str__(self) -> str:
        head = f"Plan for {self.project_id}#{self.iid}: "
        if not self.actions:
            lines = [head + "nothing to do"]
        else:
            lines = [head + f"{len(self.actions)} action(s)"]
            for number, action in enumerate(self.actions, 1):
                why = f"  ({action.reason})" if action.reason else ""
                lines.append(f"  {number}. {action.describe()}{why}")
                if isinstance(action, PostNote | CreateIssue):
                    text = action.body if isinstance(action, PostNote) else action.description
                    lines.extend("       | " + line for line in text.strip().splitlines())
        lines.extend(f"  - {remark}" for remark in self.remarks)
        return "\n".join(lines)


def _action_dict(action: Action) -> dict[str, Any]:
    data = {"type": type(action).__name__}
    for item in fields(action):
        value = getattr(action, item.name)
        if isinstance(value, Mapping):
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, date):
            value = value.isoformat()
        data[item.name] = value
    if isinstance(action, PostNote | CreateIssue):
        data["marker"] = str(action.marker)
    return data


__all__ = [
    "Action",
    "AddLabels",
    "Assign",
    "CreateIssue",
    "Plan",
    "PostNote",
    "RemoveLabels",
    "SetConfidential",
]
