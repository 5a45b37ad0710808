"""`incident-bot labels sync`: create or update the label taxonomy in a GitLab project."""

from __future__ import annotations

import click

from .common import config_option, project_option, require_project, user_errors


@click.group()
def labels() -> None:
    """Manage the labels the bot and the Support Response template use."""


@labels.command()
@project_option
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@config_option
@user_errors
def sync(project: str | None, dry_run: bool, config_path: str | None) -> None:
    """Create or update every label of the configuration: names, colours, descriptions.

    GitLab creates any label it does not know when one is applied, so a misspelt name makes a
    new label; syncing first makes every label the bot applies exist as configured. Labels owned
    by a group are left as they are.
    """
    from .. import gitlab_adapter
    from ..config import load_config
    from ..labels_sync import plan, sync, taxonomy

    config = load_config(config_path)
    target = require_project(project)
    gl = gitlab_adapter.connect()
    changes = plan(taxonomy(config), gitlab_adapter.project_labels(gl, target))
    if not dry_run:
        sync(
            changes,
            create=lambda name, colour, text: gitlab_adapter.create_label(
                gl, target, name, colour, text
            ),
            update=lambda label_id, colour, text: gitlab_adapter.update_label(
                gl, target, label_id, colour, text
            ),
        )
    for change in changes:
        click.echo(change.describe(dry_run))
    counts = {action: sum(c.action == action for c in changes) for action in ("create", "update")}
    verb = "would change" if dry_run else "changed"
    click.echo(f"{len(changes)} labels: {verb} {counts['create']} new, {counts['update']} updated")
