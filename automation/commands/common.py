"""Options and helpers shared by commands. Imports only click at module level."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Configuration file (default: .gitlab/incident-bot.yml if present, else the defaults).",
)
project_option = click.option(
    "--project",
    default=lambda: os.environ.get("CI_PROJECT_ID"),
    help="Project ID or path (default: $CI_PROJECT_ID).",
)


def user_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Print a UserError as one line on stderr and exit with its code: no traceback."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import UserError

        try:
            return function(*args, **kwargs)
        except UserError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper


def require_project(project: str | None) -> int | str:
    from ..errors import UsageError

    if not project:
        raise UsageError("no project: pass --project ID or set CI_PROJECT_ID")
    return int(project) if project.isdigit() else project


def parse_now(value: str | None, *, default_now: bool = True) -> Any:
    """The `--now` option as an aware UTC datetime; the real clock when it is not given."""
    from datetime import UTC, datetime

    from ..errors import UsageError
    from ..timefmt import parse_time

    if value is None:
        return datetime.now(UTC) if default_now else None
    try:
        return parse_time(value)
    except ValueError as error:
        raise UsageError(f"--now: {error}") from None


def report(result: Any) -> None:
    """Print a reconcile result: the plan, what was done, and one line if it fell short."""
    click.echo(str(result.plan))
    for line in result.done:
        click.echo(f"done: {line}")
    if not result.ok:
        click.echo(f"error: {result.message}", err=True)
        raise SystemExit(1)
