"""`incident-bot handle-event`: the CI job of pipeline-trigger mode.

A webhook pointed at a pipeline trigger URL starts a pipeline whose job finds the webhook body
in the file variable `TRIGGER_PAYLOAD`. Most deliveries are not about incidents, so this command
decides that before importing anything it does not need: each job is a fresh process.
"""

from __future__ import annotations

import click

from .common import config_option, report, user_errors


@click.command("handle-event")
@click.option(
    "--payload-file",
    envvar="TRIGGER_PAYLOAD",
    type=click.Path(dir_okay=False),
    help="The webhook body (default: $TRIGGER_PAYLOAD, set by GitLab in a triggered pipeline).",
)
@click.option("--dry-run", is_flag=True, help="Print what would be done; change nothing.")
@click.option(
    "--child-pipeline",
    "child_pipeline",
    type=click.Path(dir_okay=False, writable=True),
    help="Do not reconcile: write the child pipeline that handles this event in its incident's "
    "own resource group (see .gitlab-ci.yml), and copy the payload to payload.json beside it.",
)
@config_option
@user_errors
def handle_event(
    payload_file: str | None, dry_run: bool, child_pipeline: str | None, config_path: str | None
) -> None:
    """Reconcile the incident a webhook body is about; ignore (exit 0) one that is not.

    Exit 1 when reconciling failed, 2 when the payload cannot be read or is not valid JSON.
    """
    from .. import events
    from ..config import load_config
    from ..errors import UsageError

    if not payload_file:
        raise UsageError(
            "no payload: pass --payload-file FILE, or run in a pipeline a webhook triggered "
            "(GitLab then sets TRIGGER_PAYLOAD)"
        )
    try:
        with open(payload_file, "rb") as handle:
            body = handle.read(events.DEFAULT_MAX_BODY_BYTES + 1)
    except OSError as error:
        raise UsageError(f"{payload_file}: cannot read the payload ({error.strerror})") from None
    if len(body) > events.DEFAULT_MAX_BODY_BYTES:
        raise UsageError(f"{payload_file}: payload over {events.DEFAULT_MAX_BODY_BYTES} bytes")
    config = load_config(config_path)
    try:
        outcome = events.from_payload(
            body, bot_username=config.bot_username, incident_label=config.labels.incident
        )
    except events.MalformedPayload as error:
        raise UsageError(f"{payload_file}: {error}") from None
    if child_pipeline:
        _write_child(child_pipeline, body, outcome, dry_run)
        return
    if isinstance(outcome, events.Ignored):
        click.echo(f"ignored: {outcome.reason}")
        return

    from ..gitlab_adapter import connect
    from ..reconcile import reconcile

    event = outcome
    click.echo(
        f"{event.hook} ({event.action or 'no action'}) by {event.username or 'unknown'}: "
        f"project {event.project_id} issue #{event.iid}"
    )
    report(reconcile(connect(), event.project_id, event.iid, config, dry_run=dry_run))


def _write_child(path: str, body: bytes, outcome: object, dry_run: bool) -> None:
    from pathlib import Path

    from .. import ci_child, events
    from ..errors import UsageError

    target = Path(path)
    if isinstance(outcome, events.Ignored):
        text = ci_child.ignored(outcome.reason)
        said = f"ignored: {outcome.reason}"
    else:
        text = ci_child.for_event(outcome.project_id, outcome.iid, dry_run=dry_run)
        group = ci_child.resource_group(outcome.project_id, outcome.iid)
        said = f"project {outcome.project_id} issue #{outcome.iid}: resource group {group}"
    try:
        target.write_text(text, encoding="utf-8")
        (target.parent / "payload.json").write_bytes(body)
    except OSError as error:
        raise UsageError(f"{path}: cannot write the child pipeline ({error.strerror})") from None
    click.echo(said)
