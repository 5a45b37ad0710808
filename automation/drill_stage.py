"""Where a drill plays: the embedded sandbox and the webhook receiver, wired as in production.

    sandbox (GitLab stand-in) ──webhook──> receiver (`serve`'s app, uvicorn on loopback)
        ^                                      │ worker thread: the production handler
        └──────── python-gitlab, bot token ────┘ (reconcile: read, decide, apply)

People act through python-gitlab with their own tokens; the sandbox records each change and
sends its webhook; the receiver answers and reconciles on a worker thread, with the very handler
`incident-bot serve` uses, on the sandbox's clock. `settle()` waits until all of that is over,
so whoever drives the stage (a drill, a test, a benchmark) can look at the result.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

from .config import Config
from .gitlab_adapter import NotePacer, connect
from .sandbox import INCIDENTS_PROJECT, INCIDENTS_PROJECT_ID, Sandbox
from .sandbox.seed import BOT_USERNAME, REPORTER

# Reads the thread the way a team member does, without counting as anyone in the story.
OBSERVER = "drill-observer"
# The clock stands still while the bot writes, so pacing notes by real time would only wait.
UNPACED = 10**6


class StageError(Exception):
    """The stage itself failed: a delivery or a reconcile that did not finish in time."""


class Stage:
    """A sandbox at `start` with the receiver attached. Use as a context manager.

    `config` is the team's configuration; the bot's username is the sandbox's, the tier the
    sandbox's (`tier` or the configuration's), and notes are not paced (see UNPACED).
    """

    def __init__(
        self,
        config: Config,
        *,
        start: datetime | None = None,
        tier: str | None = None,
        workers: int = 4,
        note_rate_per_minute: int | None = None,
    ) -> None:
        tier = tier or config.tier
        self.config = replace(
            config, bot_username=BOT_USERNAME, tier=tier, notes_per_minute=UNPACED
        )
        self.sandbox = Sandbox(tier=tier, note_rate_per_minute=note_rate_per_minute)
        if start is not None:
            self.sandbox.clock.set(start)
        self.workers = workers
        self.project_id = INCIDENTS_PROJECT_ID
        self.project_path = INCIDENTS_PROJECT
        self._clients: dict[str, Any] = {}
        self._server: Any = None
        self.receiver: Any = None

    # Life cycle -------------------------------------------------------------------------------

    def start(self) -> Stage:
        from .commands.serve import reconciler
        from .server import create_app, serve_in_thread

        self.sandbox.start()
        self.sandbox.add_user(OBSERVER, REPORTER)
        secret = secrets.token_urlsafe(24)
        handle = reconciler(self.config, connect=self.bot_client, clock=self.sandbox.clock.now)
        app = create_app(
            secret,
            self.config.bot_username,
            handle,
            workers=self.workers,
            incident_label=self.config.labels.incident,
        )
        self.receiver = app.state.receiver
        self._server = serve_in_thread(app)
        self.sandbox.set_webhook(f"{self._server.url}/webhook", secret)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self.sandbox.stop()

    def __enter__(self) -> Stage:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Who acts ---------------------------------------------------------------------------------

    def bot_client(self) -> Any:
        """A client as production builds it (`connect`), with the bot's token."""
        return connect(self.sandbox.url, self.sandbox.bot_token, timeout=10)

    def client(self, username: str) -> Any:
        """A python-gitlab client acting as `username` (cached)."""
        if username not in self._clients:
            self._clients[username] = self.sandbox.client_for(username)
        return self._clients[username]

    def project(self, username: str, project_id: int | None = None) -> Any:
        return self.client(username).projects.get(project_id or self.project_id, lazy=True)

    @property
    def now(self) -> datetime:
        return self.sandbox.clock.now()

    def set_time(self, moment: datetime) -> None:
        self.sandbox.clock.set(moment)

    def sync_labels(self) -> None:
        """Create the label taxonomy, as a team does once with `incident-bot labels sync`."""
        from . import gitlab_adapter
        from .labels_sync import plan, sync, taxonomy

        bot = self.bot_client()
        changes = plan(taxonomy(self.config), gitlab_adapter.project_labels(bot, self.project_id))
        sync(
            changes,
            create=lambda name, colour, text: gitlab_adapter.create_label(
                bot, self.project_id, name, colour, text
            ),
            update=lambda label_id, colour, text: gitlab_adapter.update_label(
                bot, self.project_id, label_id, colour, text
            ),
        )

    # Waiting for the bot ----------------------------------------------------------------------

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until every webhook was delivered and every event it queued was reconciled.

        The bot's own writes fire webhooks too; the receiver ignores them at once (they are
        the bot's events), so one more flush after the queue is idle sends the last of them.
        """
        import time

        deadline = time.monotonic() + timeout
        while True:
            left = max(0.0, deadline - time.monotonic())
            if not self.sandbox.flush_webhooks(left):
                raise StageError(f"webhook deliveries still queued after {timeout:g} s")
            if not self.receiver.wait_idle(max(0.0, deadline - time.monotonic())):
                raise StageError(f"the receiver was still reconciling after {timeout:g} s")
            if self.sandbox.flush_webhooks(0):
                return

    def reconcile_failures(self) -> int:
        """Reconciles the receiver ran that raised, so far."""
        sample = self.receiver.metrics.registry.get_sample_value("incident_bot_events_failed_total")
        return int(sample or 0)

    def scan(self, now: datetime | None = None) -> Any:
        """The scheduled scan (`incident-bot scan`) at the sandbox's time, as the bot."""
        from . import scan as scanning

        return scanning.scan(
            self.bot_client(),
            self.project_path,
            self.config,
            now=now or self.now,
            pacer=NotePacer(per_minute=UNPACED),
        )


class LogCapture(logging.Handler):
    """Collects the bot's warnings and errors during a drill instead of printing them, so the
    drill can report them with the step they belong to."""

    NAMES = ("incident_bot", "automation")

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self._saved: list[tuple[logging.Logger, bool]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        """The messages collected since the last call."""
        taken, self.records = self.records, []
        return [_describe(record) for record in taken]

    def __enter__(self) -> LogCapture:
        for name in self.NAMES:
            logger = logging.getLogger(name)
            self._saved.append((logger, logger.propagate))
            logger.addHandler(self)
            logger.propagate = False
        return self

    def __exit__(self, *exc_info: object) -> None:
        for logger, propagate in self._saved:
            logger.removeHandler(self)
            logger.propagate = propagate
        self._saved.clear()


def _describe(record: logging.LogRecord) -> str:
    text = record.getMessage()
    extra = {
        key: value
        for key, value in record.__dict__.items()
        if key in ("iid", "issue", "error", "reason", "status", "marker")
    }
    if extra:
        text += " (" + ", ".join(f"{key}={value}" for key, value in extra.items()) + ")"
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        text += f": {type(error).__name__}: {error}"
    return text


__all__ = ["OBSERVER", "LogCapture", "Stage", "StageError"]
