"""`incident-bot sandbox`: run the embedded GitLab stand-in for demos, drills and manual testing."""

from __future__ import annotations

import click

from .common import user_errors


@click.group()
def sandbox() -> None:
    """The embedded GitLab sandbox: GitLab's REST API v4 for the bot, with no GitLab."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=0,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free port).",
)
@click.option(
    "--db",
    default=":memory:",
    show_default=True,
    help="SQLite file to keep the state in across restarts.",
)
@click.option(
    "--tier",
    type=click.Choice(["free", "premium"]),
    default="free",
    show_default=True,
    help="free: scoped labels not exclusive, one assignee; premium: both enforced.",
)
@click.option("--webhook-url", default=None, help="Where to deliver Issue and Note Hooks.")
@click.option("--webhook-secret", default=None, help="Sent as X-Gitlab-Token.")
@click.option(
    "--note-rate",
    type=int,
    default=None,
    help="Note creations allowed per user per minute (gitlab.com: 60). Default: no limit.",
)
@user_errors
def serve(
    host: str,
    port: int,
    db: str,
    tier: str,
    webhook_url: str | None,
    webhook_secret: str | None,
    note_rate: int | None,
) -> None:
    """Serve the sandbox until interrupted; prints its URL and every account's token."""
    import sqlite3
    import threading

    from automation.sandbox import BOT_USERNAME, INCIDENTS_PROJECT, Sandbox

    from ..errors import UserError

    try:
        instance = Sandbox(
            db=db,
            tier=tier,
            note_rate_per_minute=note_rate,
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            host=host,
            port=port,
        ).start()
    except sqlite3.Error as error:
        raise UserError(f"--db {db}: cannot open the database ({error})") from None
    except OSError as error:
        raise UserError(f"cannot listen on {host}:{port} ({error.strerror})") from None
    tokens = instance.tokens()
    click.echo(f"GitLab sandbox at {instance.url} ({tier} tier)")
    click.echo(f"  project      {instance.url}/{INCIDENTS_PROJECT} (id 1)")
    click.echo(f"  bot token    {tokens[BOT_USERNAME]}  ({BOT_USERNAME})")
    for username, token in tokens.items():
        if username != BOT_USERNAME:
            click.echo(f"  {username:<12} {token}")
    click.echo(f"  webhook      {webhook_url or '(none: deliveries are recorded, not sent)'}")
    click.echo(f"  admin        {instance.url}/-/sandbox")
    click.echo("Press Ctrl-C to stop.")
    stopped = threading.Event()
    try:
        stopped.wait()
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        instance.stop()
