"""Which notes are status updates: the bot's drafts, and people's notes in the template's form."""

from __future__ import annotations

import pytest

from automation.updates import is_status_update, last_update
from tests.conftest import T0, bot_note, person_note, snapshot

REGULAR = """## Incident #42 - CI jobs stuck in pending - UPDATE #3
**Status:** In Progress
**Severity:** SEV2
"""
INITIAL = """## Incident #42 - CI jobs stuck in pending
**Status:** In Progress
**Severity:** SEV2
"""
HANDOFF = """## Incident #42 - CI jobs stuck in pending - HANDOFF
**Status:** In Progress
**Current Region:** EMEA
"""

CASES = [
    ("the bot's initial draft", bot_note("initial-status-update", 1), True),
    ("the bot's regular draft", bot_note("status-update", 2), True),
    ("another bot note", bot_note("overdue-reminder", "5001-1"), False),
    ("a bot handoff, whatever its heading", bot_note("handoff", 1, body=HANDOFF), False),
    ("a person's regular update", person_note(REGULAR), True),
    ("a person's initial update", person_note(INITIAL), True),
    ("an update after a line of text", person_note("Posted to status.io:\n\n" + REGULAR), True),
    ("the initial heading without its Status line", person_note(INITIAL.split("\n")[0]), False),
    ("a person's handoff", person_note(HANDOFF), False),
    ("a quoted update", person_note("> " + REGULAR.replace("\n", "\n> ")), False),
    ("an update in a code block", person_note("    " + REGULAR.replace("\n", "\n    ")), False),
    ("a chat message", person_note("any news on the runners?"), False),
    (
        "a forged draft marker counts only by its heading",
        bot_note("status-update", 9, author="mallory", body="hello"),
        False,
    ),
]


@pytest.mark.parametrize(("name", "note", "expected"), CASES, ids=[c[0] for c in CASES])
def test_is_status_update(name, note, expected) -> None:
    assert is_status_update(note) is expected


def test_a_system_note_is_never_an_update() -> None:
    note = person_note(REGULAR)
    assert not is_status_update(type(note)(**{**note.__dict__, "system": True}))


def test_the_last_update_is_the_newest_update_not_the_newest_note() -> None:
    update = person_note(REGULAR, at=T0, note_id=7)
    chat = person_note("thanks!", at=T0, note_id=8)
    snap = snapshot(notes=(bot_note("initial-status-update", 1, note_id=3), update, chat))
    assert last_update(snap) is update
    assert last_update(snapshot(notes=(chat,))) is None
