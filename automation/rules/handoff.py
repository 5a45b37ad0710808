"""Regional handoffs: the Regional Handoff template, and the incoming region's acknowledgement.

The framework asks for "defined documentation requirements for cross-region transfers" and
"structured handoff calls at region boundaries"; its template ends "Please acknowledge receipt of
this handoff". So when the region label changes, the bot posts the Regional Handoff draft
(`handoff:<n> from=<region> to=<region>`) and asks the incoming region to acknowledge
(`handoff-ack-request:<n>`). `handoff::pending` stays on the issue until someone applies
`handoff::acknowledged`; the bot then records who acknowledged, and when, from the label event
(`handoff-acknowledged:<n> by=<user> at=<time>`) and removes `handoff::pending`. The scheduled
scan chases a pending handoff.

The region handed to last is the `to=` of the newest handoff, else the front-matter's region.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..actions import Action, AddLabels, RemoveLabels
from ..facts import Facts
from ..markers import Marker
from ..snapshot import LabelEvent

KIND = "handoff"
ACK_REQUEST = "handoff-ack-request"
ACKNOWLEDGED = "handoff-acknowledged"


def handoffs(facts: Facts) -> list[Marker]:
    found = [note.marker for note in facts.snapshot.bot_notes(KIND) if note.marker.key.isdigit()]
    return sorted(found, key=lambda marker: int(marker.key))


def handed_to(facts: Facts) -> str | None:
    moves = handoffs(facts)
    if moves:
        return moves[-1].attrs.get("to")
    return facts.incident.region if facts.incident else None


def acknowledgement(facts: Facts) -> tuple[bool, LabelEvent | None]:
    """Whether `handoff::acknowledged` acknowledges the current handoff, and its label event.

    A label left over from an earlier handoff (added before the region label) does not count.
    """
    label = facts.config.labels.handoff["acknowledged"]
    if label not in facts.labels:
        return False, None
    event = facts.snapshot.latest_label_add(label)
    region = facts.snapshot.latest_label_add(facts.config.labels.region.get(facts.region, ""))
    if event and region and event.created_at < region.created_at:
        return False, None
    return True, event


def rule(facts: Facts) -> Iterable[Action]:
    if facts.snapshot.closed:
        return
    labels = facts.config.labels
    extra = tuple(
        label
        for value, label in labels.region.items()
        if label in facts.labels and value != facts.region
    )
    if extra:
        yield RemoveLabels(extra, reason="one region at a time: the newest region label stays")
    pending, ack_label = labels.handoff["pending"], labels.handoff["acknowledged"]
    acked, event = acknowledgement(facts)
    before, after, moves = handed_to(facts), facts.region, handoffs(facts)
    if before and after and before != after:
        number = int(moves[-1].key) + 1 if moves else 1
        # Acknowledged in the same edit as the region change; without the label's event the
        # label may be left from an earlier handoff, so the bot asks again.
        acked = acked and event is not None
        # Labels first: a stale acknowledgement must be gone before the new handoff is on record.
        if not acked:
            if pending not in facts.labels:
                yield AddLabels((pending,), reason="handoff awaits acknowledgement")
            if ack_label in facts.labels:
                yield RemoveLabels((ack_label,), reason="new handoff: earlier acknowledgement")
        handoff = {"from_region": before, "to_region": after}
        yield facts.note(
            "regional-handoff",
            number,
            kind=KIND,
            attrs={"from": before, "to": after},
            reason=f"region {before} → {after}",
            handoff=handoff,
        )
        if not acked:
            yield facts.note(ACK_REQUEST, number, reason=f"{after} to acknowledge", handoff=handoff)
            return
        moves = [*moves, Marker(KIND, str(number), {"from": before, "to": after})]
    if not moves:
        return
    latest = moves[-1]
    recorded = facts.has(ACKNOWLEDGED, latest.key)
    if recorded or acked:
        if not recorded:
            yield _acknowledged(facts, latest, event)
        if pending in facts.labels:
            yield RemoveLabels((pending,), reason="handoff acknowledged")
    elif pending not in facts.labels:
        yield AddLabels((pending,), reason="handoff not yet acknowledged")


def _acknowledged(facts: Facts, handoff: Marker, event: LabelEvent | None) -> Action:
    by = event.user if event and event.user else None
    at = event.created_at if event else facts.now  # without the event: when the bot saw it
    return facts.note(
        ACKNOWLEDGED,
        handoff.key,
        attrs={"by": by or "unknown", "at": at.strftime("%Y-%m-%dT%H:%MZ")},
        reason=f"acknowledged by @{by}" if by else "acknowledged",
        handoff={
            "from_region": handoff.attrs.get("from"),
            "to_region": handoff.attrs.get("to"),
            "acknowledged_by": by,
            "acknowledged_at": at,
        },
    )
