"""Helpers shared by the sandbox's tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gitlab

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gitlab"
START = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)


def documented(name: str) -> Any:
    """One of GitLab's documented examples from `tests/fixtures/gitlab/`."""
    return json.loads((FIXTURES / name).read_text())


def project_of(client: gitlab.Gitlab, project: int | str = 1) -> Any:
    """A lazy project object: no request until it is used."""
    return client.projects.get(project, lazy=True)


def make_labels(client: gitlab.Gitlab, *names: str) -> None:
    for name in names:
        project_of(client).labels.create({"name": name, "color": "#428BCA"})
