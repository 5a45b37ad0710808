"""roles.py: a role holder changed in the description is announced, notified and assigned."""

from __future__ import annotations

from dataclasses import replace

import pytest

from automation.actions import Assign
from automation.config import default_config
from automation.rules import roles
from tests.rules.support import QUIET, incident, lines, note, run

KNOWN = {"cmoc": "alice", "smoc": "bob", "imoc": "carol"}
RECORDED = note("initial-status-update", 1, **KNOWN)
NEW_CMOC = QUIET.replace('cmoc: "@alice"', 'cmoc: "@dave"')
NO_SMOC = QUIET.replace('  smoc: "@bob"\n', "")

CASES = [
    ("the holders announced at intake: nothing", incident(notes=[RECORDED], intake=False), []),
    (
        "a note without the record (older incidents): nothing",
        incident(description=NEW_CMOC),
        [],
    ),
    (
        "a new CMOC: assigned in place of the old one, and announced",
        incident(description=NEW_CMOC, notes=[RECORDED], intake=False),
        ["Assign dave", "PostNote roles:1 cmoc=dave imoc=carol smoc=bob"],
    ),
    (
        "numbered after the roles notes already posted",
        incident(
            description=NEW_CMOC,
            notes=[RECORDED, note("roles", 1, 1, **KNOWN)],
            intake=False,
        ),
        ["Assign dave", "PostNote roles:2 cmoc=dave imoc=carol smoc=bob"],
    ),
    (
        "announced already: the newest roles note is the record",
        incident(
            description=NEW_CMOC,
            notes=[
                RECORDED,
                note("roles", 1, 1, **KNOWN),
                note("roles", 2, 5, **KNOWN | {"cmoc": "dave"}),
            ],
            intake=False,
        ),
        [],
    ),
    (
        "a role left empty: announced, nobody assigned",
        incident(description=NO_SMOC, notes=[RECORDED], intake=False),
        ["PostNote roles:1 cmoc=alice imoc=carol smoc=-"],
    ),
    (
        "closed: nothing",
        incident(description=NEW_CMOC, notes=[RECORDED], intake=False, state="closed"),
        [],
    ),
]


@pytest.mark.parametrize(("name", "snap", "expected"), CASES, ids=[c[0] for c in CASES])
def test_roles(name, snap, expected) -> None:
    assert lines(run(roles.rule, snap)) == expected


def test_a_new_cmoc_replaces_the_assignee_only_on_the_free_tier() -> None:
    snap = incident(description=NEW_CMOC, notes=[RECORDED], intake=False)
    (free, _) = run(roles.rule, snap)
    (premium, _) = run(roles.rule, snap, config=replace(default_config(), tier="premium"))
    assert isinstance(free, Assign) and free.replace
    assert isinstance(premium, Assign) and not premium.replace


def test_the_note_names_and_notifies_the_new_holder() -> None:
    (_, posted) = run(roles.rule, incident(description=NEW_CMOC, notes=[RECORDED], intake=False))
    assert "CMOC: @dave" in posted.body and posted.internal
