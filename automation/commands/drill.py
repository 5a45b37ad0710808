"""`incident-bot drill`: a whole incident against the embedded sandbox (see automation/drill.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .common import config_option, user_errors

if TYPE_CHECKING:
    from types import ModuleType


@click.command()
@click.argument("scenario", required=False)
@click.option(
    "--out",
    "out_dir",
    default="drill-out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Directory for the transcript (transcript.md and transcript.html).",
)
@click.option("--quiet", is_flag=True, help="Print only the outcome, not the transcript.")
@click.option("--list", "list_only", is_flag=True, help="List the shipped scenarios and exit.")
@config_option
@user_errors
def drill(
    scenario: str | None, out_dir: str, quiet: bool, list_only: bool, config_path: str | None
) -> None:
    """Play SCENARIO (a shipped scenario's name, or a .yml file; default: full-incident) against
    the embedded GitLab sandbox, through the webhook receiver and the bot's real code, and print
    the incident thread as people would see it.

    Needs no GitLab, no token and no network. Exit 0 when everything the scenario expects
    happened, 1 when something did not (each is listed), 2 when the scenario cannot be read.
    """
    import sys
    from pathlib import Path

    from .. import drill as drilling
    from ..config import load_config
    from ..drill_render import render_text
    from ..errors import UsageError

    if list_only:
        _list(drilling)
        return
    path = drilling.find(scenario)
    played = drilling.load(path)
    config = load_config(config_path)
    result = drilling.run(played, config)
    transcript = result.transcript
    if not quiet:
        click.echo(render_text(transcript))
    click.echo(f"{transcript.summary()} ({result.seconds:.1f} s)")
    for step, check in transcript.failures():
        click.echo(f"  not met: step {step.number} at {step.at:%H:%M}: {check.line()}")
    try:
        files = drilling.write(result, Path(out_dir))
    except OSError as error:
        raise UsageError(
            f"--out {out_dir}: cannot write the transcript ({error.strerror})"
        ) from None
    click.echo("transcript: " + ", ".join(str(path) for path in files))
    sys.exit(0 if result.ok else 1)


def _list(drilling: ModuleType) -> None:
    import textwrap

    from ..drill_scenario import ScenarioError

    for path in drilling.shipped():
        try:
            scenario = drilling.load(path)
        except ScenarioError as error:
            click.echo(f"{path.stem:<20}(unreadable: {error})")
            continue
        click.echo(f"{path.stem:<20}{scenario.title} ({len(scenario.steps)} steps)")
        for line in textwrap.wrap(scenario.description, 76):
            click.echo(" " * 20 + line)
