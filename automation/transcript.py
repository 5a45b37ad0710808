"""The drill's transcript: the incident thread as people see it, step by step.

Each step of a scenario becomes a `Scene`: the time, the narration, and the entries that step
added to the thread (the filing, label changes from GitLab's resource events, system notes,
people's comments, the bot's notes, action items opened), then the scenario's expectations with
their outcome. The bot's notes are shown compactly (their heading and section titles, or their
first lines). drill_render.py writes it out as text and Markdown, drill_html.py as a page
that also carries the notes in full.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from . import markers
from .config import Config
from .drill_checks import Check, Thread, action_items
from .drill_scenario import Scenario, Step
from .timefmt import parse_time

WIDTH = 100
ACTOR_WIDTH = 13
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_BOX = re.compile(r"^(?:[-*+]|\d+[.)])\s+\[([ xX])\]")
_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
# Shown as the action item itself, not as the bare link GitLab records.
_LINK_NOTE = re.compile(r"^marked this issue as related to ")


@dataclass(frozen=True)
class Entry:
    """One thing that happened on the thread."""

    at: datetime
    actor: str
    kind: str  # filed, labels, state, system, comment, note, action-item, scan, problem
    text: str
    details: tuple[str, ...] = ()
    body: str = ""  # the note's whole Markdown (bot notes and comments), for the HTML page
    internal: bool = False
    added: tuple[str, ...] = ()  # labels, for `labels` and `filed` entries
    removed: tuple[str, ...] = ()

    def line(self) -> str:
        """The entry's text with the labels a filing carried, for the text renderings."""
        if self.kind == "filed" and self.added:
            return f"{self.text} with " + " ".join(f"~{label}" for label in self.added)
        return self.text


@dataclass
class Scene:
    step: Step
    entries: list[Entry] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


@dataclass
class Transcript:
    scenario: Scenario
    config: Config  # the configuration the bot ran with (label names and colours)
    title: str = ""
    reference: str = ""
    url: str = ""
    iid: int | None = None
    scenes: list[Scene] = field(default_factory=list)

    @property
    def bot(self) -> str:
        return self.config.bot_username

    def failures(self) -> list[tuple[Step, Check]]:
        return [(scene.step, check) for scene in self.scenes for check in scene.failures]

    @property
    def checked(self) -> int:
        return sum(len(scene.checks) for scene in self.scenes)

    def summary(self) -> str:
        failed = len(self.failures())
        verdict = "all met" if not failed else f"{failed} NOT MET"
        return (
            f'drill "{self.scenario.title}": {len(self.scenes)} steps, '
            f"{self.checked} expectations, {verdict}"
        )


# Building -------------------------------------------------------------------------------------


def entries_for(
    step: Step, new: Thread, config: Config, scan: Any = None, before: Thread | None = None
) -> list[Entry]:
    """The entries a step added: the person's first, then the bot's (labels, system notes, notes).

    `before` is the thread before the step: an edited description is told by what changed.
    """
    bot = config.bot_username
    title = new.issue.get("title") or ""
    old_text = (before.issue.get("description") or "") if before else ""
    edits = describe_edit(old_text, new.issue.get("description") or "")
    entries: list[Entry] = []
    if step.action == "file":
        entries.append(_filed(new.issue, new.label_events, step.value.confidential))
    if scan is not None:
        entries.append(_scan(step.at, scan, bot))
    folded = _filing_labels(new) if step.action == "file" else set()
    for group in _label_groups(new.label_events, folded):
        entries.append(group)
    for event in new.state_events:
        who = _user(event)
        entries.append(Entry(_time(event), who, "state", f"{event['state']} the issue"))
    for note in new.notes:
        entry = _note(note, bot, title)
        if entry is not None:
            if entry.kind == "system" and entry.text == "changed the description":
                entry = replace(entry, details=edits)
            entries.append(entry)
    for item in action_items(new, config):
        entries.append(_action_item(item, bot, step.at))
    person = [entry for entry in entries if entry.actor != bot]
    mine = [entry for entry in entries if entry.actor == bot]
    order = {"scan": 0, "labels": 1, "state": 2, "system": 3, "note": 4, "action-item": 5}
    mine.sort(key=lambda entry: order.get(entry.kind, 9))
    return person + mine


def _filed(issue: dict[str, Any], events: tuple[dict[str, Any], ...], secret: bool) -> Entry:
    """The filing as the filer made it (the bot may have made it confidential since)."""
    author = (issue.get("author") or {}).get("username", "")
    labels = sorted(
        (event.get("label") or {}).get("name", "")
        for event in events
        if _user(event) == author and event.get("action") == "add"
    )
    ref = issue.get("references", {}).get("short") or f"#{issue.get('iid')}"
    text = f'filed {"confidential " if secret else ""}{ref} "{issue.get("title")}"'
    return Entry(parse_time(issue["created_at"]), author, "filed", text, added=tuple(labels))


def _filing_labels(new: Thread) -> set[int]:
    """The filer's own label events at filing: already told by the `filed` entry."""
    author = (new.issue.get("author") or {}).get("username")
    created = new.issue.get("created_at")
    return {
        event["id"]
        for event in new.label_events
        if _user(event) == author and event.get("created_at") == created
    }


def _label_groups(events: tuple[dict[str, Any], ...], skip: set[int]) -> list[Entry]:
    """Label events of one person at one moment, as one entry."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for event in events:
        if event["id"] in skip:
            continue
        groups.setdefault((_user(event), event["created_at"]), []).append(event)
    entries = []
    for (who, at), items in groups.items():
        added = tuple(_label(e) for e in items if e.get("action") == "add")
        removed = tuple(_label(e) for e in items if e.get("action") == "remove")
        parts = []
        if added:
            parts.append("added " + " ".join(f"~{name}" for name in added))
        if removed:
            parts.append("removed " + " ".join(f"~{name}" for name in removed))
        entries.append(
            Entry(parse_time(at), who, "labels", ", ".join(parts), (), "", False, added, removed)
        )
    return entries


def _note(note: dict[str, Any], bot: str, title: str) -> Entry | None:
    who = (note.get("author") or {}).get("username", "")
    body = note.get("body") or ""
    at = parse_time(note["created_at"])
    if note.get("system"):
        if who == bot and _LINK_NOTE.match(body):
            return None
        return Entry(at, who, "system", body)
    internal = bool(note.get("internal"))
    if who == bot and (marker := markers.find(body)) is not None:
        summary, details = compact_note(body, title, marker.kind)
        word = "internal note" if internal else "note"
        return Entry(at, who, "note", f"{word}: {summary}", details, body, internal)
    lines = _plain_lines(body)
    first = lines[0] if lines else ""
    word = "internal comment" if internal else "comment"
    return Entry(at, who, "comment", f"{word}: {first}", tuple(lines[1:3]), body, internal)


def describe_edit(old: str, new: str) -> tuple[str, ...]:
    """What an edit of the description did, the way a reader of the diff would say it."""
    if not old or old == new:
        return ()
    said: list[str] = []
    boxes: dict[str, list[str]] = {"ticked": [], "unticked": []}
    matcher = difflib.SequenceMatcher(a=old.split("\n"), b=new.split("\n"), autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        before, after = matcher.a[a1:a2], matcher.b[b1:b2]
        if tag == "replace" and len(before) == len(after):
            for line_before, line_after in zip(before, after, strict=True):
                box_before, box_after = _BOX.match(line_before), _BOX.match(line_after)
                if box_before and box_after and box_before.group(1) != box_after.group(1):
                    word = "ticked" if box_after.group(1) in "xX" else "unticked"
                    boxes[word].append(_inline(_BOX.sub("", line_after)))
                else:
                    said.append(f"now reads: {_inline(line_after)}")
        elif tag in ("replace", "insert"):
            said += [f"added: {_inline(line)}" for line in after if line.strip()]
        elif tag == "delete":
            said += [f"removed: {_inline(line)}" for line in before if line.strip()]
    said = [f"{word}: {', '.join(items)}" for word, items in boxes.items() if items] + said
    return tuple(_fit(line) for line in said[:8])


def _action_item(item: dict[str, Any], bot: str, at: datetime) -> Entry:
    ref = (item.get("references") or {}).get("full") or f"#{item.get('iid')}"
    owners = [f"@{a['username']}" for a in item.get("assignees") or () if a]
    facts = []
    if owners:
        facts.append("owner " + ", ".join(owners))
    if item.get("due_date"):
        facts.append(f"due {item['due_date']}")
    if item.get("confidential"):
        facts.append("confidential")
    text = f'opened action item {ref} "{item.get("title")}"'
    created = parse_time(item.get("created_at")) or at
    return Entry(created, bot, "action-item", text, ("; ".join(facts),) if facts else ())


def _scan(at: datetime, report: Any, bot: str) -> Entry:
    acted = report.count("acted")
    failed = report.count("failed")
    text = f"scheduled scan: {len(report.outcomes)} open incident(s), acted on {acted}"
    if failed:
        text += f", {failed} failed"
    return Entry(at, bot, "scan", text)


def compact_note(body: str, title: str = "", kind: str = "") -> tuple[str, tuple[str, ...]]:
    """A note's gist: its heading and section titles, or its first paragraph and what follows.

    A template's heading repeats `Incident #N - title - `; only what tells the notes apart is
    kept (`UPDATE #2`, `HANDOFF`), or the note's kind when nothing else is left.
    """
    blocks = _blocks(body)
    if not blocks:
        return _kind_name(kind), ()
    first = blocks[0][0]
    if match := _HEADING.match(first):
        heading = _inline(match.group(2))
        prefix = (
            re.match(rf"^Incident #\d+ - {re.escape(title)}(?: - |$)", heading) if title else None
        )
        name = heading[prefix.end() :] if prefix else heading
        sections = [
            _inline(m.group(2)) for block in blocks for line in block if (m := _HEADING.match(line))
        ][1:]
        return name or _kind_name(kind), (_fit(" · ".join(sections)),) if sections else ()
    details = [_gist(block) for block in blocks[1:3]]
    return " ".join(_inline(line) for line in blocks[0]), tuple(details)


def _blocks(body: str) -> list[list[str]]:
    """The note's paragraphs (and lists), as lists of stripped lines, comments removed."""
    blocks: list[list[str]] = [[]]
    for line in _COMMENT.sub("", body).split("\n"):
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _gist(block: list[str]) -> str:
    """A list as how many items (and how many ticked); other text as its first line."""
    boxes = [_BOX.match(line) for line in block]
    if all(boxes):
        ticked = sum(box.group(1) in "xX" for box in boxes if box)
        return f"checklist: {ticked} of {len(block)} ticked"
    if all(_ITEM.match(line) for line in block):
        items = [_inline(_ITEM.sub("", line)) for line in block]
        return _fit("; ".join(items))
    return _fit(" ".join(_inline(line) for line in block))


def _fit(text: str, width: int = WIDTH - 7 - ACTOR_WIDTH - 2) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip(" ·;,") + "…"


def _kind_name(kind: str) -> str:
    return kind.replace("-", " ").capitalize() if kind else "note"


def _plain_lines(body: str) -> list[str]:
    text = _COMMENT.sub("", body)
    return [_inline(line) for line in text.split("\n") if line.strip()]


def _inline(text: str) -> str:
    """Markdown inline text as it reads: no emphasis marks, code marks or escapes."""
    text = _EMPHASIS.sub(r"\2", text.strip().lstrip("#").strip()).replace("`", "")
    return _ESCAPED.sub(r"\1", text)


def _label(event: dict[str, Any]) -> str:
    return (event.get("label") or {}).get("name", "")


def _user(event: dict[str, Any]) -> str:
    return (event.get("user") or {}).get("username", "")


def _time(item: dict[str, Any]) -> datetime:
    return parse_time(item["created_at"])


def narration(step: Step) -> str:
    """What a step does, for steps the scenario does not narrate."""
    who, value = step.actor, step.value
    if step.action is None:
        return "checkpoint"
    if step.action == "scan":
        return "the scheduled scan runs"
    if step.action in ("label", "unlabel"):
        verb = "applies" if step.action == "label" else "removes"
        return f"{who} {verb} " + " ".join(f"~{name}" for name in value)
    if step.action == "tick":
        ticked = "all exit criteria" if value is None else ", ".join(value)
        return f"{who} ticks {ticked}"
    words = {
        "file": "files the incident",
        "comment": "comments",
        "edit": "edits the description",
        "close": "closes the issue",
        "reopen": "reopens the issue",
    }
    return f"{who} {words[step.action]}"


__all__ = [
    "Entry",
    "Scene",
    "Transcript",
    "compact_note",
    "entries_for",
    "narration",
]
