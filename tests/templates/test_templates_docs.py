"""docs/templates.md keeps up with the templates and the details they read."""

from __future__ import annotations

from pathlib import Path

from automation.context import DETAILS
from tests.templates.conftest import ALL_TEMPLATES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "templates.md").read_text(encoding="utf-8")


def test_every_detail_is_documented() -> None:
    missing = [name for name in DETAILS if f"| `{name}` |" not in DOC]
    assert not missing


def test_every_shipped_template_is_documented() -> None:
    missing = [name for name in ALL_TEMPLATES if f"`{name}`" not in DOC]
    assert not missing
