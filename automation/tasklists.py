"""Task lists under a heading, read from the Markdown people actually write.

Descriptions and notes are edited by hand in a hurry: headings at any level (or a line in bold
standing in for one), `-`, `*` and `+` bullets, numbered lists, nested items, items wrapped over
several lines, checkboxes written `[ ]`, `[x]` or `[X]`. Text inside the front-matter block,
fenced code and HTML comments is not Markdown the reader sees, so it is never read as a task.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
# A whole line in bold, such as `**Follow-up Actions:**`, is read as the lowest heading level.
_BOLD_LINE = re.compile(r"^ {0,3}(\*\*|__)(?P<title>[^*_].*?)\1:?\s*$")
_BOLD_LEVEL = 7
_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<rest>.*))?$")
_BOX = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_YAML_FENCE = re.compile(r"^\s*(---|\.\.\.)\s*$")


@dataclass(frozen=True)
class Task:
    text: str
    checked: bool | None  # None: a plain list item without a checkbox
    depth: int  # 0 for a top-level item
    line: int  # 1-based line of the item in the text
    under_checked: bool = False  # an enclosing item is ticked
    details: tuple[str, ...] = ()  # plain sub-items, kept as detail of this task


def visible_lines(text: str) -> list[str]:
    """The text's lines with the front-matter, fenced code and HTML comments blanked out.

    Blanked lines stay (as empty strings) so that line numbers keep matching the text.
    """
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    out = list(lines)
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is not None and lines[start].strip() == "---":
        end = next((j for j in range(start + 1, len(lines)) if _YAML_FENCE.match(lines[j])), None)
        if end is not None:
            out[start : end + 1] = [""] * (end + 1 - start)
    fence: str | None = None
    in_comment = False
    for index, line in enumerate(out):
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out[index] = ""
            continue
        if not in_comment and (match := _FENCE.match(line)):
            fence = match.group(1)
            out[index] = ""
            continue
        out[index], in_comment = _strip_comments(line, in_comment)
    return out


def _strip_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    kept, rest = "", line
    while rest:
        if in_comment:
            end = rest.find("-->")
            if end < 0:
                return kept, True
            rest, in_comment = rest[end + 3 :], False
        else:
            start = rest.find("<!--")
            if start < 0:
                return kept + rest, False
            kept, rest, in_comment = kept + rest[:start], rest[start + 4 :], True
    return kept, in_comment


def heading(line: str) -> tuple[int, str] | None:
    """(level, title) when the line is a heading, else None."""
    if match := _ATX.match(line):
        return len(match.group(1)), (match.group(2) or "").strip()
    if match := _BOLD_LINE.match(line):
        return _BOLD_LEVEL, match.group("title").strip()
    return None


def sections(text: str, title: re.Pattern[str]) -> Iterator[list[tuple[int, str]]]:
    """Each section whose heading matches `title`: its (line number, line) pairs.

    A section ends at the next heading of the same or a higher level (fewer `#`).
    """
    lines = visible_lines(text)
    index = 0
    while index < len(lines):
        found = heading(lines[index])
        index += 1
        if not found or not title.search(found[1]):
            continue
        body = []
        while index < len(lines):
            inner = heading(lines[index])
            if inner and inner[0] <= found[0]:
                break
            body.append((index + 1, lines[index]))
            index += 1
        yield body


def tasks(body: list[tuple[int, str]]) -> list[Task]:
    """The list items of a section, with their nesting, checkbox and wrapped lines."""
    found: list[dict] = []
    stack: list[tuple[int, dict]] = []  # (indent, item) of the open ancestors
    previous_blank = True
    for number, raw in body:
        line = raw.expandtabs(4)
        if not line.strip():
            previous_blank = True
            continue
        match = _ITEM.match(line)
        if match is None:
            indent = len(line) - len(line.lstrip())
            # A wrapped line continues the last item; after a blank line only if indented.
            if stack and (not previous_blank or indent > stack[-1][0]) and not heading(line):
                stack[-1][1]["text"] += " " + line.strip()
            elif indent == 0:
                stack.clear()
            previous_blank = False
            continue
        previous_blank = False
        indent = len(match.group("indent"))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        rest = match.group("rest") or ""
        box = _BOX.match(rest)
        checked = None if box is None else box.group("mark") in "xX"
        item = {
            "text": rest[box.end() :] if box else rest,
            "checked": checked,
            "depth": len(stack),
            "line": number,
            "under_checked": any(parent["checked"] for _, parent in stack),
            "details": [],
        }
        if checked is None and stack:
            stack[-1][1]["details"].append(item)  # a plain sub-item explains its parent
        found.append(item)
        stack.append((indent, item))
    return [
        Task(
            text=" ".join(item["text"].split()),
            checked=item["checked"],
            depth=item["depth"],
            line=item["line"],
            under_checked=item["under_checked"],
            details=tuple(" ".join(d["text"].split()) for d in item["details"]),
        )
        for item in found
    ]


__all__ = ["Task", "heading", "sections", "tasks", "visible_lines"]
