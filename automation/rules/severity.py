"""Severity changes: one severity label, the new update cadence announced, roles re-evaluated.

The framework: the IMOC "determines incident severity", SMOC and IMOC collaborate "on incident
severity determinations", and CMOC and IMOC hold "regular sync points at defined intervals based
on severity". So when someone applies another severity label, the bot removes the old one (scoped
labels are exclusive only on paid tiers; the newest added stays), and says what changed and how
often status updates are now due. The engagement triggers are then evaluated on the new severity
by engagement.py, which runs after this rule: a move to SEV1 engages the SMOC where
`engagement.smoc_on_sev1` is set.

The severity last announced is the `severity=` of the newest `severity-change:<n>` note, else the
one the Initial Status Update stated. The front-matter holds what the filer knew at the start: a
later edit of it changes nothing, the label does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..actions import Action, RemoveLabels
from ..config import SEVERITIES
from ..facts import Facts
from . import cadence

KIND = "severity-change"
_STATED = re.compile(r"\*\*Severity:\*\*\s*(SEV[123])\b")


def announced(facts: Facts) -> str | None:
    changes = sorted(
        (n.marker for n in facts.snapshot.bot_notes(KIND) if n.marker.key.isdigit()),
        key=lambda marker: int(marker.key),
    )
    if changes:
        return changes[-1].attrs.get("severity")
    for note in facts.snapshot.bot_notes("initial-status-update"):
        if match := _STATED.search(note.body):
            return match.group(1)
    return facts.incident.severity if facts.incident else None


def rule(facts: Facts) -> Iterable[Action]:
    if facts.snapshot.closed:
        return
    labels = facts.config.labels.severity
    extra = tuple(
        label
        for value, label in labels.items()
        if label in facts.labels and value != facts.severity
    )
    if extra:
        yield RemoveLabels(extra, reason="one severity at a time: the newest severity label stays")
    if not facts.has("initial-status-update", 1):
        return  # the Initial Status Update announces the starting severity
    before, after = announced(facts), facts.severity
    if after is None or before is None or before == after:
        return
    number = facts.count(KIND) + 1
    direction = "escalated" if SEVERITIES.index(after) < SEVERITIES.index(before) else "lowered"
    yield facts.note(
        KIND,
        number,
        attrs={"severity": after, "from": before},
        reason=f"severity {direction}: {before} → {after}",
        severity_change={
            "from_severity": before,
            "to_severity": after,
            "escalated": direction == "escalated",
        },
        # The new cadence counts from the last update, as the overdue reminders do, so the
        # time promised here is the time the reminder would fire.
        **({"next_update_at": standing.due_at} if (standing := cadence.overdue(facts)) else {}),
    )
