"""Find the top-level Markdown paragraphs of a text, as GitLab does before it looks for commands.

GitLab renders a note or description with its Markdown pipeline and only searches the top-level
paragraphs (`<p>` directly under the document) whose text has a line starting with `/`: nothing in
a fenced or indented code block, a blockquote (`>` or GitLab's `>>>`), a list, an HTML block or a
heading can run a quick action. This module is a small line-based block scanner that follows the
CommonMark rules that matter for that decision.

Where this scanner is simpler than CommonMark it errs towards *finding* a paragraph (tables, for
example, are read as paragraphs), so the sandbox runs at least what GitLab would run: a bot that
stays inert here stays inert on GitLab.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_GITLAB_QUOTE_FENCE = re.compile(r"^ {0,3}>>>")
_BLOCKQUOTE = re.compile(r"^ {0,3}>")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_THEMATIC_BREAK = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_BULLET_ITEM = re.compile(r"^(?P<indent> {0,3})(?P<marker>[-+*])(?P<space>[ \t]+|$)")
_ORDERED_ITEM = re.compile(r"^(?P<indent> {0,3})(?P<number>\d{1,9})[.)](?P<space>[ \t]+|$)")
_INDENTED_CODE = re.compile(r"^(?: {4}|\t)")

# HTML block starts (CommonMark types 1 to 7) and, for types 1 to 5, how they end.
_HTML_RAW = re.compile(r"^ {0,3}<(?:script|pre|style|textarea)(?:\s|>|$)", re.IGNORECASE)
_HTML_RAW_END = re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)
_HTML_SPECIAL = (
    (re.compile(r"^ {0,3}<!--"), re.compile(r"-->")),
    (re.compile(r"^ {0,3}<\?"), re.compile(r"\?>")),
    (re.compile(r"^ {0,3}<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"^ {0,3}<!\[CDATA\["), re.compile(r"\]\]>")),
)
_HTML_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|"
    "h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    "optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|"
    "track|ul"
)
_HTML_BLOCK_TAG = re.compile(rf"^ {{0,3}}</?(?:{_HTML_BLOCK_TAGS})(?:\s|/?>|$)", re.IGNORECASE)
_ATTRIBUTE = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_HTML_ANY_TAG = re.compile(
    rf"^ {{0,3}}(?:<[A-Za-z][A-Za-z0-9-]*(?:{_ATTRIBUTE})*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$"
)


@dataclass(frozen=True)
class Paragraph:
    """Line numbers (0-based, inclusive) of a top-level paragraph."""

    start: int
    end: int


def _is_blank(line: str) -> bool:
    return line.strip() == ""


def _list_item(line: str, interrupting: bool) -> re.Match[str] | None:
    """A list item start; one that interrupts a paragraph must be non-empty (and start at 1)."""
    match = _BULLET_ITEM.match(line) or _ORDERED_ITEM.match(line)
    if match is None:
        return None
    if interrupting:
        if line[match.end() :].strip() == "":
            return None
        if "number" in match.groupdict() and match.group("number") not in (None, "1"):
            return None
    return match


def _html_start(line: str, interrupting: bool) -> re.Pattern[str] | str | None:
    """The end condition of an HTML block starting here: a pattern, "blank", or None."""
    if _HTML_RAW.match(line):
        return _HTML_RAW_END
    for start, end in _HTML_SPECIAL:
        if start.match(line):
            return end
    if _HTML_BLOCK_TAG.match(line):
        return "blank"
    if not interrupting and _HTML_ANY_TAG.match(line):
        return "blank"
    return None


def _starts_block(line: str) -> bool:
    """Whether this line begins a block that can interrupt a paragraph."""
    return bool(
        _FENCE.match(line)
        or _GITLAB_QUOTE_FENCE.match(line)
        or _BLOCKQUOTE.match(line)
        or _ATX_HEADING.match(line)
        or _THEMATIC_BREAK.match(line)
        or _list_item(line, interrupting=True)
        or _html_start(line, interrupting=True)
    )


def top_level_paragraphs(lines: list[str]) -> list[Paragraph]:
    """The top-level paragraphs of a document given as lines without their newlines."""
    paragraphs: list[Paragraph] = []
    index = 0
    count = len(lines)
    while index < count:
        line = lines[index]
        if _is_blank(line):
            index += 1
            continue
        fence = _FENCE.match(line)
        if fence and not (fence.group("fence")[0] == "`" and "`" in fence.group("info")):
            index = _skip_fenced_code(lines, index, fence.group("fence"))
            continue
        if _GITLAB_QUOTE_FENCE.match(line):
            index = _skip_gitlab_quote(lines, index)
            continue
        if _BLOCKQUOTE.match(line):
            index = _skip_blockquote(lines, index)
            continue
        if _ATX_HEADING.match(line) or _THEMATIC_BREAK.match(line):
            index += 1
            continue
        if _INDENTED_CODE.match(line):
            index = _skip_indented_code(lines, index)
            continue
        item = _list_item(line, interrupting=False)
        if item:
            index = _skip_list(lines, index)
            continue
        html_end = _html_start(line, interrupting=False)
        if html_end is not None:
            index = _skip_html(lines, index, html_end)
            continue
        index = _read_paragraph(lines, index, paragraphs)
    return paragraphs


def _read_paragraph(lines: list[str], start: int, paragraphs: list[Paragraph]) -> int:
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if _is_blank(line):
            break
        if _SETEXT_UNDERLINE.match(line):
            # `text` followed by `===` or `---` is a heading, not a paragraph (this wins over
            # reading `---` as a thematic break).
            return index + 1
        if _starts_block(line):
            break
        index += 1
    paragraphs.append(Paragraph(start, index - 1))
    return index


def _skip_fenced_code(lines: list[str], start: int, fence: str) -> int:
    closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    index = start + 1
    while index < len(lines):
        if closing.match(lines[index]):
            return index + 1
        index += 1
    return index  # an unclosed fence runs to the end of the document


def _skip_gitlab_quote(lines: list[str], start: int) -> int:
    index = start + 1
    while index < len(lines):
        if lines[index].strip() == ">>>":
            return index + 1
        index += 1
    return index


def _skip_blockquote(lines: list[str], start: int) -> int:
    """A blockquote, with its lazy continuation lines (plain text right after a quoted line)."""
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if _is_blank(line):
            break
        if not _BLOCKQUOTE.match(line) and _starts_block(line):
            break
        index += 1
    return index


def _skip_indented_code(lines: list[str], start: int) -> int:
    index = start + 1
    while index < len(lines):
        line = lines[index]
        if not _is_blank(line) and not _INDENTED_CODE.match(line):
            break
        index += 1
    return index


def _skip_list(lines: list[str], start: int) -> int:
    """A list: its items, their indented content and lazy lines, up to an unindented paragraph."""
    index = start + 1
    after_blank = False
    while index < len(lines):
        line = lines[index]
        if _is_blank(line):
            after_blank = True
            index += 1
            continue
        indented = line.startswith(("  ", "\t"))
        if _list_item(line, interrupting=False) or indented:
            after_blank = False
            index += 1
            continue
        if after_blank or _starts_block(line):
            break
        index += 1  # a lazy continuation line of the item's paragraph
    # Trailing blank lines belong to no block.
    while index - 1 > start and _is_blank(lines[index - 1]):
        index -= 1
    return index


def _skip_html(lines: list[str], start: int, end: re.Pattern[str] | str) -> int:
    if end == "blank":
        index = start + 1
        while index < len(lines) and not _is_blank(lines[index]):
            index += 1
        return index
    assert isinstance(end, re.Pattern)
    index = start
    while index < len(lines):
        if end.search(lines[index], 1 if index == start else 0):
            return index + 1
        index += 1
    return index
