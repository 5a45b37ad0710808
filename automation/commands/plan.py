"""`incident-bot plan` and `incident-bot apply`: what the bot would do, and doing it."""

from __future__ import annotations

import click

from .common import (
    config_option,
    parse_now,
    project_option,
    report,
    require_project,
    user_errors,
)

now_option = click.option(
    "--now",
    default=None,
    help="Pretend it is this UTC time (YYYY-MM-DD HH:MM UTC); for rehearsals and examples.",
)


@click.command()
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(dir_okay=False),
    help="Offline: a description (.md) or an issue snapshot (.yml) instead of a live issue.",
)
@project_option
@click.option("--issue", type=int, help="Issue IID (with --project).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@config_option
@now_option
@user_errors
def plan(
    from_file: str | None,
    project: str | None,
    issue: int | None,
    as_json: bool,
    config_path: str | None,
    now: str | None,
) -> None:
    """Print what the bot would do with an incident; changes nothing."""
    from ..config import load_config
    from ..decide import decide
    from ..errors import UsageError

    config = load_config(config_path)
    moment = parse_now(now)
    if from_file:
        from ..examples import load

        snapshot, moment = load(from_file, config, None if now is None else moment)
        result = decide(snapshot, config, moment)
    elif issue is not None:
        from ..gitlab_adapter import connect
        from ..reconcile import reconcile

        target = require_project(project)
        result = reconcile(connect(), target, issue, config, dry_run=True, now=moment)
        result = result.plan
    else:
        raise UsageError("give --from-file FILE, or --project ID --issue IID")
    click.echo(result.to_json() if as_json else str(result))


@click.command()
@project_option
@click.option("--issue", type=int, required=True, help="Issue IID.")
@config_option
@user_errors
def apply(project: str | None, issue: int, config_path: str | None) -> None:
    """Bring one incident in line with the framework (what `plan` prints, done)."""
    from ..config import load_config
    from ..gitlab_adapter import connect
    from ..reconcile import reconcile

    config = load_config(config_path)
    target = require_project(project)
    report(reconcile(connect(), target, issue, config))
