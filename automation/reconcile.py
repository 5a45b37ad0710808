"""`reconcile()`: read the issue, decide, apply. Every entry point ends here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .actions import Plan
from .config import Config
from .decide import decide
from .gitlab_adapter import Applier, NotePacer, WriteFailed, read_snapshot, translate_errors
from .snapshot import IssueSnapshot

log = logging.getLogger("incident_bot.reconcile")


@dataclass
class Result:
    plan: Plan
    applied: bool = False
    ok: bool = True
    message: str = ""
    done: list[str] = field(default_factory=list)


def reconcile(
    gl: Any,
    project_id: int | str,
    iid: int,
    config: Config,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    snapshot: IssueSnapshot | None = None,
    pacer: NotePacer | None = None,
    recheck_notes: bool = False,
) -> Result:
    """Bring one issue in line with the framework. Safe to repeat, retry or run twice at once."""
    now = now or datetime.now(UTC)
    if snapshot is None:
        snapshot = read_snapshot(gl, project_id, iid, config)
    plan = decide(snapshot, config, now)
    if dry_run or not plan:
        return Result(plan, message="dry run" if dry_run else "nothing to do")
    applier = Applier(gl, config, pacer=pacer, recheck_notes=recheck_notes)
    try:
        with translate_errors(gl.url, project_id, iid):
            done = applier.apply(plan, snapshot)
    except WriteFailed as error:
        log.warning("apply incomplete", extra={"issue": f"{project_id}#{iid}", "error": str(error)})
        return Result(plan, applied=True, ok=False, message=str(error), done=applier.done)
    return Result(plan, applied=True, message=f"{len(done)} change(s)", done=done)
