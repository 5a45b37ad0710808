"""What a drill looks at after each step, and whether it is what the scenario expected.

The incident is read through the API the way a team member sees it (an observer account with
reporter access: internal notes included), never from the sandbox's tables, so a drill checks
what GitLab would show. "Posted during the step" means notes that were not there before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import markers
from .config import Config
from .drill_scenario import Expect
from .drill_stage import OBSERVER, Stage


@dataclass(frozen=True)
class Thread:
    """The incident's issue and everything on its page, as lists of GitLab's JSON objects."""

    issue: dict[str, Any]
    notes: tuple[dict[str, Any], ...] = ()  # oldest first, system notes included
    label_events: tuple[dict[str, Any], ...] = ()
    state_events: tuple[dict[str, Any], ...] = ()
    links: tuple[dict[str, Any], ...] = ()  # linked issues, with the link's fields

    def since(self, before: Thread | None) -> Thread:
        """What is new compared with `before` (everything when there is no `before`)."""
        if before is None:
            return self
        return Thread(
            self.issue,
            _new(self.notes, before.notes, "id"),
            _new(self.label_events, before.label_events, "id"),
            _new(self.state_events, before.state_events, "id"),
            _new(self.links, before.links, "issue_link_id"),
        )


def observe(stage: Stage, iid: int) -> Thread:
    """Read the incident as the observer (five requests)."""
    issue = stage.project(OBSERVER).issues.get(iid)
    return Thread(
        issue.attributes,
        tuple(
            note.attributes
            for note in issue.notes.list(get_all=True, sort="asc", order_by="created_at")
        ),
        tuple(event.attributes for event in issue.resourcelabelevents.list(get_all=True)),
        tuple(event.attributes for event in issue.resourcestateevents.list(get_all=True)),
        tuple(link.attributes for link in issue.links.list(get_all=True)),
    )


@dataclass(frozen=True)
class Check:
    """One expectation and how it turned out."""

    expected: str
    ok: bool
    found: str = ""

    def line(self) -> str:
        return self.expected if self.ok else f"{self.expected}: {self.found}"


@dataclass
class Checker:
    """Evaluates a step's expectations on the thread after it and what the step added."""

    config: Config
    checks: list[Check] = field(default_factory=list)

    def run(self, expect: Expect, after: Thread, new: Thread) -> list[Check]:
        self.checks = []
        self._labels(expect, after)
        self._posts(expect, after, new)
        self._state(expect, after)
        self._action_items(expect, after)
        return self.checks

    def _add(self, expected: str, ok: bool, found: str = "") -> None:
        self.checks.append(Check(expected, ok, found))

    def _labels(self, expect: Expect, after: Thread) -> None:
        labels = set(after.issue.get("labels") or ())
        for label in expect.labels:
            self._add(f"label ~{label} on the issue", label in labels, "it is not")
        for label in expect.without_labels:
            self._add(f"label ~{label} not on the issue", label not in labels, "it is")

    def _posts(self, expect: Expect, after: Thread, new: Thread) -> None:
        posted = list(bot_notes(new, self.config))
        kinds = [marker.ref for _, marker in posted]
        shown = ", ".join(kinds) or "none"
        for kind in expect.posts:
            found = any(_matches(marker, kind) for _, marker in posted)
            self._add(f"the bot posts {kind}", found, f"it posted {shown}")
        for kind in expect.no_posts:
            found = any(_matches(marker, kind) for _, marker in posted)
            self._add(f"the bot posts no {kind}", not found, "it did")
        if expect.quiet:
            writes = bot_writes(new, self.config)
            self._add("the bot changes nothing", not writes, "; ".join(writes))
        everything = list(bot_notes(after, self.config))
        for kind, count in expect.notes.items():
            total = sum(_matches(marker, kind) for _, marker in everything)
            self._add(f"{count} {kind} note(s) in all", total == count, f"there are {total}")
        for kind, name in expect.mentions:
            bodies = [
                note["body"] for note, marker in posted if kind is None or _matches(marker, kind)
            ]
            where = f"a new {kind} note" if kind else "a note the bot posts"
            self._add(
                f"{where} mentions @{name}",
                any(mentions(body, name) for body in bodies),
                "none does" if bodies else "no such note was posted",
            )
        if expect.internal_only is not None:
            public = [marker.ref for note, marker in everything if not note.get("internal")]
            self._add(
                "every note the bot left is internal"
                if expect.internal_only
                else "some note the bot left is public",
                (not public) == expect.internal_only,
                f"public: {', '.join(public)}" if public else "all are internal",
            )

    def _state(self, expect: Expect, after: Thread) -> None:
        issue = after.issue
        if expect.confidential is not None:
            is_it = bool(issue.get("confidential"))
            word = "confidential" if expect.confidential else "not confidential"
            self._add(f"the issue is {word}", is_it == expect.confidential, f"it is {_yes(is_it)}")
        if expect.closed is not None:
            state = issue.get("state")
            word = "closed" if expect.closed else "open"
            self._add(
                f"the issue is {word}", (state == "closed") == expect.closed, f"it is {state}"
            )
        if expect.assignees is not None:
            names = sorted(a["username"] for a in issue.get("assignees") or () if a)
            wanted = sorted(expect.assignees)
            shown = ", ".join("@" + name for name in wanted) or "nobody"
            found = ", ".join("@" + name for name in names) or "nobody"
            self._add(f"assigned to {shown}", names == wanted, f"assigned: {found}")

    def _action_items(self, expect: Expect, after: Thread) -> None:
        wanted = expect.action_items
        if wanted is None:
            return
        items = action_items(after, self.config)
        if wanted.count is not None:
            self._add(
                f"{wanted.count} action-item issue(s) linked",
                len(items) == wanted.count,
                f"there are {len(items)}",
            )
        if wanted.confidential is not None:
            odd = [
                item["references"]["full"]
                for item in items
                if bool(item.get("confidential")) != wanted.confidential
            ]
            word = "confidential" if wanted.confidential else "public"
            self._add(
                f"every action item is {word}",
                bool(items) and not odd,
                f"not: {', '.join(odd)}" if odd else "there are none",
            )


def bot_notes(thread: Thread, config: Config) -> Iterator[tuple[dict[str, Any], markers.Marker]]:
    """The bot's own comments with their markers (a marker counts only on the bot's notes)."""
    for note in thread.notes:
        author = (note.get("author") or {}).get("username")
        if author != config.bot_username or note.get("system"):
            continue
        marker = markers.find(note.get("body") or "")
        if marker is not None:
            yield note, marker


def bot_writes(thread: Thread, config: Config) -> list[str]:
    """Everything in `thread` the bot did, described briefly."""
    bot = config.bot_username
    done = [f"note {marker.ref}" for _, marker in bot_notes(thread, config)]
    done += [
        f"{event['action']} ~{(event.get('label') or {}).get('name')}"
        for event in thread.label_events
        if (event.get("user") or {}).get("username") == bot
    ]
    done += [
        event["state"]
        for event in thread.state_events
        if (event.get("user") or {}).get("username") == bot
    ]
    done += [
        note["body"]
        for note in thread.notes
        if note.get("system") and (note.get("author") or {}).get("username") == bot
    ]
    return done


def action_items(thread: Thread, config: Config) -> list[dict[str, Any]]:
    return [
        link for link in thread.links if config.labels.action_item in (link.get("labels") or ())
    ]


def mentions(body: str, username: str) -> bool:
    """Whether `body` mentions `@username` in a way that notifies (not inside a code span)."""
    pattern = rf"(?<![A-Za-z0-9_`\\])@{re.escape(username)}(?![A-Za-z0-9_-]|\.[A-Za-z0-9])"
    return re.search(pattern, body) is not None


def _matches(marker: markers.Marker, kind: str) -> bool:
    return marker.ref == kind if ":" in kind else marker.kind == kind


def _new(now: tuple[dict[str, Any], ...], before: tuple[dict[str, Any], ...], key: str) -> tuple:
    seen = {item.get(key) for item in before}
    return tuple(item for item in now if item.get(key) not in seen)


def _yes(flag: bool) -> str:
    return "confidential" if flag else "not confidential"


__all__ = [
    "Check",
    "Checker",
    "Thread",
    "action_items",
    "bot_notes",
    "bot_writes",
    "mentions",
    "observe",
]
