"""What each quick action does, who may run it, and when it is available.

GitLab extracts only the commands that are *available* at that moment to that author on that
issue: `/close` on a closed issue, `/unlabel` on an issue without labels or `/label` by a guest
stay plain text. `available_commands` reproduces those conditions for the commands the sandbox
knows; `interpret` turns extracted commands into one `IssueChanges` plus the side effects (links,
a move, a duplicate) that `execute` then applies, as one change and one webhook.

Commands that have no effect on what the sandbox models (`/todo`, `/spend`, ...) are still
extracted (so they vanish from the stored text, as on GitLab) and recorded as "not modelled".
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import sysnotes
from .changes import IssueChanges
from .clock import to_db
from .errors import ApiError
from .quickactions import Command, extract
from .tracker import ISSUE_TYPES, Tracker

Row = sqlite3.Row

# name -> canonical name
ALIASES = {
    "labels": "label",
    "remove_label": "unlabel",
    "react": "award",
    "estimate_time": "estimate",
    "spent": "spend",
    "spend_time": "spend",
    "remove_time_estimate": "remove_estimate",
}
NOT_MODELLED = {
    "todo",
    "done",
    "subscribe",
    "unsubscribe",
    "award",
    "estimate",
    "spend",
    "remove_estimate",
    "remove_time_spent",
    "copy_metadata",
    "clone",
    "unrelate",
    "severity",
    "weight",
    "clear_weight",
    "epic",
    "remove_epic",
    "health_status",
    "clear_health_status",
}
# For anyone who can read the issue (guests included).
_ANY_READER = {"todo", "done", "subscribe", "unsubscribe", "award"}
_PREMIUM_ONLY = {
    "reassign",
    "blocks",
    "blocked_by",
    "weight",
    "clear_weight",
    "epic",
    "remove_epic",
    "health_status",
    "clear_health_status",
}

_LABEL_WORD = r"[A-Za-z0-9_\-?.&]+"
LABEL_REFERENCE = re.compile(
    rf"""~(?:
        (?P<id>\d+)(?!\S\w)\b
      | (?P<name>{_LABEL_WORD}(?::{{1,2}}{_LABEL_WORD})*)(?<![.?])
      | "(?P<quoted>.+?)"
    )""",
    re.VERBOSE,
)
USER_REFERENCE = re.compile(r"@(?P<username>[A-Za-z0-9_.\-]+)")
ISSUE_REFERENCE = re.compile(
    r"(?:(?P<path>[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)+)|(?<![\w/]))#(?P<iid>\d+)"
    r"|/(?P<url_path>[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)+?)/(?:-/)?issues/(?P<url_iid>\d+)"
)


def available_commands(tracker: Tracker, issue: Row | None, project: Row, actor: Row) -> set[str]:
    """Command names (aliases included) this author may run now; `issue` is None on creation."""
    admin = tracker.can_admin(actor)
    persisted = issue is not None
    editable = persisted and tracker.can_edit(actor, issue)
    labels = tracker.labels_of(issue["id"]) if issue is not None else []
    assignees = tracker.assignees_of(issue["id"]) if issue is not None else []
    has_project_labels = bool(
        tracker.store.scalar("SELECT COUNT(*) FROM labels WHERE project_id = ?", project["id"])
    )
    names: set[str] = set()
    if editable:
        names.add("title")
        names.add("close" if issue["state"] == "opened" else "reopen")
    if admin:
        names |= {"assign", "due"}
        if has_project_labels:
            names.add("label")
        if issue is None or not issue["confidential"]:
            names.add("confidential")
    if admin and persisted:
        names |= {"move", "relate", "type", "reassign", "blocks", "blocked_by"}
        names |= NOT_MODELLED - _ANY_READER
        if labels:
            names |= {"unlabel", "relabel"}
        if assignees:
            names.add("unassign")
        if issue["due_date"]:
            names.add("remove_due_date")
        names.add("unlock" if issue["discussion_locked"] else "lock")
        if issue["state"] == "opened":
            names.add("duplicate")
        if issue["issue_type"] != "incident":
            names.add("promote_to_incident")
            names.discard("severity")
    if persisted:
        names |= _ANY_READER
    if not tracker.premium:
        names -= _PREMIUM_ONLY
    names |= {alias for alias, canonical in ALIASES.items() if canonical in names}
    return names


@dataclass
class Interpretation:
    """The combined effect of one text's commands."""

    changes: IssueChanges = field(default_factory=IssueChanges)
    links: list[tuple[Row, str]] = field(default_factory=list)
    move_to: Row | None = None
    duplicate_of: Row | None = None
    messages: list[str] = field(default_factory=list)
    records: list[tuple[Command, str]] = field(default_factory=list)


def _find_labels(tracker: Tracker, project_id: int, arg: str) -> list[str]:
    """Existing labels named by `~name`, `~"two words"`, `~123`, or bare names without a `~`."""
    names: list[str] = []
    if "~" in arg:
        for match in LABEL_REFERENCE.finditer(arg):
            row = None
            if match.group("id"):
                row = tracker.label_by_id(project_id, int(match.group("id")))
            else:
                name = match.group("name") or match.group("quoted")
                row = tracker.label_named(project_id, name)
            if row is not None and row["name"] not in names:
                names.append(row["name"])
    else:
        for word in re.split(r"[\s,]+", arg):
            row = tracker.label_named(project_id, word) if word else None
            if row is not None and row["name"] not in names:
                names.append(row["name"])
    return names


def _find_users(tracker: Tracker, actor: Row, arg: str) -> list[Row]:
    users: list[Row] = []
    words = [match.group("username") for match in USER_REFERENCE.finditer(arg)]
    words += [word for word in re.split(r"[\s,]+", arg) if word and not word.startswith("@")]
    for word in words:
        user = actor if word == "me" else tracker.user_by_username(word)
        if user is not None and all(existing["id"] != user["id"] for existing in users):
            users.append(user)
    return users


def _find_issues(tracker: Tracker, project: Row, arg: str) -> list[Row]:
    issues: list[Row] = []
    for match in ISSUE_REFERENCE.finditer(arg):
        path = match.group("path") or match.group("url_path")
        iid = int(match.group("iid") or match.group("url_iid"))
        target_project = tracker.project(path) if path else project
        issue = tracker.issue(target_project["id"], iid) if target_project else None
        if issue is not None:
            issues.append(issue)
    return issues


def _parse_due(arg: str, today: date) -> date | None:
    """The date forms people use: ISO dates, today/tomorrow, `in 3 days`, `next week`."""
    text = arg.strip().lower()
    if text in ("today", "now"):
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text == "next week":
        return today + timedelta(weeks=1)
    relative = re.fullmatch(r"in (\d+) (day|days|week|weeks)", text)
    if relative:
        amount = int(relative.group(1))
        return today + (timedelta(weeks=amount) if "week" in text else timedelta(days=amount))
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def interpret(
    tracker: Tracker, issue: Row | None, project: Row, actor: Row, commands: list[Command]
) -> Interpretation:
    result = Interpretation()
    changes = result.changes
    for command in commands:
        name = ALIASES.get(command.name, command.name)
        arg = command.arg
        outcome = "applied"
        if name == "title":
            if arg:
                changes.title = arg
                result.messages.append(f'Changed the title to "{arg}".')
            else:
                outcome = "ignored: no title"
        elif name == "close":
            changes.state_event = "close"
            result.messages.append("Closed this issue.")
        elif name == "reopen":
            changes.state_event = "reopen"
            result.messages.append("Reopened this issue.")
        elif name == "label":
            found = _find_labels(tracker, project["id"], arg)
            changes.add_labels += found
            outcome = "applied" if found else "ignored: no existing label named"
            if found:
                result.messages.append(f"Added {' '.join(f'~{n}' for n in found)} label(s).")
        elif name == "unlabel":
            assert issue is not None
            found = (
                _find_labels(tracker, project["id"], arg)
                if arg
                else [row["name"] for row in tracker.labels_of(issue["id"])]
            )
            changes.remove_labels += found
            if found:
                result.messages.append(f"Removed {' '.join(f'~{n}' for n in found)} label(s).")
        elif name == "relabel":
            found = _find_labels(tracker, project["id"], arg)
            if found:
                changes.labels = found
                changes.add_labels = []
                result.messages.append(f"Replaced all labels with {' '.join(found)}.")
            else:
                outcome = "ignored: no existing label named"
        elif name in ("assign", "reassign"):
            users = _find_users(tracker, actor, arg)
            if not users:
                outcome = "ignored: no such user"
            elif name == "reassign" or not tracker.premium:
                changes.assignee_ids = [user["id"] for user in users]
            else:
                changes.add_assignee_ids += [user["id"] for user in users]
            if users:
                result.messages.append(f"Assigned {' '.join('@' + u['username'] for u in users)}.")
        elif name == "unassign":
            users = _find_users(tracker, actor, arg) if arg else []
            if users and tracker.premium:
                changes.remove_assignee_ids += [user["id"] for user in users]
            else:
                changes.assignee_ids = []
            result.messages.append("Removed assignee(s).")
        elif name == "confidential":
            changes.confidential = True
            result.messages.append("Made this issue confidential.")
        elif name == "due":
            due = _parse_due(arg, tracker.clock.now().date())
            if due is None:
                outcome = "ignored: date not understood"
            else:
                changes.due_date = due.isoformat()
                result.messages.append(f"Set the due date to {due.isoformat()}.")
        elif name == "remove_due_date":
            changes.due_date = None
            result.messages.append("Removed the due date.")
        elif name in ("lock", "unlock"):
            changes.discussion_locked = name == "lock"
            result.messages.append(f"{name.title()}ed the discussion.")
        elif name == "type":
            kind = arg.strip().lower()
            if kind in ISSUE_TYPES:
                changes.issue_type = kind
            else:
                outcome = "ignored: unknown type"
        elif name == "promote_to_incident":
            changes.issue_type = "incident"
        elif name in ("relate", "blocks", "blocked_by"):
            link_type = {"relate": "relates_to", "blocks": "blocks"}.get(name, "is_blocked_by")
            targets = _find_issues(tracker, project, arg)
            result.links += [(target, link_type) for target in targets]
            outcome = "applied" if targets else "ignored: no such issue"
        elif name == "duplicate":
            targets = _find_issues(tracker, project, arg)
            if targets:
                result.duplicate_of = targets[0]
                changes.state_event = "close"
                changes.duplicated_to_id = targets[0]["id"]
                result.messages.append("Closed this issue as a duplicate.")
            else:
                outcome = "ignored: no such issue"
        elif name == "move":
            target_project = tracker.project(arg.strip())
            if target_project is None or issue is None or target_project["id"] == project["id"]:
                outcome = "ignored: no such project"
            else:
                result.move_to = target_project
                result.messages.append(f"Moved this issue to {arg.strip()}.")
        elif name in NOT_MODELLED:
            outcome = "not modelled"
        else:  # substitutions: their effect is on the text only
            outcome = "text substituted"
        result.records.append((command, outcome))
    return result


def run(
    tracker: Tracker,
    issue: Row | None,
    project: Row,
    actor: Row,
    text: str,
) -> tuple[str, list[Command], Interpretation]:
    """Extract and interpret the commands of `text`; returns the text left to store."""
    names = available_commands(tracker, issue, project, actor)
    content, commands = extract(text, names)
    interpretation = interpret(tracker, issue, project, actor, commands)
    return content, commands, interpretation


def execute(tracker: Tracker, issue: Row, actor: Row, result: Interpretation, source: str) -> None:
    """Apply an interpretation to an existing issue: one change, one Issue Hook, then links."""
    changes = result.changes
    if result.move_to is not None:
        copy = tracker.move(issue, result.move_to, actor)
        changes.state_event = "close"
        changes.moved_to_id = copy["id"]
    tracker.update(issue, actor, changes)
    if result.duplicate_of is not None:
        target = result.duplicate_of
        tracker.add_note(
            issue,
            actor["id"],
            sysnotes.marked_duplicate_of(tracker.reference(target, issue["project_id"])),
            system=True,
        )
        tracker.add_note(
            target,
            actor["id"],
            sysnotes.duplicate_marked(tracker.reference(issue, target["project_id"])),
            system=True,
        )
    for target, link_type in result.links:
        try:
            tracker.link(issue, target, link_type, actor)
        except ApiError:  # already linked, or linking to itself: GitLab skips it too
            continue
    record(tracker, issue, actor, result, source)


def record(tracker: Tracker, issue: Row, actor: Row, result: Interpretation, source: str) -> None:
    """Keep a log of every command run, so tests can assert on what the bot's text triggered."""
    now = to_db(tracker.clock.now())
    for command, outcome in result.records:
        tracker.store.insert(
            "quick_actions",
            issue_id=issue["id"],
            user_id=actor["id"],
            source=source,
            name=command.name,
            arg=command.arg,
            outcome=outcome,
            created_at=now,
        )
