"""The scheduled scan: the bot's memory of time, and the safety net for lost webhooks.

GitLab sends no event when nothing happens, yet "nothing happened" is what the framework's
clock rules are about: an update not posted, a region's day ending without a handoff, a
resolved incident left open. A scheduled pipeline runs `incident-bot scan` every few minutes;
it reconciles every open incident with the same `reconcile` the webhook path uses (so whatever
a lost or failed delivery missed is repaired too), with the clock handed to `decide`.

Three passes, each one GraphQL request per page (gitlab_graphql.py):
1. open issues with the incident label: every running incident;
2. open issues without it, updated within the lookback: an incident whose filing webhook was
   lost never got its label, and only its front-matter says what it is;
3. incidents closed within the lookback: closing opens the postmortem action items.

Per incident, reads beyond the page happen only when needed: label events for the few whose
rules read them (comms requests, acknowledgements, two sibling labels), and the whole issue over
REST when its older comments (beyond the page's window) might change the decision. Whether they
might is judged by deciding on the window first: if that plan does nothing, the older comments
cannot add anything to it (a marker only ever stops an action), so only an incident that would
act, or one whose labels point at a note the window lacks, costs the extra reads.

One incident's failure (an exception, a write GitLab refused, a front-matter that needs fixing)
is reported and the scan goes on; note writes share one pacer across the whole scan.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from . import frontmatter
from . import gitlab_graphql as graphql
from .actions import AddLabels, Plan, RemoveLabels
from .config import Config
from .decide import decide
from .errors import UserError
from .gitlab_adapter import (
    NotePacer,
    needs_label_events,
    project_path,
    read_label_events,
    read_snapshot,
)
from .reconcile import reconcile
from .rules import closure, handoff_reminders, lifecycle
from .snapshot import IssueSnapshot
from .timefmt import format_time

log = logging.getLogger("incident_bot.scan")

DEFAULT_LOOKBACK = timedelta(hours=24)


@dataclass
class Outcome:
    """What the scan did with one incident."""

    iid: int
    title: str
    status: str  # "unchanged" | "acted" | "planned" (dry run) | "needs-info" | "failed"
    plan: Plan | None = None
    done: list[str] = field(default_factory=list)
    error: str = ""
    full_read: bool = False  # the whole issue was read over REST

    @property
    def ok(self) -> bool:
        return self.status in ("unchanged", "acted", "planned")

    def line(self) -> str:
        head = f"#{self.iid} {self.title}"
        if self.status == "failed":
            return f"{head}: FAILED: {self.error}"
        if self.status == "needs-info":
            return f"{head}: needs info: the front-matter is invalid ({self.error})"
        if self.status == "planned" and self.plan is not None:
            return f"{head}: would " + "; ".join(a.describe() for a in self.plan.actions)
        return f"{head}: " + "; ".join(self.done or ["nothing to do"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.iid,
            "title": self.title,
            "status": self.status,
            "ok": self.ok,
            "done": self.done,
            "error": self.error,
            "full_read": self.full_read,
            "plan": self.plan.to_dict() if self.plan is not None else None,
        }


@dataclass
class Report:
    project: str
    now: datetime
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # passes that could not be read to the end
    reads: int = 0
    writes: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and all(outcome.ok for outcome in self.outcomes)

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    def summary(self) -> str:
        acted = self.count("planned" if self.dry_run else "acted")
        verb = "would act on" if self.dry_run else "acted on"
        parts = [f"{len(self.outcomes)} incident(s)", f"{verb} {acted}"]
        if self.count("needs-info"):
            parts.append(f"{self.count('needs-info')} need(s) info")
        if self.count("failed"):
            parts.append(f"{self.count('failed')} failed")
        parts.extend(f"unread: {error}" for error in self.errors)
        return (
            f"scan of {self.project} at {format_time(self.now)}: {', '.join(parts)}; "
            f"{self.reads} read request(s), {self.writes} write(s), {self.seconds:.1f} s"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            "ok": self.ok,
            "incidents": [o.to_dict() for o in self.outcomes if o.status != "unchanged"],
            "errors": self.errors,
            "summary": {
                "incidents": len(self.outcomes),
                **{status: self.count(status) for status in _STATUSES},
                "read_requests": self.reads,
                "write_requests": self.writes,
                "seconds": round(self.seconds, 3),
            },
        }


_STATUSES = ("unchanged", "acted", "planned", "needs-info", "failed")


class RequestCounter:
    """Counts the HTTP requests a client makes: reads (GET, and GraphQL queries) and writes."""

    def __init__(self) -> None:
        self.reads = 0
        self.writes = 0

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        request = response.request
        if request.method == "GET" or request.url.rstrip("/").endswith("/api/graphql"):
            self.reads += 1
        else:
            self.writes += 1
        return response

    def attach(self, gl: Any) -> RequestCounter:
        gl.session.hooks.setdefault("response", []).append(self)
        return self

    def detach(self, gl: Any) -> None:
        hooks = gl.session.hooks.get("response", [])
        if self in hooks:
            hooks.remove(self)


def scan(
    gl: Any,
    project: int | str,
    config: Config,
    *,
    now: datetime,
    dry_run: bool = False,
    pacer: NotePacer | None = None,
    lookback: timedelta = DEFAULT_LOOKBACK,
    page_size: int = graphql.PAGE_SIZE,
    notes_window: int = graphql.NOTES_WINDOW,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Report:
    """Reconcile every open incident of `project` at `now`. Never raises for one incident."""
    started = time.monotonic()
    counter = RequestCounter().attach(gl)
    pacer = pacer or NotePacer(per_minute=config.notes_per_minute)
    try:
        path = project_path(gl, project)
        report = Report(path, now, dry_run)
        incident = config.labels.incident
        passes = (
            ("open incidents", graphql.Selection("opened", labels=(incident,))),
            (
                "unlabelled new issues",
                graphql.Selection(
                    "opened", without_labels=(incident,), updated_after=now - lookback
                ),
            ),
            (
                "recently closed incidents",
                graphql.Selection("closed", labels=(incident,), closed_after=now - lookback),
            ),
        )
        seen: set[int] = set()
        read_any = False
        for name, selection in passes:
            batches = graphql.pages(
                gl, path, selection, config, page_size=page_size, notes_window=notes_window
            )
            try:
                for page in batches:
                    read_any = True
                    for batched in page:
                        snapshot = batched.snapshot
                        if snapshot.iid in seen:
                            continue  # labelled by this scan between two passes
                        if not _is_incident(snapshot, incident):
                            continue
                        seen.add(snapshot.iid)
                        outcome = _one(gl, batched, config, now, dry_run, pacer)
                        report.outcomes.append(outcome)
                        if on_outcome is not None:
                            on_outcome(outcome)
            except UserError as error:
                if not read_any:
                    raise  # the very first page failed: nothing else would work either
                # A page that cannot be read hides the pages after it; the next run retries.
                log.warning("scan pass incomplete", extra={"pass": name, "error": str(error)})
                report.errors.append(f"{name}: {error}")
    finally:
        counter.detach(gl)
    report.reads, report.writes = counter.reads, counter.writes
    report.seconds = time.monotonic() - started
    return report


def _is_incident(snapshot: IssueSnapshot, label: str) -> bool:
    """Labelled, or (filed without the label) opening with the Support Response front-matter.

    The label spares parsing YAML, which is most of the scan's own time, for all but the few
    issues of the second pass.
    """
    return snapshot.has_label(label) or frontmatter.parse(snapshot.description).present


def _one(
    gl: Any,
    batched: graphql.BatchedIssue,
    config: Config,
    now: datetime,
    dry_run: bool,
    pacer: NotePacer,
) -> Outcome:
    snapshot = batched.snapshot
    outcome = Outcome(snapshot.iid, snapshot.title, "unchanged")
    try:
        snapshot, outcome.full_read = _complete(gl, batched, config, now)
        result = reconcile(
            gl,
            snapshot.project_id,
            snapshot.iid,
            config,
            dry_run=dry_run,
            now=now,
            snapshot=snapshot,
            pacer=pacer,
            recheck_notes=True,
        )
    except Exception as error:  # one incident's failure must not stop the scan
        if not isinstance(error, UserError):
            log.exception("scan failed on an incident", extra={"issue": snapshot.iid})
        outcome.status, outcome.error = "failed", _message(error)
        return outcome
    outcome.plan, outcome.done = result.plan, list(result.done)
    if not result.ok:
        outcome.status, outcome.error = "failed", result.message
    elif _needs_info(snapshot, result.plan, config) and not snapshot.closed:
        # The bot cannot keep the incident's clock until the description is fixed: that is
        # worth a red pipeline, not only the comment on the issue.
        outcome.status = "needs-info"
        outcome.error = "see the bot's comment on the issue"
    elif dry_run and result.plan.actions:
        outcome.status = "planned"
    elif outcome.done:
        outcome.status = "acted"
    return outcome


def _needs_info(snapshot: IssueSnapshot, plan: Plan, config: Config) -> bool:
    """Whether the issue carries the needs-info label once the plan is applied.

    The validation rule keeps that label exactly while the front-matter is invalid, so the
    scan need not parse the description again to know.
    """
    labels = set(snapshot.labels)
    for action in plan.actions:
        if isinstance(action, AddLabels):
            labels |= set(action.labels)
        elif isinstance(action, RemoveLabels):
            labels -= set(action.labels)
    return config.labels.needs_info in labels


def _complete(
    gl: Any, batched: graphql.BatchedIssue, config: Config, now: datetime
) -> tuple[IssueSnapshot, bool]:
    """The batched snapshot, completed where the decision may depend on what it lacks."""
    snapshot = batched.snapshot
    if not batched.notes_complete:
        whole = (
            needs_label_events(snapshot.labels, config)
            or _lacks_history(snapshot, config)
            or bool(decide(snapshot, config, now))
        )
        if whole:
            return read_snapshot(gl, snapshot.project_id, snapshot.iid, config), True
        return snapshot, False
    if needs_label_events(snapshot.labels, config):
        events = read_label_events(gl, snapshot.project_id, snapshot.iid)
        snapshot = replace(snapshot, label_events=events)
    return snapshot, False


def _lacks_history(snapshot: IssueSnapshot, config: Config) -> bool:
    """A label that a rule pairs with a note the window does not hold.

    Without the note such a rule does nothing, so deciding on the window would not show that
    the older comments matter: an unacknowledged handoff whose handoff note is older, or a
    resolved incident whose resolution note is.
    """
    labels = config.labels
    kinds = {note.marker.kind for note in snapshot.notes if note.marker is not None}
    if labels.handoff["pending"] in snapshot.labels and handoff_reminders.HANDOFF_KIND not in kinds:
        return True
    resolution = {lifecycle.KIND, *closure.RESOLUTION_KINDS}
    return labels.state["resolved"] in snapshot.labels and not kinds & resolution


def _message(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if isinstance(error, UserError) else f"{type(error).__name__}: {text}"


__all__ = ["DEFAULT_LOOKBACK", "Outcome", "Report", "RequestCounter", "scan"]
