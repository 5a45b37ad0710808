"""Make text people wrote inert before the bot echoes it into a GitLab note or a Slack message.

The bot posts with a token that can close, relabel, move or expose an issue, and GitLab runs a
quick action from any line of a note that starts with `/command`. Whatever a person typed into a
title, a summary or a data file must therefore come out as plain text: no quick action, no
mention that notifies, nothing that looks like the bot's hidden markers, no HTML comment that
swallows the rest of the note, and no Markdown structure (heading, fence, table, list, rule).

The environment in render.py installs `markdown_value` as Jinja's `finalize` hook, so every
`{{ value }}` goes through here. Text the bot builds itself from checked parts (a placeholder,
a mention of a plausible username, a formatted time) is marked `Trusted` and passes unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from .timefmt import format_duration, format_time

MAX_VALUE_CHARS = 2_000
ELLIPSIS = "…"

# Whitespace of any kind becomes one space: a value never spans lines.
_LINE_BREAKS = frozenset("\t\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029")
# U+E000/U+E001 are reserved for render.py's Slack slots, so a value cannot forge one.
_RESERVED = frozenset("\ue000\ue001")
_WHITESPACE = re.compile(r"\s+")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# GitLab finds a user reference wherever `@` follows a character outside ASCII [A-Za-z0-9_]
# (Ruby's \w is ASCII-only, so `é@all` still pings everyone). This matches more than GitLab
# does, never less: `_` and any non-ASCII character count as a boundary here.
_MENTION = re.compile(r"(?<![A-Za-z0-9])@[A-Za-z0-9_.+\-/]*[A-Za-z0-9_]")

# Characters with a meaning in GitLab Flavored Markdown anywhere on a line, and their inert form.
# `<` and `>` become entities (no HTML, no comment, no autolink, no marker, no blockquote);
# the others take CommonMark's backslash escape, which GitLab also honours for its references
# (`\#12`, `\@name`, `\~label`, `\$snippet`, `\&epic`).
_MARKDOWN_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "{": "\\{",
        "}": "\\}",
        "[": "\\[",
        "]": "\\]",
        "#": "\\#",
        "|": "\\|",
        "~": "\\~",
        "!": "\\!",
        "$": "\\$",
        "%": "\\%",
        "^": "\\^",
        "&": "\\&",
        "@": "\\@",
        "<": "&lt;",
        ">": "&gt;",
    }
)
# Characters that only mean something at the start of a line: a quick action (`/close`), a list
# item (`- `, `+ `, `1. `), a setext heading or rule (`===`, `---`).
_LEADING_MARK = re.compile(r"^([/+=-])")
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")

_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "'"})
# Slack display names are not limited to ASCII: any `@` followed by a name-like run is suspect.
_SLACK_MENTION = re.compile(r"@[^\s`]+")

# Names GitLab or Slack treat as "everyone" however they are written.
_BROADCAST = frozenset({"all", "here", "channel", "everyone"})
# GitLab's reference pattern ends a name on a letter, digit, `_` or `-`: it reads `@all.` as
# `@all` and a full stop, so a name ending in `.` is not the name it seems.
_USERNAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,253}[A-Za-z0-9_-])?$")
_QUICK_ACTION = re.compile(r"^(\s*)/(?=[A-Za-z0-9_])", re.MULTILINE)
_FENCE = re.compile(r"^\s*(```|~~~)")


class Trusted(str):
    """Text the bot built from checked parts; the finalize hook passes it unchanged.

    Concatenating a Trusted with anything gives a plain `str`, which is escaped again: only the
    exact value a filter returned is trusted.
    """

    __slots__ = ()


def _keep(char: str) -> str:
    """Whitespace as a space; control and format characters dropped.

    Format characters (Unicode category Cf) are the zero-width characters (U+200B-U+200F,
    U+2060-U+2064, U+FEFF), the bidi controls (U+202A-U+202E, U+2066-U+2069, U+061C) and the
    invisible tag characters: they hide or reorder text, so that a title shows one thing and
    says another.
    """
    if char in _LINE_BREAKS:
        return " "
    if char in _RESERVED or unicodedata.category(char) in ("Cc", "Cf"):
        return ""
    return char


def clean(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """One line of plain text: no control, zero-width or bidi characters, capped in length."""
    text = str(value)
    if text.isascii():  # the common case, without a look at every character
        text = _ASCII_CONTROL.sub(lambda match: " " if match.group() in _LINE_BREAKS else "", text)
    else:
        text = "".join(_keep(char) for char in unicodedata.normalize("NFC", text))
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    return text


def markdown_inline(value: object) -> Trusted:
    """`value` as inert GitLab Markdown on one line."""
    text = clean(value)
    parts: list[str] = []
    position = 0
    for match in _MENTION.finditer(text):
        parts.append(text[position : match.start()].translate(_MARKDOWN_ESCAPES))
        # A code span is never scanned for references; the token holds no backtick.
        parts.append(f"`{match.group()}`")
        position = match.end()
    parts.append(text[position:].translate(_MARKDOWN_ESCAPES))
    text = _LEADING_NUMBER.sub(r"\1\\\2", "".join(parts))
    return Trusted(_LEADING_MARK.sub(r"\\\1", text))


def slack_inline(value: object) -> Trusted:
    """`value` as inert Slack mrkdwn on one line (Slack's own escaping: `&`, `<`, `>`)."""
    text = clean(value).translate(_SLACK_ESCAPES)
    return Trusted(_SLACK_MENTION.sub(lambda match: f"`{match.group()}`", text))


def code_span(value: object) -> Trusted:
    """`value` inside a Markdown code span, where nothing is a reference or markup."""
    text = clean(value, limit=200).replace("`", "'")
    return Trusted(f"`{text}`" if text else "` `")


def issue_title(value: object, limit: int = 255) -> str:
    """`value` as the title of an issue the bot opens: one line, at most `limit` characters.

    GitLab scans titles for mentions too, so every `@name` becomes a code span (backticks people
    wrote become quotes, so that no span can be closed early); quick actions never run in titles.
    """
    text = clean(value, limit=limit).replace("`", "'")
    room = limit
    while True:
        spans = _MENTION.sub(lambda match: f"`{match.group()}`", text)
        if len(spans) <= limit:
            return spans
        room -= len(spans) - limit
        text = clean(text, limit=max(room, 1))


def placeholder(what: str) -> Trusted:
    """The visible gap a person fills: `_[to fill: what]_`."""
    return Trusted(f"_[to fill: {clean(what, limit=200)}]_")


def is_plausible_username(name: str) -> bool:
    """Whether `name` can be a single GitLab user: no group path, no `all`."""
    return bool(_USERNAME.match(name)) and name.lower() not in _BROADCAST


def plain(value: object) -> str:
    """How a non-text value reads in a note: times in UTC, durations in hours and minutes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def join(values: Iterable[object], escape: Callable[[object], str]) -> Trusted:
    """Items of a list, each made inert, separated by commas."""
    return Trusted(", ".join(escape(plain(item)) for item in values))


def disarm_quick_actions(text: str) -> str:
    """Escape any line that would still start a quick action, outside code fences.

    Values are already escaped; this also covers a team's own template text, so that no note the
    bot posts can run a command with the bot's rights.
    """
    out = []
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _QUICK_ACTION.sub(r"\1\\/", line)
        out.append(line)
    return "\n".join(out)


__all__ = [
    "MAX_VALUE_CHARS",
    "Trusted",
    "clean",
    "code_span",
    "disarm_quick_actions",
    "is_plausible_username",
    "issue_title",
    "join",
    "markdown_inline",
    "placeholder",
    "plain",
    "slack_inline",
]
