"""Whatever people type, a rendered note is inert: checked on every template and every field.

Each hostile value replaces every string of the rich context (titles, summaries, roles, details,
even label names), and the rendering must keep the template's own structure line for line.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from automation.render import render
from automation.textsafety import clean, is_plausible_username
from tests.templates.conftest import ALL_TEMPLATES, HOSTILE, load_rich, poison

# GitLab's extractor (lib/gitlab/quick_actions/extractor.rb) skips fenced code, then takes a line
# starting with `/command`. Leading whitespace is counted too here, to be stricter than GitLab.
_FENCED = re.compile(r"^```.+?\n```$", re.MULTILINE | re.DOTALL)
_COMMAND = re.compile(r"^\s*/(\w+)", re.MULTILINE)


def quick_actions(note: str) -> list[str]:
    """The commands GitLab would run from a note."""
    return _COMMAND.findall(_FENCED.sub("", note))


def unescaped(text: str) -> str:
    """The text GitLab reads as Markdown syntax: code spans and `\\x` escapes taken out."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            index += 2
            continue
        if char == "`":
            end = text.find("`", index + 1)
            if end != -1 and "\n" not in text[index:end]:
                index = end + 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


def block_kind(line: str) -> str:
    """What a line is to a CommonMark parser, roughly: enough to see forged structure."""
    checks = (
        ("blank", r"^\s*$"),
        ("command", r"^\s*/\w"),
        ("fence", r"^ {0,3}(```|~~~)"),
        ("rule", r"^ {0,3}([-*_=])( *\1){2,} *$"),
        ("heading", r"^ {0,3}#{1,6}(\s|$)"),
        ("quote", r"^ {0,3}>"),
        ("html", r"^ {0,3}<"),
        ("task", r"^ {0,3}[-+*] \[[ xX]\]"),
        ("bullet", r"^ {0,3}[-+*](\s|$)"),
        ("ordered", r"^ {0,3}\d{1,9}[.)](\s|$)"),
        ("indented", r"^( {4}|\t)"),
    )
    for name, pattern in checks:
        if re.match(pattern, line):
            if name == "heading":
                return "heading:" + line.split(" ")[0]
            return name
    return "text"


def skeleton(text: str) -> list[str]:
    return [block_kind(line) for line in text.split("\n")]


_REFERENCE: dict[str, list[str]] = {}


def reference_skeleton(name: str, rich: dict) -> list[str]:
    if name not in _REFERENCE:
        _REFERENCE[name] = skeleton(render(name, rich))
    return _REFERENCE[name]


CASES = [(name, index) for name in ALL_TEMPLATES for index in range(len(HOSTILE))]


@pytest.fixture(scope="module")
def rich_module() -> dict:
    return load_rich()


@pytest.mark.parametrize(("name", "index"), CASES)
def test_markdown_stays_inert(name: str, index: int, rich_module: dict) -> None:
    hostile = HOSTILE[index]
    text = render(name, poison(rich_module, hostile))
    assert quick_actions(text) == []
    assert skeleton(text) == reference_skeleton(name, rich_module), "structure changed"
    syntax = unescaped(text)
    handle = clean(hostile).removeprefix("@")
    if is_plausible_username(handle):  # a role holder by that name is mentioned, as it should be
        syntax = re.sub(rf"@{re.escape(handle)}(?![\w-]|\.[\w-])", "", syntax)
    assert "@" not in syntax, "a live mention"
    assert "<" not in text, "raw HTML, a comment or a marker"
    assert "|" not in syntax, "a table cell"
    assert "```" not in text and "~~~" not in syntax
    assert "{{" not in text and "{%" not in text
    assert "&" not in syntax.replace("&lt;", "").replace("&gt;", ""), "an HTML entity"
    assert "](" not in syntax.replace("](https://gitlab.example.com", ""), "a forged link"
    assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in text if char != "\n")
    assert "\ue000" not in text and "\ue001" not in text
    assert "x" * 2_001 not in text, "a value was not capped"


@pytest.mark.parametrize(("name", "index"), CASES)
def test_slack_stays_inert(name: str, index: int, rich_module: dict) -> None:
    text = render(name, poison(rich_module, HOSTILE[index]), fmt="slack")
    assert "<" not in text, "a Slack link, mention (<!here>) or HTML"
    assert "&" not in re.sub(r"&(amp|lt|gt);", "", text)
    assert "```" not in text
    outside_code = re.sub(r"`[^`\n]*`", "", text)
    handle = clean(HOSTILE[index]).removeprefix("@")
    if is_plausible_username(handle):
        outside_code = re.sub(rf"@{re.escape(handle)}(?![\w-]|\.[\w-])", "", outside_code)
    assert not re.search(r"@[\w.-]", outside_code), "a live Slack mention"
    assert "\ue000" not in text and "\ue001" not in text
    assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in text if char != "\n")


def test_the_quick_action_finder_finds_commands() -> None:
    """The check above would catch a command: it finds them where GitLab would."""
    assert quick_actions("hello\n/close\n  /label ~x\n```\n/confidential\n```") == [
        "close",
        "label",
    ]


@pytest.mark.parametrize("field", ["title", "summary"])
def test_a_hostile_incident_field_is_shown_escaped(field: str, rich_module: dict) -> None:
    context = dict(rich_module)
    context["incident"] = {**rich_module["incident"], field: "/close\n@all <!-- x"}
    text = render("initial-status-update", context)
    assert "\\/close `@all` &lt;\\!-- x" in text
