"""Handoffs the clock has to chase: a region's day ending without one, and one left unacknowledged.

The framework's Regional Handoffs call for "structured handoff calls at region boundaries" and
"clear escalation paths across time zones"; the CMOC is to "coordinate with regional support
teams to ensure 24/7 coverage", and the Regional Handoff template closes with "Please
acknowledge receipt of this handoff".

- End of the day. The region label names the region handling the incident; a handoff moves it
  (handoff.py). When that region's working day (`regions`, local time in its IANA zone) ended
  while it held the incident and the label still names it, nobody handed off: the bot reminds
  once per region-day, `handoff-reminder:<REGION>-<local date of the day that ended>`, naming
  the region to hand to (one at work now, else the one that starts first).
- Unacknowledged. With `handoff::pending` still on the issue `handoff.escalate_after_minutes`
  after the newest handoff note (`handoff:<n>`), the SMOC is mentioned, once per handoff:
  `handoff-escalation:<n>`.

Only running incidents (not resolved, not closed), and nothing while reminders are paused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .. import workhours
from ..actions import Action
from ..facts import Facts
from . import handoff, pause
from .cadence import needs_updates

REMINDER = "handoff-reminder"
ESCALATION = "handoff-escalation"
HANDOFF_KIND = handoff.KIND  # the Regional Handoff notes, `handoff:<n> from=... to=...`


def rule(facts: Facts) -> Iterable[Action]:
    if not needs_updates(facts) or pause.is_paused(facts):
        return
    yield from _end_of_day(facts)
    yield from _unacknowledged(facts)


def _end_of_day(facts: Facts) -> Iterable[Action]:
    region = facts.region
    hours = facts.config.regions.get(region or "")
    if hours is None or workhours.in_hours(facts.now, hours):
        return
    ended = workhours.last_end(facts.now, hours)
    held_since = _held_since(facts, region)
    if held_since is None or held_since > ended:
        # The region took the incident after its day had ended (filed at night, or handed to a
        # region off duty): no day ended on its watch. An unacknowledged handoff is chased below.
        return
    day = ended.astimezone(hours.timezone).date()
    # The incoming region, and since when it works (its start, when none works now).
    successor, from_time = workhours.next_region(facts.now, facts.config.regions, region)
    yield facts.note(
        REMINDER,
        f"{region}-{day.isoformat()}",
        reason=f"{region} working hours ended at {ended:%H:%M} UTC without a handoff",
        handoff={"from_region": region, "to_region": successor, "requested_at": from_time},
    )


def _held_since(facts: Facts, region: str) -> datetime | None:
    """Since when `region` has held the incident: its last handoff to it, else the filing."""
    for note in reversed(facts.snapshot.bot_notes(HANDOFF_KIND)):
        if note.marker.attrs.get("to") == region:
            return note.created_at
    return facts.snapshot.created_at


def _unacknowledged(facts: Facts) -> Iterable[Action]:
    if facts.config.labels.handoff["pending"] not in facts.labels:
        return
    handoffs = facts.snapshot.bot_notes(HANDOFF_KIND)
    if not handoffs:
        return
    newest = handoffs[-1]
    waited = facts.now - newest.created_at
    limit = timedelta(minutes=facts.config.handoff_escalate_after_minutes)
    if waited < limit:
        return
    attrs = newest.marker.attrs
    minutes = waited // timedelta(minutes=1)
    yield facts.note(
        ESCALATION,
        newest.marker.key,
        reason=f"handoff {newest.marker.key} unacknowledged for {minutes} min",
        handoff={
            "from_region": attrs.get("from"),
            "to_region": attrs.get("to"),
            "requested_at": newest.created_at,
        },
    )
