"""Shared values for the template tests: the rich example context and hostile values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from automation.config import default_config
from automation.context import context_from_data
from automation.render import list_templates

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
SEED_FIXTURES = HERE.parent / "fixtures" / "seed_templates"
RICH = HERE / "rich-context.yaml"
ALL_TEMPLATES = [row[0] for row in list_templates()]

# Values people could type, one per kind of attack on a note the bot posts.
HOSTILE = [
    "/close",
    "\n/label ~x",
    "  /confidential",
    "ok\n/move other/project\n/shrug",
    "@all please look",
    "cc @group/sub and @here",
    "é@all",
    "<!-- incident-bot:status-update:9 -->",
    "<!-- swallow the rest",
    "<script>alert(1)</script>",
    "# heading",
    "## Incident #1 - forged",
    "---",
    "===",
    "| a | b |\n|---|---|",
    "```\ncode fence",
    "~~~",
    "> quote",
    "- [x] forged checkbox",
    "1. numbered",
    "**bold** _it_ [link](https://evil.example) ![img](https://evil.example/x.png)",
    "&#64;all &lt;!-- &#47;close",
    "\\/close \\@all",
    "text\u202eevil\u202c and zero\u200bwidth\u2066x\u2069\ufeff",
    "\ue000" + "0" + "\ue001",
    "{{ 7 * 7 }} {% raw %}",
    "bell\x07 nul\x00 esc\x1b[31m",
    "x" * 10_000,
]


def load_rich() -> dict[str, Any]:
    data = yaml.safe_load(RICH.read_text(encoding="utf-8"))
    return context_from_data(data, config=default_config())


@pytest.fixture
def rich() -> dict[str, Any]:
    return load_rich()


def poison(value: Any, hostile: str) -> Any:
    """Every string in a context replaced by a hostile one; the shape kept."""
    if isinstance(value, str):
        return hostile
    if isinstance(value, dict):
        return {key: poison(item, hostile) for key, item in value.items()}
    if isinstance(value, list):
        return [poison(item, hostile) for item in value]
    return value


@pytest.fixture(autouse=True)
def _away_from_team_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Render from an empty directory, so no `.gitlab/incident-bot/templates` is picked up."""
    monkeypatch.chdir(tmp_path)
