"""Quick actions run where GitLab runs them, and only there.

The bot's own tests post hostile text through the bot and check the issue did not change; that
only means something if the sandbox executes everything GitLab would.
"""

from __future__ import annotations

import gitlab
import pytest

from automation.sandbox import Sandbox
from automation.sandbox.quickactions import Command, extract

from .support import make_labels, project_of

NAMES = {"close", "label", "assign", "title", "confidential"}


@pytest.mark.parametrize(
    ("text", "stored", "commands"),
    [
        ("/close", "", [Command("close")]),
        ("/CLOSE", "", [Command("close")]),
        ("Thanks!\n/close\nBye", "Thanks!\nBye", [Command("close")]),
        ('/label ~a ~"b c"\n\nDone', "Done", [Command("label", '~a ~"b c"')]),
        # A command starts at column 0 of a top-level paragraph, nowhere else.
        (" /close", " /close", []),
        ("    /close", "    /close", []),
        ("```\n/close\n```", "```\n/close\n```", []),
        ("~~~\n/close\n~~~", "~~~\n/close\n~~~", []),
        ("> /close", "> /close", []),
        ("> quoted\n/close", "> quoted\n/close", []),  # a lazy continuation of the quote
        (">>>\n/close\n>>>", ">>>\n/close\n>>>", []),
        ("- item\n/close", "- item\n/close", []),
        ("<details>\n/close\n</details>", "<details>\n/close\n</details>", []),
        ("Heading\n/close\n---", "Heading\n/close\n---", []),
        ("`inline\n/close\ncode`", "`inline\n/close\ncode`", []),
        # ...but a blank line ends those blocks.
        ("- item\n\n/close", "- item", [Command("close")]),
        ("<!-- marker -->\n/close", "<!-- marker -->", [Command("close")]),
        ("```\ncode\n```\n/close", "```\ncode\n```", [Command("close")]),
        # Unknown, unavailable and no-op commands stay text.
        ("/closed", "/closed", []),
        ("/reopen", "/reopen", []),
        ("/cc @bob", "/cc @bob", []),
        ("/close\tnow", "/close\tnow", []),
        ("/shrug ok", "ok ¯\\＿(ツ)＿/¯", [Command("shrug", "ok")]),
    ],
)
def test_extraction_follows_gitlab(text: str, stored: str, commands: list[Command]) -> None:
    assert extract(text, NAMES) == (stored, commands)


def test_commands_only_note_answers_202_and_is_not_stored(
    sandbox: Sandbox, alice: gitlab.Gitlab
) -> None:
    issue = project_of(alice).issues.create({"title": "x"})
    answer = alice.http_request(
        "post", f"/projects/1/issues/{issue.iid}/notes", post_data={"body": "/close"}
    )
    assert answer.status_code == 202
    assert answer.json() == {
        "commands_changes": {"state_event": "close"},
        "summary": ["Closed this issue."],
    }
    assert project_of(alice).issues.get(issue.iid).state == "closed"
    assert issue.notes.list(get_all=True) == []
    assert [event.state for event in issue.resourcestateevents.list()] == ["closed"]


def test_text_with_a_command_is_stored_without_it(alice: gitlab.Gitlab) -> None:
    make_labels(alice, "incident::active")
    issue = project_of(alice).issues.create({"title": "x"})
    note = issue.notes.create({"body": "Escalating.\n/label ~incident::active\n/confidential"})
    assert note.body == "Escalating."
    refreshed = project_of(alice).issues.get(issue.iid)
    assert refreshed.labels == ["incident::active"]
    assert refreshed.confidential is True


def test_fenced_and_indented_commands_do_nothing(alice: gitlab.Gitlab) -> None:
    make_labels(alice, "incident::resolved")
    issue = project_of(alice).issues.create({"title": "x"})
    body = "Quoted:\n\n```\n/close\n```\n\n    /label ~incident::resolved\n\n > /confidential"
    note = issue.notes.create({"body": body})
    assert note.body == body
    refreshed = project_of(alice).issues.get(issue.iid)
    assert (refreshed.state, refreshed.labels, refreshed.confidential) == ("opened", [], False)


def test_label_command_uses_existing_labels_only(sandbox: Sandbox, alice: gitlab.Gitlab) -> None:
    make_labels(alice, "bug")
    issue = project_of(alice).issues.create({"title": "x"})
    issue.notes.create({"body": "/label ~bug ~typo-label"})
    assert project_of(alice).issues.get(issue.iid).labels == ["bug"]
    names = [label.name for label in project_of(alice).labels.list(get_all=True)]
    assert names == ["bug"]
    assert [(row["name"], row["outcome"]) for row in sandbox.quick_actions()] == [
        ("label", "applied")
    ]


def test_assign_unassign_title_due(alice: gitlab.Gitlab) -> None:
    issue = project_of(alice).issues.create({"title": "x"})
    issue.notes.create({"body": "/assign @bob\n/title Checkout is down\n/due 2026-12-10"})
    refreshed = project_of(alice).issues.get(issue.iid)
    assert [user["username"] for user in refreshed.assignees] == ["bob"]
    assert (refreshed.title, refreshed.due_date) == ("Checkout is down", "2026-12-10")
    issue.notes.create({"body": "/unassign"})
    assert project_of(alice).issues.get(issue.iid).assignees == []


def test_description_commands_run_on_create_and_update(alice: gitlab.Gitlab) -> None:
    make_labels(alice, "incident")
    issues = project_of(alice).issues
    issue = issues.create({"title": "x", "description": "Details\n/label ~incident\n/close"})
    # /close is not available on an issue that does not exist yet: it stays text.
    assert issue.description == "Details\n/close"
    assert (issue.labels, issue.state) == (["incident"], "opened")
    issues.update(issue.iid, {"description": "Details\n/close"})
    refreshed = issues.get(issue.iid)
    assert (refreshed.description, refreshed.state) == ("Details", "closed")


def test_guest_commands_are_plain_text(sandbox: Sandbox, alice: gitlab.Gitlab) -> None:
    sandbox.add_user("gus", access_level=10)
    issue = project_of(alice).issues.create({"title": "x"})
    guest = project_of(sandbox.client_for("gus")).issues.get(issue.iid)
    note = guest.notes.create({"body": "/close"})
    assert note.body == "/close"
    assert project_of(alice).issues.get(issue.iid).state == "opened"


def test_move_and_relate(sandbox: Sandbox, alice: gitlab.Gitlab) -> None:
    issues = project_of(alice).issues
    first, second = issues.create({"title": "one"}), issues.create({"title": "two"})
    first.notes.create({"body": f"/relate #{second.iid}"})
    assert [link.iid for link in first.links.list()] == [second.iid]
    second.notes.create({"body": "/move support/incident-actions"})
    moved = issues.get(second.iid)
    assert moved.state == "closed" and moved.moved_to_id is not None
    copies = project_of(alice, 2).issues.list(get_all=True)
    assert [(copy.id, copy.title) for copy in copies] == [(moved.moved_to_id, "two")]


def test_bot_posted_commands_run_with_the_bot_rights(sandbox: Sandbox, bot: gitlab.Gitlab) -> None:
    issue = project_of(bot).issues.create({"title": "x"})
    issue.notes.create({"body": "Summary:\n/close"})
    assert project_of(bot).issues.get(issue.iid).state == "closed"
    assert sandbox.quick_actions()[0]["user_id"] == 1
