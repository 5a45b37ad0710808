"""The ten templates keep the seed's structure: every heading and bold field label, in order.

`tests/fixtures/seed_templates/` holds the seed's ten code blocks exactly as the framework
writes them. A heading matches with each bracketed placeholder (`[title]`) standing for any text.
"""

from __future__ import annotations

import re

import pytest

from automation.context import placeholder_context
from automation.render import SEED_TEMPLATES, list_templates, render, resolve
from automation.resources import templates_dir
from tests.templates.conftest import ALL_TEMPLATES, SEED_FIXTURES

HEADING = re.compile(r"^#{1,3} .*$", re.MULTILINE)
BOLD_LABEL = re.compile(r"\*\*[^*\n]+?:\*\*")
BOT_NOTES = {
    "validation-error",
    "overdue-reminder",
    "handoff-ack-request",
    "exit-criteria",
    "action-items",
    "severity-change",
    "lifecycle-note",
    "handoff-acknowledged",
    "role-engaged",
    "role-released",
    "closure-nudge",
    "closed-with-open-criteria",
    "handoff-reminder",
    "handoff-escalation",
    "reminders-paused",
}


def seed(name: str) -> str:
    return (SEED_FIXTURES / f"{name}.md").read_text(encoding="utf-8")


def heading_pattern(line: str) -> re.Pattern[str]:
    """`## Incident #[number] - [title]` -> a pattern where each [..] is any text."""
    parts = re.split(r"\[[^\]]*\]", line)
    return re.compile("^" + ".+?".join(re.escape(part) for part in parts) + "$")


def in_order(needles: list, lines: list[str], match) -> list:
    """The needles not found in `lines` in order (empty when all are)."""
    position = 0
    missing = []
    for needle in needles:
        for index in range(position, len(lines)):
            if match(needle, lines[index]):
                position = index + 1
                break
        else:
            missing.append(needle)
    return missing


def renderings(name: str, rich: dict) -> dict[str, str]:
    return {"placeholders": render(name, placeholder_context()), "data": render(name, rich)}


def test_the_seed_fixtures_are_the_ten_templates() -> None:
    assert sorted(path.stem for path in SEED_FIXTURES.glob("*.md")) == sorted(SEED_TEMPLATES)


@pytest.mark.parametrize("name", list(SEED_TEMPLATES))
def test_every_seed_heading_in_order(name: str, rich: dict) -> None:
    headings = HEADING.findall(seed(name))
    assert headings, "the fixture has headings"
    for kind, text in renderings(name, rich).items():
        lines = text.splitlines()
        missing = in_order(
            headings, lines, lambda heading, line: bool(heading_pattern(heading).match(line))
        )
        assert not missing, f"{kind} rendering lacks {missing}"


@pytest.mark.parametrize("name", list(SEED_TEMPLATES))
def test_every_seed_bold_label_in_order(name: str, rich: dict) -> None:
    labels = BOLD_LABEL.findall(seed(name))
    assert labels
    for kind, text in renderings(name, rich).items():
        missing = in_order(labels, text.splitlines(), lambda label, line: line.startswith(label))
        assert not missing, f"{kind} rendering lacks {missing}"


@pytest.mark.parametrize("name", list(SEED_TEMPLATES))
def test_every_seed_list_label_is_kept(name: str, rich: dict) -> None:
    """`- Impact type: [..]` keeps its words: only the bracketed parts are filled in."""
    wanted = [
        line.split("[")[0]
        for line in seed(name).splitlines()
        if line.startswith("- ") and not line.startswith("- [") and "[" in line
    ]
    text = render(name, rich)
    for prefix in wanted:
        assert any(line.startswith(prefix) for line in text.splitlines()), prefix


@pytest.mark.parametrize("name", list(SEED_TEMPLATES))
def test_the_seed_literal_sentences_are_kept(name: str) -> None:
    """Lines the seed writes with no placeholder (`A full post-incident review ...`)."""
    literal = [
        line
        for line in seed(name).splitlines()
        if line and "[" not in line and not line.startswith(("#", "**", "- "))
    ]
    text = render(name, placeholder_context())
    for line in literal:
        assert line in text


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_the_placeholder_rendering_is_never_blank(name: str) -> None:
    text = render(name, placeholder_context())
    assert "None" not in text
    assert "[]" not in text
    assert "{{" not in text and "{%" not in text
    assert not re.search(r"\*\*[^*\n]+:\*\*[ \t]*$", text, re.MULTILINE), "an empty bold field"
    assert not re.search(r"^(- |\d+\. )[^:\n]+: *$", text, re.MULTILINE), "an empty list field"
    assert not re.search(r"^- *$", text, re.MULTILINE), "an empty bullet"


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_the_data_rendering_has_no_gaps(name: str, rich: dict) -> None:
    text = render(name, rich)
    assert "None" not in text
    assert "[]" not in text
    assert "to fill" not in text, "the rich context fills every field"


def test_every_template_states_its_purpose() -> None:
    for path in templates_dir().glob("*.md.j2"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert re.match(r"^\{# purpose: .+ #\}$", first), path.name


def test_the_list_has_the_ten_seed_templates_first_then_the_bot_notes() -> None:
    rows = list_templates()
    assert [name for name, _purpose, _kind in rows[:10]] == list(SEED_TEMPLATES)
    assert {kind for _name, _purpose, kind in rows[:10]} == {"seed"}
    bot = {name for name, _purpose, kind in rows if kind == "bot"}
    assert bot >= BOT_NOTES
    assert all(purpose for _name, purpose, _kind in rows)


@pytest.mark.parametrize(("title", "slug"), [(t, s) for s, t in SEED_TEMPLATES.items()])
def test_the_seed_titles_name_the_templates(title: str, slug: str) -> None:
    assert resolve(title) == slug
    assert resolve(f"{title} Template".upper()) == slug
