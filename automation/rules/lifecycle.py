"""The incident lifecycle: triage → active → monitoring → resolved, then closed.

The framework's sequence runs "Detection → Triage → Response → Communication → Resolution →
Incident Closure". People move an incident along by applying a state label (`incident::active`,
...) and close the issue at the end; a reopened incident goes back to active.

Level-triggered: each move the bot has seen is recorded in a `lifecycle:<n>` note whose marker
carries `from=` and `state=`. When the issue's state differs from the last recorded one, the bot
records the move in a short note. A skipped or backward move is said plainly, never refused:
people know things the bot does not. Scoped labels are exclusive only on paid tiers, so when
several state labels are on the issue the newest added stays and the bot removes the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..actions import Action, AddLabels, RemoveLabels
from ..facts import Facts
from ..markers import Marker

KIND = "lifecycle"
ORDER = ("triage", "active", "monitoring", "resolved", "closed")
RESPONSE = ("triage", "active", "monitoring")


def recorded(facts: Facts) -> list[Marker]:
    """The lifecycle markers, oldest move first."""
    found = [note.marker for note in facts.snapshot.bot_notes(KIND) if note.marker.key.isdigit()]
    return sorted(found, key=lambda marker: int(marker.key))


def last_state(facts: Facts) -> str | None:
    moves = recorded(facts)
    return moves[-1].attrs.get("state") if moves else None


def current_state(facts: Facts) -> str:
    if facts.snapshot.closed:
        return "closed"
    return facts.state or "triage"  # intake labels a new incident triage


def round_number(facts: Facts) -> int:
    """1, then one more each time an incident leaves resolution (reopened, or moved back).

    Resolution notes are keyed by it, so a second resolution posts its own Resolution Update.
    """
    back = [
        marker
        for marker in recorded(facts)
        if marker.attrs.get("from") in ("resolved", "closed")
        and marker.attrs.get("state") in RESPONSE
    ]
    return len(back) + 1


def rule(facts: Facts) -> Iterable[Action]:
    labels = facts.config.labels.state
    last = last_state(facts)
    if not facts.snapshot.closed and last == "closed":
        # Reopened: back to active, whatever state label the issue still carries.
        if labels["active"] not in facts.labels:
            yield AddLabels((labels["active"],), reason="reopened: back to active")
        others = _present(facts, exclude="active")
        if others:
            yield RemoveLabels(others, reason="reopened: back to active")
        yield _note(facts, "closed", "active", "reopen")
        return
    if not facts.snapshot.closed and (extra := _present(facts, exclude=facts.state)):
        yield RemoveLabels(extra, reason="one state at a time: the newest state label stays")
    state = current_state(facts)
    if last is None and state == "triage":
        return  # a new incident starts in triage: nothing to say
    if last is None and not facts.has("initial-status-update", 1):
        yield _note(facts, None, state, "start")
        return
    before = last or "triage"
    if state != before:
        yield _note(facts, before, state, _move(before, state))


def _present(facts: Facts, exclude: str | None) -> tuple[str, ...]:
    return tuple(
        label
        for value, label in facts.config.labels.state.items()
        if label in facts.labels and value != exclude
    )


def _move(before: str, after: str) -> str:
    step = ORDER.index(after) - ORDER.index(before)
    if step < 0:
        return "back"
    if after == "closed":
        return "close"
    return "forward" if step == 1 else "skip"


def _note(facts: Facts, before: str | None, after: str, move: str) -> Action:
    skipped: list[str] = []
    if before is not None and move in ("skip", "close"):
        # Closing from resolved skips nothing; closing earlier skips the states left out.
        stop = ORDER.index("resolved") + 1 if after == "closed" else ORDER.index(after)
        skipped = list(ORDER[ORDER.index(before) + 1 : stop])
    number = int(recorded(facts)[-1].key) + 1 if recorded(facts) else 1
    attrs = {"state": after} | ({"from": before} if before else {})
    return facts.note(
        "lifecycle-note",
        number,
        kind=KIND,
        attrs=attrs,
        reason=f"state {before or 'new'} → {after}"
        + (f" (skipped {', '.join(skipped)})" if skipped else ""),
        transition={
            "from_state": before,
            "to_state": after,
            "skipped": skipped,
            "backward": move == "back",
        },
    )
