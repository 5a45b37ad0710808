"""What people do in a drill, done the way they do it: through GitLab's API with their own token.

Filing writes the Support Response template's description with the scenario's front-matter;
ticking an exit criterion and adding a follow-up edit the description, as a person does in the
issue's editor. Each change makes the sandbox send its webhook, which is the point: the bot
hears about it the way it would in production.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .drill_scenario import Comment, Edit, Filing, Step
from .drill_stage import Stage
from .resources import issue_template_path

_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_UNTICKED = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)\[ \](.*)$")


class ActionError(Exception):
    """A step that cannot be done as written (a criterion that is not there, ...)."""


def perform(stage: Stage, step: Step, iid: int | None) -> int | None:
    """Do the step's action; returns the incident's iid (new after `file`)."""
    if step.action == "file":
        return file_incident(stage, step.actor, step.value)
    if step.action is None or step.action == "scan" or iid is None:
        return iid
    project = stage.project(step.actor)
    if step.action == "label":
        project.issues.update(iid, {"add_labels": ",".join(step.value)})
    elif step.action == "unlabel":
        project.issues.update(iid, {"remove_labels": ",".join(step.value)})
    elif step.action == "comment":
        comment: Comment = step.value
        project.issues.get(iid, lazy=True).notes.create(
            {"body": comment.body, "internal": comment.internal}
        )
    elif step.action in ("close", "reopen"):
        project.issues.update(iid, {"state_event": step.action})
    elif step.action == "tick":
        text = project.issues.get(iid).description or ""
        project.issues.update(iid, {"description": tick(text, step.value)})
    elif step.action == "edit":
        text = project.issues.get(iid).description or ""
        project.issues.update(iid, {"description": edit(text, step.value)})
    return iid


def file_incident(stage: Stage, who: str, filing: Filing) -> int:
    labels = [stage.config.labels.drill, *filing.labels]
    data: dict[str, Any] = {
        "title": filing.title,
        "description": description(filing),
        "labels": ",".join(dict.fromkeys(labels)),
    }
    if filing.confidential:
        data["confidential"] = True
    issue = stage.project(who).issues.create(data)
    return int(issue.iid)


def description(filing: Filing) -> str:
    """The Support Response template with the scenario's fields over the template's own."""
    template = issue_template_path().read_text(encoding="utf-8")
    front, body = split_template(template)
    front.update(filing.front_matter)
    block = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{block}---\n{filing.body if filing.body is not None else body}"


def split_template(text: str) -> tuple[dict[str, Any], str]:
    """The template's front-matter (as data) and the Markdown after it."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    front = yaml.safe_load("\n".join(lines[1:end])) or {}
    return dict(front), "\n".join(lines[end + 1 :])


def tick(text: str, criteria: tuple[str, ...] | None) -> str:
    """Tick the Exit Criteria lines that name each of `criteria` (all of them for None)."""
    lines = text.split("\n")
    section = _section(lines, "exit criteria")
    if section is None:
        raise ActionError("tick: the description has no Exit Criteria section")
    wanted = {name.lower(): False for name in criteria or ()}
    for index in range(*section):
        match = _UNTICKED.match(lines[index])
        if not match:
            continue
        item = match.group(2).lower()
        hits = [name for name in wanted if name in item]
        if criteria is None or hits:
            lines[index] = f"{match.group(1)}[x]{match.group(2)}"
            for name in hits:
                wanted[name] = True
    missing = [name for name, found in wanted.items() if not found]
    if missing:
        raise ActionError(f"tick: no unticked exit criterion reads {missing[0]!r}")
    return "\n".join(lines)


def edit(text: str, change: Edit) -> str:
    if change.replace is not None:
        if change.replace not in text:
            raise ActionError(f"edit: the description does not contain {change.replace!r}")
        text = text.replace(change.replace, change.with_ or "", 1)
    if change.section is not None:
        text = add_to_section(text, change.section, change.add or "")
    if change.append is not None:
        text = text.rstrip("\n") + "\n\n" + change.append.strip("\n") + "\n"
    return text


def add_to_section(text: str, title: str, addition: str) -> str:
    """`addition` at the end of the section headed `title`, made when the description lacks it."""
    lines = text.split("\n")
    section = _section(lines, title.lower())
    added = addition.strip("\n").split("\n")
    if section is None:
        return text.rstrip("\n") + f"\n\n## {title}\n\n" + "\n".join(added) + "\n"
    start, end = section
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join([*lines[:end], *added, *lines[end:]])


def _section(lines: list[str], title: str) -> tuple[int, int] | None:
    """(first line after the heading, line of the next heading of the same or a higher level)."""
    # A YAML comment in the front-matter would look like a heading: start after the block.
    for index in range(_after_front_matter(lines), len(lines)):
        match = _HEADING.match(lines[index])
        if match and title in match.group(2).lower():
            level = len(match.group(1))
            for end in range(index + 1, len(lines)):
                other = _HEADING.match(lines[end])
                if other and len(other.group(1)) <= level:
                    return index + 1, end
            return index + 1, len(lines)
    return None


def _after_front_matter(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    return next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)


__all__ = ["ActionError", "add_to_section", "description", "edit", "perform", "tick"]
