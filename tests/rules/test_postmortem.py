"""postmortem.py: one action-item issue per follow-up when the incident closes, exactly once."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from automation.actions import CreateIssue, PostNote
from automation.rules import postmortem, resolution
from tests.conftest import person_note
from tests.rules.support import FILED, QUIET, at, incident, lines, note, run

CLOSED = ("incident", "incident::resolved", "severity::2", "region::EMEA")
FRONT = "Add a runner queue-depth alert to the support dashboard"
DESCRIBED = 'Write a macro for "pipelines pending" tickets'
# The front-matter's follow-up dropped, the description's ticked as done.
NONE_OPEN = re.sub(r"follow_up_actions:\n(  .*\n)+", "follow_up_actions: []\n", QUIET).replace(
    "- [ ] Write", "- [x] Write"
)
SUMMARY = f"""## Incident #42 - CI jobs stuck in pending - SUPPORT SUMMARY

### Follow-up Actions
- [ ] {FRONT} @dave due:2026-12-17
- [ ] Document the autoscaling limits @bob by 20 Dec 2026

### Lessons Learned
- [ ] not an action: another section
"""


def closed(description: str = FILED, notes=(), **fields):
    return incident(labels=CLOSED, state="closed", description=description, notes=notes, **fields)


def created(actions) -> list[CreateIssue]:
    return [a for a in actions if isinstance(a, CreateIssue)]


CASES = [
    ("open: nothing yet", incident(description=FILED), []),
    ("closed without open follow-ups: nothing", closed(NONE_OPEN), []),
    (
        "closed: the front-matter's and the description's follow-ups",
        closed(),
        [f"CreateIssue {FRONT}", f"CreateIssue {DESCRIBED}", "PostNote action-items:*"],
    ),
    (
        "the summary note as people edited it, and a person's note",
        closed(
            notes=[
                note("post-incident-support-summary", 1, 60, body=SUMMARY),
                person_note("#### Follow-up actions\n* [ ] Raise the alert threshold @dave"),
            ]
        ),
        [
            f"CreateIssue {FRONT}",
            f"CreateIssue {DESCRIBED}",
            "CreateIssue Document the autoscaling limits",
            "CreateIssue Raise the alert threshold",
            "PostNote action-items:*",
        ],
    ),
    (
        "a bot note of another kind is not read (the Resolution Update has customer advice)",
        closed(notes=[note("resolution-update", 1, 60, body="### Follow-up Actions\n- [ ] nope")]),
        [f"CreateIssue {FRONT}", f"CreateIssue {DESCRIBED}", "PostNote action-items:*"],
    ),
]


@pytest.mark.parametrize(("name", "snap", "expected"), CASES, ids=[c[0] for c in CASES])
def test_postmortem(name, snap, expected) -> None:
    got = lines(run(postmortem.rule, snap, at(300)))
    assert len(got) == len(expected), got
    for line, wanted in zip(got, expected, strict=True):
        assert line.startswith(wanted[:-1]) if wanted.endswith("*") else line == wanted


def test_the_issues_carry_owner_due_date_labels_and_link(config) -> None:
    front, described = created(run(postmortem.rule, closed(), at(300)))
    assert (front.assignee, str(front.due_date)) == ("dave", "2026-12-17")
    assert (described.assignee, str(described.due_date)) == ("alice", "2026-12-10")
    assert front.labels == ("incident-action-item",) and front.link_to_incident
    assert front.project == 7 and not front.confidential
    assert front.key.startswith("7-42-") and front.kind == "action-item"
    assert "CI jobs stuck in pending" in front.description


def test_keys_are_stable_and_ignore_spelling() -> None:
    first = created(run(postmortem.rule, closed(), at(300)))
    respelt = FILED.replace(DESCRIBED, 'write a macro for  "Pipelines pending" tickets.')
    again = created(run(postmortem.rule, closed(respelt), at(900)))
    assert [a.key for a in first] == [a.key for a in again]


def test_after_the_note_nothing_is_planned_again() -> None:
    actions = run(postmortem.rule, closed(), at(300))
    (listed,) = [a for a in actions if isinstance(a, PostNote)]
    done = note(listed.kind, listed.key, 301, **dict(listed.attrs))
    assert run(postmortem.rule, closed(notes=[done]), at(400)) == []
    # Reopened and closed again with one more follow-up: only that one is new.
    more = FILED + "\n- [ ] Review the on-call rota @erin\n"
    again = lines(run(postmortem.rule, closed(more, notes=[done]), at(500)))
    assert again[:1] == ["CreateIssue Review the on-call rota"] and len(again) == 2


def test_a_confidential_incident_gives_confidential_items(config) -> None:
    items = created(run(postmortem.rule, closed(confidential=True), at(300)))
    assert items and all(item.confidential for item in items)


def test_elsewhere_a_confidential_incident_leaves_no_detail(config) -> None:
    elsewhere = replace(config, action_items_project="support/postmortems")
    leaky = FILED.replace(FRONT, "Write the RCA for CI jobs stuck in pending")
    snap = closed(leaky, confidential=True)
    items = created(run(postmortem.rule, snap, at(300), elsewhere))
    assert {item.project for item in items} == {"support/postmortems"}
    for item in items:
        assert item.confidential
        assert "CI jobs stuck in pending" not in item.title
        assert "CI jobs stuck in pending" not in item.description
        assert "gitlab.example.com/support/incidents/-/issues/42" in item.description
    assert items[0].title == "Write the RCA for the incident"


def test_elsewhere_a_public_incident_may_name_itself(config) -> None:
    elsewhere = replace(config, action_items_project=99)
    items = created(run(postmortem.rule, closed(), at(300), elsewhere))
    assert items[0].project == 99 and not items[0].confidential
    assert "CI jobs stuck in pending" in items[0].description


def test_a_security_incident_not_yet_confidential_still_gives_confidential_items() -> None:
    snap = closed(FILED.replace("security_incident: false", "security_incident: true"))
    assert all(item.confidential for item in created(run(postmortem.rule, snap, at(300))))


def test_echoed_text_cannot_run_quick_actions() -> None:
    hostile = FILED + "\n- [ ] /close this @mallory\n"
    items = created(run(postmortem.rule, closed(hostile), at(300)))
    body = items[-1].description
    assert not any(line.lstrip().startswith("/") for line in body.splitlines())


def test_action_item_titles_hold_no_live_mention_and_no_hidden_characters() -> None:
    # GitLab scans an issue's title for mentions too (its single-line pipeline), so a follow-up
    # that names `@all` or a group must not notify anyone from the action item's title.
    hostile = FILED + "\n- [ ] Tell @all and @support/emea\u202e about it\u200b owner: @bob\n"
    items = created(run(postmortem.rule, closed(hostile), at(300)))
    title = items[-1].title
    assert title == "Tell `@all` and `@support/emea` about it"
    assert items[-1].assignee == "bob"


def test_a_blank_front_matter_action_opens_no_issue_and_blocks_none() -> None:
    # GitLab refuses a blank title (400), which would fail every run before the other items.
    blank = FILED.replace(f"- action: {FRONT}", '- action: " "')
    items = created(run(postmortem.rule, closed(blank), at(300)))
    assert [item.title for item in items] == [DESCRIBED]


def test_elsewhere_a_confidential_incident_leaves_no_detail_in_details_either(config) -> None:
    elsewhere = replace(config, action_items_project="support/postmortems")
    leaky = FILED.replace(
        "- [ ] Write a macro",
        "- [ ] Write the RCA for CI  jobs stuck\\_in pending @alice\n"
        "  - timeline of CI jobs stuck\\_in pending\n"
        "- [ ] Write a macro",
    )
    snap = replace(closed(leaky, confidential=True), title="CI jobs  stuck_in pending")
    items = created(run(postmortem.rule, snap, at(300), elsewhere))
    rca = next(item for item in items if item.title.startswith("Write the RCA"))
    assert rca.title == "Write the RCA for the incident"
    text = re.sub(r"[\W_]+", " ", rca.description).lower()
    assert "stuck in pending" not in text
    assert "timeline of the incident" in text


@pytest.mark.parametrize(
    "front",
    [
        "- action: Sync the runbook with @carol",
        "- action: Update the runbook by 2026-12-10",
        '- action: Update the runbook by 2026-12-10\n    owner: "@dave"\n    due: 2026-12-17',
    ],
)
def test_the_summary_draft_read_back_is_the_same_action_not_a_second_one(front) -> None:
    # The Post-Incident Support Summary lists the front-matter's follow-ups as tasks; read back at
    # close, the line's trailing mention or date is taken as owner or due date. It is still the
    # same follow-up: one issue, not two.
    original = f'- action: {FRONT}\n    owner: "@dave"\n    due: 2026-12-17'
    described = FILED.replace(original, front)
    resolved = incident(
        labels=("incident", "incident::resolved", "severity::2", "region::EMEA"),
        description=described,
    )
    (summary,) = [
        action
        for action in run(resolution.rule, resolved, at(100))
        if isinstance(action, PostNote) and action.kind == "post-incident-support-summary"
    ]
    drafted = note("post-incident-support-summary", 1, 100, body=summary.body)
    items = created(run(postmortem.rule, closed(described, notes=[drafted]), at(300)))
    assert len(items) == 2, [item.title for item in items]
