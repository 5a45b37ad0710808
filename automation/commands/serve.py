"""`incident-bot serve`: receive GitLab webhooks and reconcile the incidents they concern."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from .common import config_option, user_errors

if TYPE_CHECKING:
    from datetime import datetime

    from ..config import Config
    from ..events import Event
    from ..gitlab_adapter import NotePacer

SECRET_VARIABLE = "INCIDENT_BOT_WEBHOOK_SECRET"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@config_option
@click.option(
    "--workers",
    default=4,
    show_default=True,
    type=click.IntRange(min=1),
    help="Threads reconciling events; one issue never runs on two at once.",
)
@click.option(
    "--queue-size",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Events that may wait for a worker; beyond it they are dropped (and counted).",
)
@click.option(
    "--max-body-bytes",
    default=25 * 1024 * 1024,
    show_default=True,
    type=click.IntRange(min=1024),
    help="Largest delivery accepted (GitLab sends up to 25 MB).",
)
@user_errors
def serve(
    host: str,
    port: int,
    config_path: str | None,
    workers: int,
    queue_size: int,
    max_body_bytes: int,
) -> None:
    """Receive GitLab webhooks on POST /webhook and reconcile each incident they touch.

    Needs INCIDENT_BOT_WEBHOOK_SECRET (the webhook's secret token), GITLAB_URL and GITLAB_TOKEN.
    Also serves GET /healthz and GET /metrics (Prometheus). Stops gracefully on SIGTERM,
    finishing the queued work first.
    """
    import logging
    import os

    from .. import logjson
    from ..config import load_config
    from ..errors import UserError
    from ..gitlab_adapter import connect
    from ..server import create_app
    from ..server import serve as run

    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret:
        raise UserError(f"{SECRET_VARIABLE} is not set: export the webhook's secret token")
    config = load_config(config_path)
    connect()  # fail now, not on the first delivery, when GitLab or the token is wrong
    logjson.configure(secrets=(secret, os.environ.get("GITLAB_TOKEN")))
    app = create_app(
        secret,
        config.bot_username,
        reconciler(config),
        workers=workers,
        queue_size=queue_size,
        max_body_bytes=max_body_bytes,
        incident_label=config.labels.incident,
    )
    logging.getLogger("incident_bot.server").info(
        "listening", extra={"host": host, "port": port, "workers": workers}
    )
    run(app, host, port)


def reconciler(
    config: Config,
    *,
    connect: Callable[[], Any] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Callable[[Event], None]:
    """`handle(event)` for the receiver: reconcile the event's issue.

    Each worker thread gets its own python-gitlab client (a requests session is not meant to be
    shared across threads). Notes are paced across all workers together, since GitLab's limit
    on note creation is per account.

    `connect` (default: GITLAB_URL and GITLAB_TOKEN) and `clock` (default: real time) let a
    drill run this very handler against the sandbox, on the sandbox's clock.
    """
    import threading

    from .. import gitlab_adapter
    from ..gitlab_adapter import NotePacer
    from ..reconcile import reconcile

    local = threading.local()
    pacer = _SharedPacer(NotePacer(per_minute=config.notes_per_minute))
    client = connect or gitlab_adapter.connect

    def handle(event: Event) -> None:
        gl = getattr(local, "gl", None)
        if gl is None:
            gl = local.gl = client()
        # Passed only when set: without it `reconcile` reads real time itself.
        at = {"now": clock()} if clock is not None else {}
        result = reconcile(gl, event.project_id, event.iid, config, pacer=pacer, **at)
        if not result.ok:
            raise ReconcileFailed(result.message)

    return handle


class ReconcileFailed(Exception):
    """A reconcile that could not finish; the receiver counts it and the next run retries."""


class _SharedPacer:
    """A NotePacer made safe to share between worker threads."""

    def __init__(self, pacer: NotePacer) -> None:
        import threading

        self._pacer = pacer
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            self._pacer.wait()
