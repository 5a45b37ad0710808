"""Shared fixtures: the default configuration, snapshot builders and payload loaders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from automation import markers
from automation.config import Config, default_config
from automation.snapshot import IssueSnapshot, LabelEvent, Note

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
T0 = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
BOT = "incident-bot"


@pytest.fixture
def config() -> Config:
    return default_config()


def load_json(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def example(name: str) -> str:
    return (ROOT / "examples" / name).read_text(encoding="utf-8")


def bot_note(
    kind: str,
    key: str | int,
    *,
    at: datetime = T0,
    body: str = "",
    note_id: int | None = None,
    author: str = BOT,
    **attrs: Any,
) -> Note:
    """A note as the bot (or, with `author`, someone pretending to be it) would have left it."""
    marker = markers.make(kind, key, **attrs)
    text = markers.append(body or f"{kind} {key}", marker)
    return Note(
        id=note_id or abs(hash((kind, str(key)))) % 10**6,
        author=author,
        body=text,
        created_at=at,
        internal=True,
        marker=marker if author == BOT else None,
    )


def person_note(body: str, *, author: str = "alice", at: datetime = T0, note_id: int = 1) -> Note:
    return Note(id=note_id, author=author, body=body, created_at=at)


def label_event(
    label: str, *, user: str = "alice", at: datetime = T0, event_id: int = 1, action: str = "add"
) -> LabelEvent:
    return LabelEvent(id=event_id, label=label, action=action, user=user, created_at=at)


def snapshot(
    description: str = "",
    *,
    labels: tuple[str, ...] = (),
    notes: tuple[Note, ...] = (),
    state: str = "opened",
    confidential: bool = False,
    assignees: tuple[str, ...] = (),
    label_events: tuple[LabelEvent, ...] = (),
    title: str = "CI jobs stuck in pending",
    iid: int = 42,
) -> IssueSnapshot:
    return IssueSnapshot(
        project_id=7,
        iid=iid,
        id=1000 + iid,
        title=title,
        description=description,
        state=state,
        labels=labels,
        notes=notes,
        confidential=confidential,
        assignees=assignees,
        label_events=label_events,
        created_at=T0,
        updated_at=T0,
        web_url=f"https://gitlab.example.com/support/incidents/-/issues/{iid}",
        author="alice",
    )
