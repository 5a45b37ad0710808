"""resolution.py and exit_criteria.py: resolved drafts, roles handed back, open criteria named."""

from __future__ import annotations

import pytest

from automation import exit_criteria
from automation.actions import PostNote
from automation.rules import resolution
from automation.snapshot import Note
from tests.rules.support import FILED, QUIET, at, incident, lines, note, run, ticked

RESOLVED = ("incident", "incident::resolved", "severity::2", "region::EMEA")
ROLES = ("cmoc::engaged", "smoc::engaged")
ENGAGED = [note("cmoc-activation", 1, 1), note("support-resource-allocation", 1, 1)]
DRAFTS = [note(kind, 1, 60) for kind in resolution.RESOLVED_NOTES]


def edited(minutes: int) -> Note:
    """GitLab's system note for a description edit."""
    return Note(9000 + minutes, "alice", "changed the description", at(minutes), system=True)


CASES = [
    ("still active: nothing", incident(), []),
    (
        "resolved: the three drafts, once",
        incident(labels=RESOLVED),
        [
            "PostNote resolution-update:1",
            "PostNote exit-criteria:1",
            "PostNote post-incident-support-summary:1",
        ],
    ),
    ("posted already", incident(labels=RESOLVED, notes=DRAFTS), []),
    (
        "resolved again after a reopen: a second round",
        incident(
            labels=RESOLVED,
            notes=[
                *DRAFTS,
                note("lifecycle", 2, 70, state="closed", **{"from": "resolved"}),
                note("lifecycle", 3, 80, state="active", **{"from": "closed"}),
            ],
        ),
        [
            "PostNote resolution-update:2",
            "PostNote exit-criteria:2",
            "PostNote post-incident-support-summary:2",
        ],
    ),
    (
        "five of six criteria: the roles stay",
        incident(labels=RESOLVED + ROLES, notes=[*ENGAGED, *DRAFTS], description=ticked(FILED, 5)),
        [],
    ),
    (
        "all six ticked: CMOC and SMOC handed back",
        incident(labels=RESOLVED + ROLES, notes=[*ENGAGED, *DRAFTS], description=ticked(FILED)),
        [
            "RemoveLabels cmoc::engaged",
            "PostNote role-released:cmoc-1",
            "RemoveLabels smoc::engaged",
            "PostNote role-released:smoc-1",
        ],
    ),
    (
        "label removed but the note failed: only the note",
        incident(labels=RESOLVED, notes=[*ENGAGED, *DRAFTS], description=ticked(FILED)),
        ["PostNote role-released:cmoc-1", "PostNote role-released:smoc-1"],
    ),
    (
        "handed back already",
        incident(
            labels=RESOLVED,
            notes=[
                *ENGAGED,
                *DRAFTS,
                note("role-released", "cmoc-1", 90),
                note("role-released", "smoc-1", 90),
            ],
            description=ticked(FILED),
        ),
        [],
    ),
    (
        "re-engaged after a release: ticks from before do not hand it back",
        incident(
            labels=(*RESOLVED, "cmoc::engaged"),
            notes=[
                *DRAFTS,
                note("cmoc-activation", 1, 1),
                note("role-released", "cmoc-1", 90),
                note("cmoc-activation", 2, 100),
            ],
            description=ticked(FILED),
        ),
        [],
    ),
    (
        "re-engaged, then the criteria confirmed again: handed back",
        incident(
            labels=(*RESOLVED, "cmoc::engaged"),
            notes=[
                *DRAFTS,
                note("cmoc-activation", 1, 1),
                note("role-released", "cmoc-1", 90),
                note("cmoc-activation", 2, 100),
                edited(120),
            ],
            description=ticked(FILED),
        ),
        ["RemoveLabels cmoc::engaged", "PostNote role-released:cmoc-2"],
    ),
    (
        "engaged in this very run: not handed back in the same breath",
        incident(labels=(*RESOLVED, "cmoc::engaged"), notes=DRAFTS, description=ticked(FILED)),
        [],
    ),
    (
        "closed with criteria open: which ones",
        incident(labels=RESOLVED, notes=DRAFTS, state="closed", description=ticked(QUIET, 4)),
        ["PostNote closed-with-open-criteria:1"],
    ),
    (
        "closed with all criteria ticked: nothing more to say",
        incident(labels=RESOLVED, notes=DRAFTS, state="closed", description=ticked(QUIET)),
        [],
    ),
]


@pytest.mark.parametrize(("name", "snap", "expected"), CASES, ids=[c[0] for c in CASES])
def test_resolution(name, snap, expected) -> None:
    assert lines(run(resolution.rule, snap, at(150))) == expected


def test_the_open_criteria_are_named() -> None:
    snap = incident(labels=RESOLVED, notes=DRAFTS, state="closed", description=ticked(QUIET, 4))
    (posted,) = run(resolution.rule, snap, at(150))
    assert "- [ ] Documented final status" in posted.body
    assert "- [ ] Handback to regular support flow" in posted.body
    assert "Support queue normalized" not in posted.body


def test_the_resolution_update_is_the_seed_template() -> None:
    posted = run(resolution.rule, incident(labels=RESOLVED), at(150))
    update, checklist, summary = (a.body for a in posted if isinstance(a, PostNote))
    assert update.startswith("## Incident #42 - CI jobs stuck in pending - RESOLVED")
    assert "**Duration:**" in update and "**Time Resolved:** 2026-12-03 16:35 UTC" in update
    assert checklist.count("- [ ] ") == 6
    assert "- SUPPORT SUMMARY" in summary.splitlines()[0]


def test_the_summary_draft_lists_the_known_follow_ups() -> None:
    posted = run(resolution.rule, incident(labels=RESOLVED, description=FILED), at(150))
    summary = posted[-1].body
    section = summary.split("### Follow-up Actions")[1].split("###")[0]
    assert "- [ ] Add a runner queue-depth alert to the support dashboard @dave due:2026-12-17" in (
        section
    )
    assert '- [ ] Write a macro for "pipelines pending" tickets @alice due:2026-12-10' in section


EXIT = """
## Exit Criteria

* [X] Customer communications stable
* [x] Support queue normalised
  - [x] No new impact patterns
* [ ] Regular ticket flow resumed (almost)
* [x] Final status documented in the timeline
- [x] Handed back to regular support
## Next
- [ ] Customer communications stable
"""


def test_exit_criteria_are_read_by_their_key_words() -> None:
    read = exit_criteria.read(EXIT)
    assert [c.done for c in read] == [True, True, True, False, True, True]
    assert exit_criteria.remaining(read) == ["Regular ticket flow resumed"]


def test_a_missing_checklist_holds_nothing() -> None:
    assert exit_criteria.remaining(exit_criteria.read("no checklist")) == [
        name for name, _ in exit_criteria.CRITERIA
    ]


def test_the_same_criterion_ticked_and_unticked_does_not_hold() -> None:
    text = "## Exit Criteria\n- [x] Support queue normalized\n- [ ] Support queue normalized\n"
    assert not exit_criteria.read(text)[1].done
