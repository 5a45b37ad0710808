"""Running incidents as snapshots, for the clock's rules: what a scan finds on a quiet day."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from automation.actions import Action
from automation.config import Config
from automation.facts import Facts
from automation.snapshot import IssueSnapshot, LabelEvent, Note
from tests.conftest import T0, bot_note, example, snapshot

FILED = example("ci-runners-degraded.md")
# No engagement triggers: the quiet incident the clock's rules are about.
QUIET = (
    FILED.replace("multiple_customers_affected: true", "multiple_customers_affected: false")
    .replace("bulk_communications_needed: true", "bulk_communications_needed: false")
    .replace("sla_risk: true", "sla_risk: false")
)
SEVERITY_LABEL = {"SEV1": "severity::1", "SEV2": "severity::2", "SEV3": "severity::3"}
MINUTE = timedelta(minutes=1)
INTAKE_NOTE_ID = 5001


def description(severity: str = "SEV2", region: str = "EMEA", *, ticked: int = 0) -> str:
    """The example incident at `severity` in `region`, its first `ticked` exit criteria ticked."""
    text = QUIET.replace("severity: SEV2", f"severity: {severity}").replace(
        "region: EMEA", f"region: {region}"
    )
    head, _, tail = text.partition("## Exit Criteria")
    section, _, rest = tail.partition("## Follow-up Actions")
    for _ in range(ticked):
        section = section.replace("- [ ] ", "- [x] ", 1)
    return f"{head}## Exit Criteria{section}## Follow-up Actions{rest}"


def running(
    *,
    severity: str = "SEV2",
    region: str = "EMEA",
    state: str = "active",
    labels: Iterable[str] = (),
    notes: Iterable[Note] = (),
    label_events: Iterable[LabelEvent] = (),
    filed_at: datetime = T0,
    ticked: int = 0,
    closed: bool = False,
) -> IssueSnapshot:
    """An incident the bot took in at `filed_at` (its Initial Status Update draft posted then)."""
    intake = bot_note("initial-status-update", 1, at=filed_at, note_id=INTAKE_NOTE_ID)
    base = snapshot(
        description(severity, region, ticked=ticked),
        labels=(
            "incident",
            f"incident::{state}",
            SEVERITY_LABEL[severity],
            f"region::{region}",
            *labels,
        ),
        notes=(intake, *notes),
        label_events=tuple(label_events),
        state="closed" if closed else "opened",
    )
    return replace(base, created_at=filed_at)


def actions(
    rule: Callable[[Facts], Iterable[Action]], snap: IssueSnapshot, config: Config, now: datetime
) -> list[str]:
    """What `rule` asks for, one line per action: `PostNote kind:key` or `AddLabels a,b`."""
    lines = []
    for action in rule(Facts(snap, config, now)):
        name = type(action).__name__
        if name in ("PostNote", "CreateIssue"):
            lines.append(f"{name} {action.kind}:{action.key}")
        elif name in ("AddLabels", "RemoveLabels"):
            lines.append(f"{name} {','.join(action.labels)}")
        else:
            lines.append(name)
    return lines


def notes_of(
    rule: Callable[[Facts], Iterable[Action]], snap: IssueSnapshot, config: Config, now: datetime
) -> list[Any]:
    return [a for a in rule(Facts(snap, config, now)) if type(a).__name__ == "PostNote"]


__all__ = [
    "INTAKE_NOTE_ID",
    "MINUTE",
    "T0",
    "actions",
    "bot_note",
    "description",
    "notes_of",
    "running",
]
