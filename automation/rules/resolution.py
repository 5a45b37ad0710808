"""Resolution: the Resolution Update, the exit criteria, the summary draft, and roles handed back.

The framework's sequence ends "Communication → Resolution → Incident Closure", and its exit
criteria ("Customer communications stable", "Support queue normalized", "No new impact
patterns", "Regular ticket flow resumed", "Documented final status", "Handback to regular
support flow") are what hands the CMOC and SMOC roles back.

- `incident::resolved` posts the Resolution Update, the exit-criteria checklist and the
  Post-Incident Support Summary draft, once per resolution (`<kind>:<round>`, see
  lifecycle.round_number: a reopened incident resolved again gets its own).
- When all six criteria are ticked in the description's Exit Criteria checklist, each engaged
  role's label is removed and `role-released:<role>-<cycle>` posted once. A role engaged again
  after a release (engagement.cycle > 1) is released only once the description was edited after
  its re-engagement: ticks left from before the reopen do not hand it straight back.
- Closed with criteria still open: the bot says which (`closed-with-open-criteria:<round>`).
  It does not reopen: closing is the IMOC's call ("Determines incident severity and closure
  timing").
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import exit_criteria, followups
from ..actions import Action, PostNote, RemoveLabels
from ..facts import Facts
from . import engagement, lifecycle

RESOLVED_NOTES = ("resolution-update", "exit-criteria", "post-incident-support-summary")
SUMMARY = "post-incident-support-summary"


def rule(facts: Facts) -> Iterable[Action]:
    criteria = exit_criteria.read(facts.snapshot.description)
    round_number = lifecycle.round_number(facts)
    if facts.state == "resolved":
        yield from _resolved(facts, round_number, criteria)
    if exit_criteria.all_done(criteria):
        for role in ("cmoc", "smoc"):
            yield from _release(facts, role, criteria)
    if (
        facts.snapshot.closed
        and not exit_criteria.all_done(criteria)
        and not facts.has("closed-with-open-criteria", round_number)
    ):
        yield facts.note(
            "closed-with-open-criteria",
            round_number,
            reason=f"closed with {len(exit_criteria.remaining(criteria))} exit criteria open",
            exit_criteria=exit_criteria.as_context(criteria),
        )


def _resolved(facts: Facts, round_number: int, criteria: tuple) -> Iterable[Action]:
    listed = exit_criteria.as_context(criteria)
    for template in RESOLVED_NOTES:
        if facts.has(template, round_number):
            continue
        if template == SUMMARY:
            yield _summary(facts, round_number, listed)
        else:
            yield facts.note(
                template, round_number, reason="incident resolved", exit_criteria=listed
            )


def _summary(facts: Facts, round_number: int, listed: list) -> PostNote:
    """The summary draft lists every follow-up known so far, as tasks people can add to."""
    from ..render import render

    known = followups.merge(
        followups.from_front_matter(facts.incident.follow_up_actions),
        followups.parse(facts.snapshot.description),
    )
    context = facts.context(exit_criteria=listed)
    context["incident"]["follow_up_actions"] = [
        {"action": item.action, "owner": item.owner, "due": item.due} for item in known
    ]
    body = render(SUMMARY, context, allow_group_mentions=facts.config.allow_group_mentions)
    return PostNote(SUMMARY, str(round_number), body, reason="incident resolved")


def _release(facts: Facts, role: str, criteria: tuple) -> Iterable[Action]:
    label = facts.config.labels.roles[role]
    number = engagement.cycle(facts, role)
    activation = [
        note
        for note in facts.snapshot.bot_notes(engagement.TEMPLATES[role])
        if note.marker.key == str(number)
    ]
    if not activation:
        return  # not engaged in this cycle, or engagement.py engages it in this very run
    if number > 1 and not _edited_since(facts, activation):
        return
    if label in facts.labels:
        # The label goes first: if the note then fails, the next run still owes only the note.
        yield RemoveLabels((label,), reason=f"exit criteria met: {role.upper()} handed back")
    yield facts.note(
        "role-released",
        f"{role}-{number}",
        reason=f"exit criteria met: {role.upper()} handed back",
        engagement={
            "role": role.upper(),
            "holder": getattr(facts.incident.roles, role),
            "criteria": [c.name for c in criteria if c.done],
        },
    )


def _edited_since(facts: Facts, activation: list) -> bool:
    """Whether GitLab recorded a description edit after the role's re-engagement."""
    since = activation[-1].created_at
    return any(
        note.system and note.body.startswith("changed the description") and note.created_at > since
        for note in facts.snapshot.notes
    )
