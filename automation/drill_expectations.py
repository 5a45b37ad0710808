"""What a scenario step may expect, read from its `expect:` block into an `Expect`.

The keys and what each checks are in docs/drills.md ("Expectations"); drill_checks.py checks
them against the incident as people see it after the step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .drill_yaml import ScenarioError, names, only

EXPECT_KEYS = (
    "labels",
    "without_labels",
    "posts",
    "no_posts",
    "quiet",
    "notes",
    "mentions",
    "confidential",
    "closed",
    "assignees",
    "action_items",
    "internal_only",
)
# A marker kind (`status-update`) or a whole marker reference (`handoff:1`).
_KIND = re.compile(r"^[a-z0-9-]+(?::[A-Za-z0-9_.:#/-]+)?$")
_USERNAME = re.compile(r"^@?[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class ActionItems:
    count: int | None = None
    confidential: bool | None = None


@dataclass(frozen=True)
class Expect:
    """What must hold after a step. Empty fields are not checked."""

    labels: tuple[str, ...] = ()
    without_labels: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()  # the bot posted a note of each kind during the step
    no_posts: tuple[str, ...] = ()  # ... and none of these
    quiet: bool = False  # the bot changed nothing during the step
    notes: Mapping[str, int] = field(default_factory=dict)  # bot notes of a kind, in total
    mentions: tuple[tuple[str | None, str], ...] = ()  # (kind or any, username) in new notes
    confidential: bool | None = None
    closed: bool | None = None
    assignees: tuple[str, ...] | None = None
    action_items: ActionItems | None = None
    internal_only: bool | None = None  # every note the bot left on the incident is internal

    def __bool__(self) -> bool:
        return self != Expect()


def count_checks(expect: Expect) -> int:
    """How many separate checks an expectation makes (for the summary line)."""
    count = len(expect.labels) + len(expect.without_labels) + len(expect.posts)
    count += len(expect.no_posts) + len(expect.notes) + len(expect.mentions)
    count += sum(
        value is not None
        for value in (expect.confidential, expect.closed, expect.assignees, expect.internal_only)
    )
    count += int(expect.quiet)
    if expect.action_items is not None:
        count += (expect.action_items.count is not None) + (
            expect.action_items.confidential is not None
        )
    return count


def read(value: Any, where: str) -> Expect:
    """The `expect:` block of a step (`where` names the file and step for errors)."""
    if value is None:
        return Expect()
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: `expect` must be a mapping such as `{{labels: [...]}}`")
    only(value, EXPECT_KEYS, where, "`expect`")
    flags = {}
    for key in ("quiet", "confidential", "closed", "internal_only"):
        if key in value:
            if not isinstance(value[key], bool):
                raise ScenarioError(f"{where}: `expect.{key}` must be true or false")
            flags[key] = value[key]
    assignees = None
    if "assignees" in value:
        assignees = tuple(
            name.lstrip("@") for name in names(value["assignees"], where, "`expect.assignees`")
        )
    return Expect(
        labels=names(value.get("labels", []), where, "`expect.labels`"),
        without_labels=names(value.get("without_labels", []), where, "`expect.without_labels`"),
        posts=_kinds(value.get("posts", []), where, "posts"),
        no_posts=_kinds(value.get("no_posts", []), where, "no_posts"),
        quiet=flags.get("quiet", False),
        notes=_counts(value.get("notes", {}), where),
        mentions=_mentions(value.get("mentions", []), where),
        confidential=flags.get("confidential"),
        closed=flags.get("closed"),
        assignees=assignees,
        action_items=_action_items(value.get("action_items"), where),
        internal_only=flags.get("internal_only"),
    )


def _kinds(value: Any, where: str, key: str) -> tuple[str, ...]:
    kinds = names(value, where, f"`expect.{key}`")
    for kind in kinds:
        if not _KIND.match(kind):
            raise ScenarioError(
                f"{where}: `expect.{key}`: {kind!r} is not a note kind such as status-update"
            )
    return kinds


def _counts(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ScenarioError(
            f"{where}: `expect.notes` maps a note kind to how many: {{lifecycle: 3}}"
        )
    counts = {}
    for kind, count in value.items():
        if not isinstance(kind, str) or not _KIND.match(kind):
            raise ScenarioError(f"{where}: `expect.notes`: {kind!r} is not a note kind")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ScenarioError(f"{where}: `expect.notes.{kind}` must be a whole number")
        counts[kind] = count
    return counts


def _mentions(value: Any, where: str) -> tuple[tuple[str | None, str], ...]:
    """`[bob]` (any note posted in the step) or `{overdue-reminder: [alice, bob]}`."""
    if isinstance(value, dict):
        pairs = []
        for kind, people in value.items():
            if not isinstance(kind, str) or not _KIND.match(kind):
                raise ScenarioError(f"{where}: `expect.mentions`: {kind!r} is not a note kind")
            pairs += [(kind, name) for name in names(people, where, "`expect.mentions`")]
    else:
        pairs = [(None, name) for name in names(value, where, "`expect.mentions`")]
    for _, name in pairs:
        if not _USERNAME.match(name):
            raise ScenarioError(f"{where}: `expect.mentions`: {name!r} is not a username")
    return tuple((kind, name.lstrip("@")) for kind, name in pairs)


def _action_items(value: Any, where: str) -> ActionItems | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return ActionItems(count=value)
    if isinstance(value, dict):
        only(value, ("count", "confidential"), where, "`expect.action_items`")
        count, confidential = value.get("count"), value.get("confidential")
        if (count is None or (isinstance(count, int) and not isinstance(count, bool))) and (
            confidential is None or isinstance(confidential, bool)
        ):
            return ActionItems(count, confidential)
    raise ScenarioError(
        f"{where}: `expect.action_items` is a number, or `{{count: 2, confidential: true}}`"
    )


__all__ = ["EXPECT_KEYS", "ActionItems", "Expect", "count_checks", "read"]
