"""`incident-bot render`: show a template as the bot would post it, to review or to copy."""

from __future__ import annotations

from typing import Any

import click

from .common import config_option, parse_now, project_option, require_project, user_errors


@click.command()
@click.argument("name", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the templates and their purpose.")
@click.option(
    "--data",
    "data_path",
    type=click.Path(dir_okay=False),
    help="Fill the template from a YAML file in the shape of the context (see docs/templates.md).",
)
@project_option
@click.option(
    "--issue", type=int, help="Fill the template from this live incident (with --project)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "slack"]),
    default="markdown",
    show_default=True,
    help="GitLab Markdown, or Slack mrkdwn to paste into a channel.",
)
@click.option(
    "--templates",
    "templates_path",
    type=click.Path(file_okay=False),
    default=None,
    help="The team's template directory (default: .gitlab/incident-bot/templates if present).",
)
@click.option("--now", default=None, help="Pretend it is this UTC time (YYYY-MM-DD HH:MM UTC).")
@config_option
@user_errors
def render(
    name: str | None,
    list_only: bool,
    data_path: str | None,
    project: str | None,
    issue: int | None,
    fmt: str,
    templates_path: str | None,
    now: str | None,
    config_path: str | None,
) -> None:
    """Print template NAME (a name from --list, or the seed's title) with every field filled.

    With no source every field shows its placeholder; --data fills it from a file, --issue from
    a live incident (both: the file completes the incident).
    """
    from ..errors import UsageError
    from ..render import list_templates
    from ..render import render as render_template

    if list_only:
        rows = list_templates(templates_path)
        width = max(len(row[0]) for row in rows)
        for template, purpose, _kind in rows:
            click.echo(f"{template:<{width}}  {purpose}")
        return
    if not name:
        raise UsageError("name a template (see `incident-bot render --list`)")
    from ..config import load_config

    config = load_config(config_path)
    context = _context(config, data_path, project, issue, now)
    text = render_template(
        name,
        context,
        fmt=fmt,
        overrides=templates_path,
        allow_group_mentions=config.allow_group_mentions,
    )
    click.echo(text, nl=False)


def _context(
    config: Any, data_path: str | None, project: str | None, issue: int | None, now: str | None
) -> dict[str, Any]:
    from datetime import UTC, datetime

    from ..context import context_from_data, placeholder_context

    moment = parse_now(now, default_now=False)
    if issue is None and data_path is None:
        context = placeholder_context(config)
        context["now"] = moment
        return context
    moment = moment or datetime.now(UTC)
    base = _live(config, project, issue, moment) if issue is not None else None
    if data_path is None:
        return base
    from ..errors import UserError

    data = _read_data(data_path)
    try:
        return context_from_data(data, config=config, now=moment, base=base)
    except UserError as error:
        raise UserError(f"{data_path}: {error}") from None


def _live(config: Any, project: str | None, issue: int, now: Any) -> dict[str, Any]:
    from .. import frontmatter
    from ..context import context_for
    from ..gitlab_adapter import connect, read_snapshot

    gl = connect()
    snapshot = read_snapshot(gl, require_project(project), issue, config)
    front = frontmatter.parse(snapshot.description)
    errors = [{"path": e.path, "line": e.line, "message": e.message} for e in front.errors]
    return context_for(snapshot, front.incident, config, now, validation={"errors": errors})


def _read_data(path: str) -> Any:
    import yaml

    from ..errors import UsageError, UserError

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle.read(2_000_000))
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark else ""
        raise UserError(f"{path}:{where} not valid YAML") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text") from None
    return data if data is not None else {}
