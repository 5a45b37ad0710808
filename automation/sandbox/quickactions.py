"""Extract quick actions from a note or description exactly where GitLab would find them.

GitLab's rules, reproduced here:

- Only top-level Markdown paragraphs are searched (see `paragraphs.py`), and only those with a
  line that starts with `/` once Markdown has stripped the line's indentation.
- In those paragraphs, a command is a line that starts with `/` in the raw text, at column 0
  (an indented `/close` is not one), followed by a *known and currently available* command name,
  then either the end of the line or one space and an argument up to the end of the line.
- Inline code (`` `...` ``, which may span lines of the paragraph) and an HTML element written on
  its own lines are skipped.
- Extracted command lines are removed from the text (with the blank lines after them); a text
  made only of commands becomes empty, which for a note means "commands only": not stored, 202.
- Unknown names (`/foo`), unavailable commands (`/close` on a closed issue) and no-op commands
  (`/cc`) stay in the text untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .paragraphs import top_level_paragraphs

# Commands that are replaced by text rather than removed.
SUBSTITUTIONS = {
    "shrug": "¯\\＿(ツ)＿/¯",
    "tableflip": "(╯°□°)╯︵ ┻━┻",
}

_EXCLUSIONS = r"""
    (?P<inline_code> `.+?` )
  |
    (?P<html> ^<[^>]+?>\n .+? \n</[^>]+?>$ )
"""


@dataclass(frozen=True)
class Command:
    """One extracted command: its lower-cased name and its argument ("" when none)."""

    name: str
    arg: str = ""


def _commands_pattern(names: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(name) for name in names) or r"(?!)"
    return re.compile(
        _EXCLUSIONS
        + rf"""
      |
        ^/(?P<cmd>{alternatives})
        (?:[ ](?P<arg>[^\n]*))?
        (?:\s*\n|$)
        """,
        re.MULTILINE | re.DOTALL | re.IGNORECASE | re.VERBOSE,
    )


def extract(text: str, names: Iterable[str]) -> tuple[str, list[Command]]:
    """Split `text` into what would be stored and the commands GitLab would run.

    `names` are the command names available to this author on this issue right now (aliases
    included); everything else stays text.
    """
    content = text.replace("\r", "")
    name_list = sorted(set(names) | set(SUBSTITUTIONS))
    lines = content.split("\n")
    candidates = [
        paragraph
        for paragraph in top_level_paragraphs(lines)
        if any(
            lines[number].lstrip().startswith("/")
            for number in range(paragraph.start, paragraph.end + 1)
        )
    ]
    if not candidates:
        return content.rstrip(), []

    pattern = _commands_pattern(name_list)
    # Work on lines that keep their newline, as GitLab does, so that a paragraph's text can be
    # put back in place of its lines.
    source = content.splitlines(keepends=True)
    commands: list[Command] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("cmd")
        if name is None:
            return match.group(0)  # inline code or HTML: left alone
        name = name.lower()
        arg = (match.group("arg") or "").strip()
        commands.append(Command(name, arg))
        if name in SUBSTITUTIONS:
            ending = "\n" if match.group(0).endswith("\n") else ""
            return f"{arg} {SUBSTITUTIONS[name]}".strip() + ending
        return ""

    for paragraph in candidates:
        end = paragraph.end
        if end + 1 < len(source) and source[end + 1] == "\n":
            end += 1  # the blank line after the paragraph goes with it
        block = "".join(source[paragraph.start : end + 1])
        replaced = pattern.sub(replace, block)
        source[paragraph.start : end + 1] = [replaced] + [""] * (end - paragraph.start)
    return "".join(source).rstrip(), commands
