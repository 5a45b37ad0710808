"""Snapshots of an incident at each point of its life, and a one-line view of what a rule asks."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from automation.actions import Action
from automation.config import Config, default_config
from automation.facts import Facts
from automation.snapshot import IssueSnapshot, LabelEvent, Note
from tests.conftest import T0, bot_note, example, label_event, snapshot

FILED = example("ci-runners-degraded.md")
# No engagement triggers, so that a table shows only what the rule under test does.
QUIET = (
    FILED.replace("multiple_customers_affected: true", "multiple_customers_affected: false")
    .replace("bulk_communications_needed: true", "bulk_communications_needed: false")
    .replace("sla_risk: true", "sla_risk: false")
)
MINUTE = timedelta(minutes=1)
_IDS = itertools.count(2000)
INITIAL = bot_note("initial-status-update", 1, body="**Severity:** SEV2", note_id=101)


def at(minutes: int) -> datetime:
    return T0 + minutes * MINUTE


def ticked(description: str, count: int = 6) -> str:
    """The description with its first `count` exit criteria ticked."""
    head, _, tail = description.partition("## Exit Criteria")
    for _ in range(count):
        tail = tail.replace("- [ ] ", "- [x] ", 1)
    return f"{head}## Exit Criteria{tail}"


def incident(
    *,
    labels: Iterable[str] = ("incident", "incident::active", "severity::2", "region::EMEA"),
    notes: Iterable[Note] = (),
    events: Iterable[LabelEvent] = (),
    description: str = QUIET,
    state: str = "opened",
    confidential: bool = False,
    intake: bool = True,
) -> IssueSnapshot:
    """A running incident, after intake unless `intake=False`."""
    return snapshot(
        description,
        labels=tuple(labels),
        notes=((INITIAL,) if intake else ()) + tuple(notes),
        label_events=tuple(events),
        state=state,
        confidential=confidential,
    )


def lines(actions: Iterable[Action]) -> list[str]:
    """Each action as one short line: `AddLabels a,b`, `PostNote kind:key`, `CreateIssue ...`."""
    out = []
    for action in actions:
        name = type(action).__name__
        if name in ("AddLabels", "RemoveLabels"):
            out.append(f"{name} {','.join(action.labels)}")
        elif name == "Assign":
            out.append(f"Assign {','.join(action.usernames)}")
        elif name == "PostNote":
            attrs = "".join(f" {k}={v}" for k, v in sorted(action.attrs.items()))
            out.append(f"PostNote {action.kind}:{action.key}{attrs}")
        elif name == "CreateIssue":
            out.append(f"CreateIssue {action.title}")
        else:
            out.append(name)
    return out


def run(
    rule: Callable[[Facts], Iterable[Action]],
    snap: IssueSnapshot,
    now: datetime = T0,
    config: Config | None = None,
) -> list[Action]:
    return list(rule(Facts(snap, config or default_config(), now)))


def events(*specs: tuple[str, str, int]) -> tuple[LabelEvent, ...]:
    """Label events from (label, user, minutes after T0), ids in order."""
    return tuple(
        label_event(label, user=user, at=at(minutes), event_id=index)
        for index, (label, user, minutes) in enumerate(specs, 1)
    )


def note(kind: str, key: Any, minutes: int = 0, **attrs: Any) -> Note:
    return bot_note(kind, key, at=at(minutes), note_id=next(_IDS), **attrs)
