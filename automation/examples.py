"""Incidents kept in files: a description (`.md`) or a whole issue snapshot (`.yml`).

`incident-bot plan --from-file` reads them, so a team can see what the bot would do with an
incident at any point of its life without GitLab. A snapshot file looks like:

    title: CI jobs stuck in pending
    now: 2026-12-03 15:00 UTC  # optional: the time the example is read at (plan --now wins)
    state: opened            # or closed
    labels: [incident, incident::active, severity::2, region::EMEA]
    confidential: false
    description: |
      ---
      severity: SEV2
      ...
      ---
    notes:                   # oldest first; author defaults to the bot
      - author: incident-bot
        created_at: 2026-12-03 14:10 UTC
        body: |
          ...
          <!-- incident-bot:initial-status-update:1 -->
    label_events:            # optional: who applied which label, when
      - {label: comms::status-update, user: alice, created_at: 2026-12-03 15:00 UTC}
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from .config import Config
from .errors import UserError
from .snapshot import IssueSnapshot, LabelEvent, trusted_note
from .timefmt import parse_time


def load_snapshot(path: str | Path, config: Config, now: datetime) -> IssueSnapshot:
    return load(path, config, now)[0]


def load(
    path: str | Path, config: Config, now: datetime | None
) -> tuple[IssueSnapshot, datetime | None]:
    """A snapshot from a file, and the time the file says it is read at (`now:`), if any."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise UserError(f"{path}: cannot read ({error.strerror})") from None
    if path.suffix.lower() in (".yml", ".yaml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            raise UserError(f"{path}: not valid YAML") from None
        if not isinstance(data, dict) or "description" not in data:
            raise UserError(f"{path}: a snapshot file needs at least `description:`")
        try:
            moment = now or parse_time(data.get("now"))
        except ValueError:
            raise UserError(f"{path}: `now` is not a time like 2026-12-03 15:00 UTC") from None
        moment = moment or datetime.now(UTC)
        try:
            return snapshot_from_dict(data, config, moment, default_title=path.stem), moment
        except UserError as error:
            raise UserError(f"{path}: {error}") from None
    moment = now or datetime.now(UTC)
    return snapshot_from_dict(
        {"description": text}, config, moment, default_title=path.stem
    ), moment


def snapshot_from_dict(
    data: dict[str, Any], config: Config, now: datetime, default_title: str = "Incident"
) -> IssueSnapshot:
    try:
        notes = tuple(
            trusted_note(
                id=index,
                author=str(note.get("author", config.bot_username)),
                body=str(note.get("body", "")),
                created_at=parse_time(note.get("created_at")) or now,
                bot_username=config.bot_username,
                system=bool(note.get("system", False)),
                internal=bool(note.get("internal", False)),
            )
            for index, note in enumerate(data.get("notes") or (), 1)
        )
        events = tuple(
            LabelEvent(
                id=index,
                label=str(event["label"]),
                action=str(event.get("action", "add")),
                user=str(event.get("user", "")),
                created_at=parse_time(event.get("created_at")) or now,
            )
            for index, event in enumerate(data.get("label_events") or (), 1)
        )
        return IssueSnapshot(
            project_id=data.get("project_id", 1),
            iid=int(data.get("iid", 1)),
            title=str(data.get("title", default_title)),
            description=str(data.get("description") or ""),
            state=str(data.get("state", "opened")),
            labels=tuple(data.get("labels") or ()),
            author=str(data.get("author", "")),
            assignees=tuple(data.get("assignees") or ()),
            confidential=bool(data.get("confidential", False)),
            created_at=parse_time(data.get("created_at")) or now,
            closed_at=parse_time(data.get("closed_at")),
            web_url=str(data.get("web_url", "")),
            notes=notes,
            label_events=events,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        what = f"missing {error}" if isinstance(error, KeyError) else str(error)
        raise UserError(
            f"snapshot file is not in the expected shape ({what}); the .yml files in examples/ "
            "show it"
        ) from None
