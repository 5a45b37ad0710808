"""Resolved but not closed: a daily nudge while exit criteria are pending.

The framework lists the Exit Criteria that hand an incident back ("Customer communications
stable", "Support queue normalized", ..., "Handback to regular support flow"), and its
sequence ends with "Resolution ->> Detection: Incident Closure". An incident labelled resolved
that stays open with unticked items in the description's `## Exit Criteria` checklist has
stalled between the two. After `closure.nudge_after_hours` the bot nudges once a day,
`closure-nudge:<UTC date>`, listing what is still open.

The resolution time is when the resolved label was applied (label events, when the read has
them), or else when the bot recorded the move to resolved (its `lifecycle` note) or posted the
Resolution Update. An incident whose resolution time cannot be told is not nudged: better one
nudge late than one too early. Which criteria hold is read as exit_criteria.py reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from .. import exit_criteria
from ..actions import Action
from ..facts import Facts
from . import lifecycle, pause

KIND = "closure-nudge"
# Besides the lifecycle note that records the move to resolved, the notes the resolution
# leaves behind (resolution.py); the newest counts.
RESOLUTION_KINDS = ("resolution-update", "exit-criteria")


def resolved_at(facts: Facts) -> datetime | None:
    """When the resolved label was applied (label events), else when the bot recorded it."""
    event = facts.snapshot.latest_label_add(facts.config.labels.state["resolved"])
    if event is not None:
        return event.created_at
    for note in reversed(facts.snapshot.notes):
        marker = note.marker
        if marker is None:
            continue
        if marker.kind == lifecycle.KIND and marker.attrs.get("state") == "resolved":
            return note.created_at
        if marker.kind in RESOLUTION_KINDS:
            return note.created_at
    return None


def rule(facts: Facts) -> Iterable[Action]:
    if facts.snapshot.closed or facts.state != "resolved" or pause.is_paused(facts):
        return
    criteria = exit_criteria.read(facts.snapshot.description)
    pending = exit_criteria.remaining(criteria)
    if not pending:
        return
    since = resolved_at(facts)
    if since is None:
        return
    waited = facts.now - since
    if waited < timedelta(hours=facts.config.closure_nudge_after_hours):
        return
    day = facts.now.astimezone(UTC).date().isoformat()
    yield facts.note(
        KIND,
        day,
        reason=f"resolved {int(waited.total_seconds() // 3600)} h ago, {len(pending)} exit "
        "criteria pending",
        exit_criteria=exit_criteria.as_context(criteria),
    )
