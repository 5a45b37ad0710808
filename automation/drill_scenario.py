"""Drill scenarios: the YAML files a team writes for its own tabletop exercises.

A scenario is one incident told step by step: who does what, when, and what the team expects the
bot to have done afterwards. The format is documented in docs/drills.md; this module reads a file
into frozen values and refuses a mistake with one line naming the file, the step and the problem,
so a scenario author never meets a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from .drill_expectations import Expect, count_checks
from .drill_expectations import read as read_expect
from .drill_yaml import ScenarioError, names, only, plain
from .sandbox import PEOPLE
from .timefmt import format_time, parse_time

ACTIONS = ("file", "label", "unlabel", "comment", "tick", "edit", "close", "reopen", "scan")
STEP_KEYS = ("at", "as", "say", "expect", *ACTIONS)
TOP_KEYS = ("name", "description", "start", "tier", "steps")
FILE_KEYS = ("title", "front_matter", "body", "labels", "confidential")
EDIT_KEYS = ("section", "add", "replace", "with", "append")

_OFFSET = re.compile(r"^\+\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*$")


@dataclass(frozen=True)
class Filing:
    title: str
    front_matter: Mapping[str, Any]
    body: str | None = None  # None: the Support Response template's own body
    labels: tuple[str, ...] = ()
    confidential: bool = False


@dataclass(frozen=True)
class Comment:
    body: str
    internal: bool = False


@dataclass(frozen=True)
class Edit:
    """One change to the description: text added under a section, a replacement, or both."""

    section: str | None = None
    add: str | None = None
    replace: str | None = None
    with_: str | None = None
    append: str | None = None


@dataclass(frozen=True)
class Step:
    number: int  # 1-based, as the author counts them
    at: datetime
    actor: str | None  # who acts; None for the scan (the bot) and for checkpoints
    action: str | None  # one of ACTIONS, or None for a narration or checkpoint
    value: Any = None  # Filing, labels, Comment, criteria (None = all), Edit, or True
    say: str = ""
    expect: Expect = field(default_factory=Expect)


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    start: datetime
    steps: tuple[Step, ...]
    source: str
    tier: str | None = None

    @property
    def filing(self) -> Filing:
        return next(step.value for step in self.steps if step.action == "file")

    @property
    def expectations(self) -> int:
        return sum(count_checks(step.expect) for step in self.steps)


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file. Raises ScenarioError (one line) on any mistake."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"{source}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{source}: not a text file (a scenario is UTF-8 YAML)") from None
    return parse(text, source=source, name=path.stem)


def parse(text: str, *, source: str = "scenario", name: str = "scenario") -> Scenario:
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f" line {mark.line + 1}:" if mark else ""
        raise ScenarioError(f"{source}:{line} not valid YAML ({error.problem})") from None
    except yaml.YAMLError:
        raise ScenarioError(f"{source}: not valid YAML") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: a scenario is a mapping with `name`, `start` and `steps`")
    only(data, TOP_KEYS, source, "the scenario")
    start = _time(data.get("start"), source, "`start`")
    tier = data.get("tier")
    if tier not in (None, "free", "premium"):
        raise ScenarioError(f"{source}: `tier` must be free or premium, not {tier!r}")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ScenarioError(f"{source}: `steps` must be a non-empty list")
    parsed: list[Step] = []
    for number, raw in enumerate(steps, 1):
        where = f"{source}: step {number}"
        previous = parsed[-1].at if parsed else start
        parsed.append(_step(raw, number, where, start, previous))
    _check_story(parsed, source)
    title = data.get("name") or name
    description = data.get("description") or ""
    if not isinstance(title, str) or not isinstance(description, str):
        raise ScenarioError(f"{source}: `name` and `description` must be text")
    return Scenario(name, title.strip(), description.strip(), start, tuple(parsed), source, tier)


# Steps ----------------------------------------------------------------------------------------


def _step(raw: Any, number: int, where: str, start: datetime, previous: datetime) -> Step:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a step is a mapping such as `{{at: +5m, as: alice, ...}}`")
    only(raw, STEP_KEYS, where, "a step")
    actions = [key for key in ACTIONS if key in raw]
    if len(actions) > 1:
        raise ScenarioError(f"{where}: one action per step, found {', '.join(actions)}")
    action = actions[0] if actions else None
    at = _when(raw.get("at"), where, start, previous)
    actor = raw.get("as")
    if action == "scan":
        if actor is not None:
            raise ScenarioError(f"{where}: `scan` runs as the bot; drop `as`")
    elif action is not None and actor is None:
        raise ScenarioError(f"{where}: `{action}` needs `as`: who does it ({_people()})")
    if actor is not None and actor not in PEOPLE:
        raise ScenarioError(f"{where}: `as: {actor}` is not a drill participant ({_people()})")
    say = raw.get("say") or ""
    if not isinstance(say, str):
        raise ScenarioError(f"{where}: `say` must be text")
    expect = read_expect(raw.get("expect"), where)
    if action is None and not say and not expect:
        raise ScenarioError(f"{where}: nothing to do: give an action ({', '.join(ACTIONS)})")
    value = _VALUES[action](raw[action], where, at) if action else None
    return Step(number, at, actor, action, value, " ".join(say.split()), expect)


def _when(value: Any, where: str, start: datetime, previous: datetime) -> datetime:
    if value is None:
        return previous
    if isinstance(value, str) and value.strip().startswith("+"):
        match = _OFFSET.match(value.strip())
        if not match or not any(match.groups()):
            raise ScenarioError(
                f"{where}: `at: {value}` is not an offset such as +15m, +2h or +1d2h30m"
            )
        days, hours, minutes = (int(part or 0) for part in match.groups())
        at = start + timedelta(days=days, hours=hours, minutes=minutes)
    else:
        at = _time(value, where, "`at`")
    if at < previous:
        raise ScenarioError(
            f"{where}: `at` is {format_time(at)}, before the step above ({format_time(previous)}):"
            " steps go forward in time"
        )
    return at


def _time(value: Any, where: str, what: str) -> datetime:
    if value is None:
        raise ScenarioError(f"{where}: {what} is missing (a UTC time: 2026-12-03 14:05 UTC)")
    try:
        moment = parse_time(value if isinstance(value, datetime) else str(value))
    except ValueError:
        moment = None
    if moment is None:
        raise ScenarioError(
            f"{where}: {what} {value!r} is not a time: write 2026-12-03 14:05 UTC or +15m"
        )
    return moment


def _check_story(steps: list[Step], source: str) -> None:
    """One incident per scenario, filed before anything happens to it."""
    filed = False
    for step in steps:
        if step.action == "file":
            if filed:
                raise ScenarioError(
                    f"{source}: step {step.number}: `file` again: a scenario plays one incident"
                )
            filed = True
        elif not filed and (step.action is not None or step.expect):
            raise ScenarioError(
                f"{source}: step {step.number}: the incident is not filed yet: "
                "start with a `file` step"
            )
    if not filed:
        raise ScenarioError(f"{source}: no `file` step: a scenario starts by filing its incident")


# Action values --------------------------------------------------------------------------------


def _filing(value: Any, where: str, at: datetime) -> Filing:
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: `file` needs `title` and `front_matter`")
    only(value, FILE_KEYS, where, "`file`")
    title = value.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ScenarioError(f"{where}: `file.title` must be the issue's title")
    front = value.get("front_matter") or {}
    if not isinstance(front, dict):
        raise ScenarioError(f"{where}: `file.front_matter` must be a mapping of fields")
    front = {str(key): plain(item) for key, item in front.items()}
    # What the filer would type: the time of the step, unless the story says otherwise.
    front.setdefault("detected_at", format_time(at))
    body = value.get("body")
    if body is not None and not isinstance(body, str):
        raise ScenarioError(f"{where}: `file.body` must be Markdown text")
    confidential = value.get("confidential", False)
    if not isinstance(confidential, bool):
        raise ScenarioError(f"{where}: `file.confidential` must be true or false")
    labels = names(value.get("labels", []), where, "`file.labels`")
    return Filing(title.strip(), front, body, labels, confidential)


def _labels(value: Any, where: str, at: datetime) -> tuple[str, ...]:
    labels = names(value, where, "the label")
    if not labels:
        raise ScenarioError(f"{where}: name at least one label")
    return labels


def _comment(value: Any, where: str, at: datetime) -> Comment:
    if isinstance(value, str) and value.strip():
        return Comment(value)
    if isinstance(value, dict):
        only(value, ("body", "internal"), where, "`comment`")
        body, internal = value.get("body"), value.get("internal", False)
        if isinstance(body, str) and body.strip() and isinstance(internal, bool):
            return Comment(body, internal)
    raise ScenarioError(f"{where}: `comment` is the text, or `{{body: ..., internal: true}}`")


def _tick(value: Any, where: str, at: datetime) -> tuple[str, ...] | None:
    """The criteria to tick, by (part of) their wording; None ticks them all."""
    if value == "all":
        return None
    criteria = names(value, where, "`tick`")
    if not criteria:
        raise ScenarioError(f"{where}: `tick` lists exit criteria, or says `all`")
    return criteria


def _edit(value: Any, where: str, at: datetime) -> Edit:
    if not isinstance(value, dict):
        raise ScenarioError(
            f"{where}: `edit` needs `section` and `add`, `replace` and `with`, or `append`"
        )
    only(value, EDIT_KEYS, where, "`edit`")
    for key, item in value.items():
        if not isinstance(item, str):
            raise ScenarioError(f"{where}: `edit.{key}` must be text")
    edit = Edit(
        value.get("section"),
        value.get("add"),
        value.get("replace"),
        value.get("with"),
        value.get("append"),
    )
    if (edit.section is None) != (edit.add is None):
        raise ScenarioError(f"{where}: `edit.section` and `edit.add` go together")
    if (edit.replace is None) != (edit.with_ is None):
        raise ScenarioError(f"{where}: `edit.replace` and `edit.with` go together")
    if edit == Edit():
        raise ScenarioError(f"{where}: `edit` changes nothing")
    return edit


def _flag(value: Any, where: str, at: datetime) -> bool:
    if value is not True:
        raise ScenarioError(f"{where}: write the action as `close: true` (or reopen, scan)")
    return True


_VALUES = {
    "file": _filing,
    "label": _labels,
    "unlabel": _labels,
    "comment": _comment,
    "tick": _tick,
    "edit": _edit,
    "close": _flag,
    "reopen": _flag,
    "scan": _flag,
}


def _people() -> str:
    return ", ".join(PEOPLE)


__all__ = [
    "ACTIONS",
    "Comment",
    "Edit",
    "Expect",
    "Filing",
    "Scenario",
    "ScenarioError",
    "Step",
    "load",
    "parse",
]
