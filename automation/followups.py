"""Postmortem follow-up actions, read from the places people write them.

"Incidents generate standardized postmortem analysis with tracked action items." A follow-up is
an unticked task (`- [ ]`, `* [ ]`, `+ [ ]`, `1. [ ]`) under a "Follow-up Actions" heading of
any level (or a line in bold standing for one); the section ends at the next heading of the same
or a higher level. The rules:

- A ticked item (`[x]`) is already done: no issue is opened for it, nor for the items nested
  under it. An unticked item nested under an unticked one is an action of its own.
- A plain bullet is not an action (the Resolution Update's "Follow-up Actions" are advice to
  customers, in plain bullets); a plain bullet nested under a task is kept as its detail.
- The owner is the `@name` written `owner: @name` (or `owned by`), else the `@name` that ends
  the item (`- [ ] write the macro @alice due:...`), else the first `@name`.
- The due date is a date after `due`, `due by`, `by` or `deadline`, in any of `2026-12-10`,
  `2026/12/10`, `10 Dec 2026`, `10 December 2026`, `Dec 10, 2026`; or such a date at the very
  end of the item. A date in the middle of the sentence with no keyword is part of the text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from . import tasklists
from .incident import FollowUp

# The heading says just that ("Follow-up Actions:", "Follow ups"), not a sentence about it.
HEADING = re.compile(r"^\W*follow[\s_-]*ups?(?:\s+(?:actions?|items?))?\W*$", re.IGNORECASE)
MAX_TITLE = 255

_OWNER = re.compile(
    r"(?P<label>\b(?:owner|assignee|owned by)\s*:?\s*)?"
    r"(?<![\w.\\])`?\\?@(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)`?",
    re.IGNORECASE,
)
_MONTH_NAMES = (
    "jan january|feb february|mar march|apr april|may|jun june|jul july|aug august"
    "|sep sept september|oct october|nov november|dec december"
)
_MONTHS = {
    name: number
    for number, names in enumerate(_MONTH_NAMES.split("|"), 1)
    for name in names.split()
}
_MONTH = "(?P<{}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = (
    r"(?:(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH.format('mon2')},?\s+(?P<y2>\d{{4}})"
    rf"|{_MONTH.format('mon3')}\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>\d{{4}}))"
)
_KEYWORD = r"(?:due(?:\s+(?:by|on|date))?|by|deadline)\s*:?\s*"
# A date in brackets takes its brackets with it; a bracket it does not open stays.
_OPEN = r"(?:(?P<open>[(\[])\s*)?"
_CLOSE = r"(?(open)\s*[)\]])"
_DUE = re.compile(rf"{_OPEN}\b{_KEYWORD}{_DATE}{_CLOSE}", re.IGNORECASE)
_TRAILING_DATE = re.compile(rf"{_OPEN}\b{_DATE}{_CLOSE}\s*[.]?\s*$", re.IGNORECASE)
_EMPTY_BRACKETS = re.compile(r"[(\[][\s,;:.\-–—]*[)\]]")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class Action:
    action: str
    owner: str | None = None
    due: date | None = None
    details: tuple[str, ...] = ()

    @property
    def normalised(self) -> str:
        return normalise(self.action)


def normalise(text: str) -> str:
    """The text two spellings of the same action share: case, Markdown and punctuation aside."""
    text = _unescape(text).lower()
    return " ".join(re.sub(r"\W+", " ", text).split())


def parse(markdown: str) -> list[Action]:
    """The open follow-up actions in every "Follow-up Actions" section of `markdown`."""
    found = []
    for body in tasklists.sections(markdown, HEADING):
        for task in tasklists.tasks(body):
            if task.checked is False and not task.under_checked and (item := parse_item(task)):
                found.append(item)
    return found


def parse_item(task: tasklists.Task) -> Action | None:
    text, owner, due = _split(_unescape(task.text))
    if not text:
        return None
    return Action(text[:MAX_TITLE], owner, due, tuple(_unescape(d) for d in task.details))


def _split(text: str) -> tuple[str, str | None, date | None]:
    """An item's text without its due date and owner, and those two."""
    due, text = _take_due(text)
    owner, text = _take_owner(text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", _EMPTY_BRACKETS.sub(" ", text))
    return " ".join(text.split()).strip(" -–—,;:|"), owner, due


def _read_back(item: Action) -> str:
    """The normalised text of `item` once written as a task line, `action @owner due:DATE`, as
    the bot's drafts list it, and read again: a mention or a date in the text may then be taken
    for the owner or the due date."""
    line = item.action + (f" @{item.owner}" if item.owner else "")
    line += f" due:{item.due.isoformat()}" if item.due else ""
    return normalise(_split(line)[0])


def _unescape(text: str) -> str:
    """Text as the writer meant it: the bot's own drafts escape Markdown and HTML signs."""
    return html.unescape(_ESCAPE.sub(r"\1", text))


def _take_owner(text: str) -> tuple[str | None, str]:
    """`owner: @name` if written so; else a mention ending the item; else the first mention."""
    found = list(_OWNER.finditer(text))
    if not found:
        return None, text
    labelled = [match for match in found if match.group("label")]
    last = found[-1]
    ends = not text[last.end() :].strip(" .,;:)]-–—")
    match = labelled[0] if labelled else (last if ends else found[0])
    return match.group("name").rstrip(".-"), text[: match.start()] + " " + text[match.end() :]


def _take_due(text: str) -> tuple[date | None, str]:
    for pattern in (_DUE, _TRAILING_DATE):
        for match in pattern.finditer(text):
            if (when := _date(match)) is not None:
                return when, text[: match.start()] + " " + text[match.end() :]
    return None, text


def _date(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups["y1"]:
            return date(int(groups["y1"]), int(groups["m1"]), int(groups["d1"]))
        if groups["y2"]:
            return date(int(groups["y2"]), _MONTHS[groups["mon2"].lower()], int(groups["d2"]))
        return date(int(groups["y3"]), _MONTHS[groups["mon3"].lower()], int(groups["d3"]))
    except (ValueError, KeyError, TypeError):
        return None  # 2026-02-30 is not a date: leave the text as written


def from_front_matter(items: Iterable[FollowUp]) -> list[Action]:
    return [Action(item.action, item.owner, item.due) for item in items]


def merge(*groups: Iterable[Action]) -> list[Action]:
    """One action per normalised text, in first-seen order; a later mention fills a gap."""
    merged: dict[str, Action] = {}
    # An action read back from a draft that listed it (the Post-Incident Support Summary) is
    # the same action, though its text may have lost a trailing mention or date.
    read_back: dict[str, str] = {}
    for group in groups:
        for item in group:
            key = item.normalised
            key = key if key in merged else read_back.get(key, key)
            if key not in merged:
                merged[key] = item
                read_back.setdefault(_read_back(item), key)
                continue
            first = merged[key]
            merged[key] = replace(
                first,
                owner=first.owner or item.owner,
                due=first.due or item.due,
                details=first.details or item.details,
            )
    return list(merged.values())


__all__ = ["HEADING", "Action", "from_front_matter", "merge", "normalise", "parse"]
