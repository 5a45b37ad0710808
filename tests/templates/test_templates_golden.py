"""Every template rendered from the rich example context, compared with its golden file.

After a deliberate change to a template, regenerate with `UPDATE_GOLDEN=1 pytest tests/templates`
and review the diff of `tests/templates/golden/`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from automation.render import SEED_TEMPLATES, render
from tests.templates.conftest import ALL_TEMPLATES, GOLDEN

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def check_golden(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_markdown_matches_golden(name: str, rich: dict) -> None:
    check_golden(GOLDEN / f"{name}.md", render(name, rich))


@pytest.mark.parametrize("name", list(SEED_TEMPLATES))
def test_slack_matches_golden(name: str, rich: dict) -> None:
    check_golden(GOLDEN / "slack" / f"{name}.txt", render(name, rich, fmt="slack"))


def test_every_template_has_a_golden_file() -> None:
    expected = {f"{name}.md" for name in ALL_TEMPLATES}
    assert {path.name for path in GOLDEN.glob("*.md")} == expected
