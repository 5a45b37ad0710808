"""Rendered Markdown as Slack mrkdwn, for CMOCs who post the same update in a Slack channel.

Only the template's own structure is converted here. Values people wrote never pass through the
converter: while a template renders for Slack, each value is set aside in a numbered slot and
the text holds `U+E000 n U+E001` in its place (see render.py). The slots are filled in after the
conversion, already escaped the Slack way (textsafety.slack_inline), so a `**` or a `# ` in a
value cannot turn into formatting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SLOT_OPEN = "\ue000"
SLOT_CLOSE = "\ue001"
_SLOT = re.compile(f"{SLOT_OPEN}(\\d+){SLOT_CLOSE}")

_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_CHECKBOX = re.compile(r"^(\s*)[-*+] \[([ xX])\] ")
_BULLET = re.compile(r"^(\s*)[-*+] ")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# Only links the bot built (render.py's `link` filter checks the address).
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^\s()<>|]+)\)")
_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def slot(index: int) -> str:
    return f"{SLOT_OPEN}{index}{SLOT_CLOSE}"


def to_mrkdwn(markdown: str, values: Sequence[str]) -> str:
    """Convert headings, bold, bullets, checkboxes and links; then fill the value slots."""
    lines = []
    for line in markdown.split("\n"):
        line = line.translate(_SLACK_ESCAPES)
        heading = _HEADING.match(line)
        if heading:
            line = "*" + heading.group(1).replace("**", "") + "*"
        else:
            line = _CHECKBOX.sub(
                lambda m: m.group(1) + ("• ☑ " if m.group(2) != " " else "• ☐ "), line
            )
            line = _BULLET.sub(r"\1• ", line)
            line = _BOLD.sub(r"*\1*", line)
        lines.append(_LINK.sub(r"<\2|\1>", line))
    return _SLOT.sub(lambda match: values[int(match.group(1))], "\n".join(lines))


__all__ = ["SLOT_CLOSE", "SLOT_OPEN", "slot", "to_mrkdwn"]
