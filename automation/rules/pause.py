"""Pausing reminders on one incident, visibly.

A person applies the paused label (`reminders::paused` by default) when the team has agreed that
no reminders help for now, for example while waiting on a vendor, and removes it to resume. The
framework's "Clear Accountability" asks that such a decision be on the record, so the bot says
so on the issue: one `reminders-paused:<n>` note per pause and one `reminders-resumed:<n>` when
it ends, `n` counting the pauses. Counting from the notes (not from label events) keeps this
readable from the scan's batched read, which carries notes but not label events.

While paused no reminder of any kind goes out (overdue updates, handoffs, closure nudges), and
the update cadence restarts when reminders resume: the pause was a decision, not a lapse.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..actions import Action
from ..facts import Facts
from ..snapshot import Note

PAUSED = "reminders-paused"
RESUMED = "reminders-resumed"


def is_paused(facts: Facts) -> bool:
    return facts.config.labels.paused in facts.labels


def latest_pause_note(facts: Facts) -> Note | None:
    """The newest pause or resume note, or None before the first pause."""
    notes = [
        note
        for note in facts.snapshot.notes
        if note.marker is not None and note.marker.kind in (PAUSED, RESUMED)
    ]
    return notes[-1] if notes else None


def resumed_at(facts: Facts) -> Note | None:
    """The note that ended the latest pause, when reminders are running again."""
    latest = latest_pause_note(facts)
    if latest is not None and latest.marker.kind == RESUMED and not is_paused(facts):
        return latest
    return None


def resuming(facts: Facts) -> bool:
    """The label was removed and this run posts the resume note (which restarts the clock)."""
    latest = latest_pause_note(facts)
    return not is_paused(facts) and latest is not None and latest.marker.kind == PAUSED


def rule(facts: Facts) -> Iterable[Action]:
    if facts.snapshot.closed:
        return
    latest = latest_pause_note(facts)
    open_pause = latest is not None and latest.marker.kind == PAUSED
    if is_paused(facts) and not open_pause:
        number = len(facts.snapshot.bot_notes(PAUSED)) + 1
        yield facts.note(PAUSED, number, reason="reminders paused by a person")
    elif not is_paused(facts) and open_pause:
        yield facts.note(RESUMED, latest.marker.key, reason="reminders resumed")
