"""`incident-bot scan`: the scheduled pass over every open incident (see automation/scan.py)."""

from __future__ import annotations

import os

import click

from .common import config_option, parse_now, user_errors


def _default_project() -> str | None:
    # A path saves the request that would look it up from an ID (GraphQL names projects by path).
    return os.environ.get("CI_PROJECT_PATH") or os.environ.get("CI_PROJECT_ID")


@click.command()
@click.option(
    "--project",
    default=_default_project,
    help="Project path or ID (default: $CI_PROJECT_PATH, else $CI_PROJECT_ID).",
)
@click.option("--dry-run", is_flag=True, help="Print what would be done; change nothing.")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report instead of lines.")
@click.option(
    "--lookback-hours",
    default=24,
    show_default=True,
    type=click.IntRange(min=1, max=24 * 30),
    help="Also repair issues filed without the incident label, and incidents closed, this recent.",
)
@click.option(
    "--now",
    default=None,
    help="Pretend it is this UTC time (YYYY-MM-DD HH:MM UTC); for rehearsals against a sandbox.",
)
@user_errors
def scan(
    project: str | None,
    dry_run: bool,
    config_path: str | None,
    as_json: bool,
    lookback_hours: int,
    now: str | None,
) -> None:
    """Reconcile every open incident and apply the clock's rules: overdue status updates,
    regional handoffs, resolved incidents left open.

    Prints one line per incident acted on, then a summary. Exit 0 when every incident was
    handled, 1 when one failed or needs its front-matter fixed (the others are still handled),
    2 on a usage error.
    """
    import json
    import sys
    from datetime import timedelta

    from .. import scan as scanning
    from ..config import load_config
    from ..gitlab_adapter import connect
    from .common import require_project

    config = load_config(config_path)
    moment = parse_now(now)
    target = require_project(project)
    gl = connect()

    def show(outcome: scanning.Outcome) -> None:
        if not as_json and outcome.status != "unchanged":
            click.echo(outcome.line())

    report = scanning.scan(
        gl,
        target,
        config,
        now=moment,
        dry_run=dry_run,
        lookback=timedelta(hours=lookback_hours),
        on_outcome=show,
    )
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        for error in report.errors:
            click.echo(f"error: {error}", err=True)
        click.echo(report.summary())
    sys.exit(0 if report.ok else 1)
