"""Overdue status updates, by the severity's cadence.

The framework keeps the CMOC and IMOC in step through "regular sync points at defined intervals
based on severity", and every update promises "Next status update expected by [time] UTC". When
that time passes without an update, the bot reminds the CMOC on the issue, says by how long the
update is overdue and applies the overdue label; after `reminders.smoc_after_missed` missed
slots it mentions the SMOC too, who is there to "prevent SLA breaches through proactive
intervention". The label goes as soon as an update is posted.

The cadence (`cadence_minutes`, by default SEV1 30, SEV2 60, SEV3 240 minutes) follows common
support practice for customer-facing incidents: a full outage (SEV1) leaves customers refreshing
the status page, so every half hour; a degradation (SEV2) hourly; a limited impact (SEV3) a few
times in a working day. Shorter cadences turn the CMOC's time into writing updates that say
nothing new; longer ones leave customers guessing and tickets piling up.

Time is cut into slots of one cadence counted from the last update (see updates.py):
slot = floor((now - last update) / cadence). Slot 0 is on time; from slot 1 the update is
overdue. Each reminder is marked `overdue-reminder:<anchor>-<slot>`, the anchor being the id of
the note the clock counts from, so a re-run, two schedules firing together or a retried job
never repeat a reminder, and each new update starts a fresh series.

Only incidents still running need updates: not resolved, not closed. Nothing is sent while
reminders are paused (pause.py), and the clock restarts when they resume.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..actions import Action, AddLabels, RemoveLabels
from ..facts import Facts
from ..snapshot import Note
from ..updates import last_update
from . import comms, pause

KIND = "overdue-reminder"


@dataclass(frozen=True)
class Overdue:
    anchor: str  # what the clock counts from: a note id, or "filed"
    since: datetime  # when that was
    cadence: timedelta
    slot: int  # whole cadences elapsed; 0 means on time

    @property
    def due_at(self) -> datetime:
        return self.since + self.cadence

    def minutes_late(self, now: datetime) -> int:
        return max(0, int((now - self.due_at).total_seconds() // 60))


def needs_updates(facts: Facts) -> bool:
    return not facts.snapshot.closed and facts.state != "resolved"


def clock_start(facts: Facts) -> Note | None:
    """The newest of the last status update and the end of the last pause."""
    candidates = [note for note in (last_update(facts.snapshot), pause.resumed_at(facts)) if note]
    return max(candidates, key=lambda note: (note.created_at, note.id)) if candidates else None


def overdue(facts: Facts) -> Overdue | None:
    """Where the incident stands against its cadence, or None when it has no cadence."""
    minutes = facts.config.cadence_minutes.get(facts.severity or "")
    if not minutes:
        return None
    cadence = timedelta(minutes=minutes)
    start = clock_start(facts)
    if start is not None:
        anchor, since = str(start.id), start.created_at
    elif facts.snapshot.created_at is not None:
        anchor, since = "filed", facts.snapshot.created_at
    else:
        return None
    slot = max(0, int((facts.now - since) // cadence))
    return Overdue(anchor, since, cadence, slot)


def rule(facts: Facts) -> Iterable[Action]:
    label = facts.config.labels.overdue
    labelled = label in facts.labels
    state = overdue(facts) if needs_updates(facts) and not pause.is_paused(facts) else None
    # Before intake has posted the Initial Status Update draft, the draft it posts now starts
    # the clock; reminding in the same breath would be noise.
    if state is not None and not facts.has("initial-status-update", 1):
        state = None
    # Likewise when this very run answers a status-update request (comms.py) or ends a pause
    # (pause.py): the note it posts restarts the clock, so no reminder goes out beside it.
    if state is not None and (update_requested(facts) or pause.resuming(facts)):
        state = None
    if state is None or state.slot == 0:
        if labelled:
            yield RemoveLabels((label,), reason=_why_clear(facts))
        return
    if not labelled:
        yield AddLabels((label,), reason=f"status update overdue since {state.due_at:%H:%M} UTC")
    yield facts.note(
        KIND,
        f"{state.anchor}-{state.slot}",
        reason=f"no status update for {state.slot} cadence(s) of {_minutes(state.cadence)} min",
        reminder={
            "overdue_minutes": state.minutes_late(facts.now),
            "missed_slots": state.slot,
            "due_at": state.due_at,
            "mention_smoc": state.slot >= facts.config.smoc_after_missed,
        },
    )


def update_requested(facts: Facts) -> bool:
    """A status update was requested by label and the bot has not answered it yet."""
    label = facts.config.labels.comms.get("status_update")
    if not label or label not in facts.labels:
        return False
    return not facts.has("status-update", comms.request_key(facts, label))


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _why_clear(facts: Facts) -> str:
    if not needs_updates(facts):
        return "incident no longer needs status updates"
    if pause.is_paused(facts):
        return "reminders paused"
    return "status update posted"
