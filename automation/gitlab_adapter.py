"""The only module that talks to GitLab: it reads snapshots and applies plans idempotently.

Idempotency rests on markers. Before a note or an issue is written, the adapter looks for the
marker it would carry; after a write whose outcome is unknown (a 5xx, a timeout, a dropped
connection) it looks again instead of retrying blindly, so a 502 after which the note did land
never gives two notes. python-gitlab's own retry of transient errors is therefore off; its
handling of 429 (which means the request was not processed) stays on.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import gitlab
import requests
from gitlab import exceptions as gle

from . import markers
from .actions import (
    Action,
    AddLabels,
    Assign,
    CreateIssue,
    Plan,
    PostNote,
    RemoveLabels,
    SetConfidential,
)
from .config import Config
from .errors import UserError
from .snapshot import IssueSnapshot, LabelEvent, same_user, trusted_note
from .timefmt import parse_time

log = logging.getLogger("incident_bot.gitlab")

# A write GitLab may or may not have carried out: check before trying again.
_UNKNOWN_OUTCOME = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class WriteFailed(Exception):
    """A write GitLab refused or that could not be confirmed; the next run will try again."""


def connect(url: str | None = None, token: str | None = None, *, timeout: float = 30) -> Any:
    """A python-gitlab client from GITLAB_URL and GITLAB_TOKEN, checked with one request."""
    url = url or os.environ.get("GITLAB_URL")
    token = token or os.environ.get("GITLAB_TOKEN")
    if not url:
        raise UserError("GITLAB_URL is not set: export GITLAB_URL=https://gitlab.example.com")
    if not token:
        raise UserError("GITLAB_TOKEN is not set: export a project access token with api scope")
    gl = gitlab.Gitlab(
        url,
        private_token=token,
        timeout=timeout,
        retry_transient_errors=False,
        per_page=100,
    )
    with translate_errors(url=url):
        gl.auth()
    return gl


class translate_errors:
    """Turn GitLab and network failures into one-line UserErrors."""

    def __init__(self, url: str | None = None, project: Any = None, iid: Any = None):
        self.url, self.project, self.iid = url, project, iid

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        if error is None:
            return False
        if isinstance(error, gle.GitlabAuthenticationError):
            raise UserError(
                "GitLab rejected the token (401): check GITLAB_TOKEN and that it has the api scope"
            ) from None
        if isinstance(error, gle.GitlabError) and error.response_code == 403:
            raise UserError(
                "GitLab refused (403): the token's account needs at least the Reporter role "
                "on the project"
            ) from None
        if isinstance(error, gle.GitlabError) and error.response_code == 404:
            what = f"project {self.project}" if self.project is not None else "the resource"
            if self.iid is not None:
                what += f" issue {self.iid}"
            raise UserError(
                f"GitLab has no {what} (404), or the token cannot see it: check the project "
                "and issue given, and the token's access"
            ) from None
        if isinstance(error, requests.exceptions.RequestException):
            where = self.url or "GitLab"
            raise UserError(f"cannot reach {where}: check GITLAB_URL and the network") from None
        if isinstance(error, gle.GitlabError):
            raise UserError(
                f"GitLab answered {error.response_code}: {error.error_message}"
            ) from None
        return False


def read_snapshot(gl: Any, project_id: int | str, iid: int, config: Config) -> IssueSnapshot:
    """Read an issue, its notes and, when a rule needs them, its label events."""
    with translate_errors(gl.url, project_id, iid):
        project = gl.projects.get(project_id, lazy=True)
        issue = project.issues.get(iid)
        notes = issue.notes.list(get_all=True, sort="asc", order_by="created_at")
        attributes = issue.attributes
        labels = tuple(attributes.get("labels") or ())
        events: tuple[LabelEvent, ...] = ()
        if needs_label_events(labels, config):
            events = tuple(
                _label_event(event.attributes)
                for event in issue.resourcelabelevents.list(get_all=True)
                if event.attributes.get("label")
            )
    return snapshot_from_api(attributes, [n.attributes for n in notes], events, config)


def needs_label_events(labels: Iterable[str], config: Config) -> bool:
    """Label events cost a request: read them only when a rule needs who added what, when.

    Comms requests are answered once per time the label is applied, a handoff acknowledgement
    names who acknowledged, and two sibling labels are settled by which was added last.
    """
    labels = set(labels)
    wanted = set(config.labels.comms.values()) | {config.labels.handoff["acknowledged"]}
    if labels & wanted:
        return True
    return any(len(labels & set(group.values())) > 1 for group in _exclusive_groups(config))


def _exclusive_groups(config: Config) -> tuple[Any, ...]:
    return (config.labels.state, config.labels.severity, config.labels.region)


def snapshot_from_api(
    issue: dict[str, Any],
    notes: Iterable[dict[str, Any]],
    label_events: Iterable[LabelEvent],
    config: Config,
) -> IssueSnapshot:
    """Build a snapshot from GitLab's REST shapes (also used by the scan's batched reads)."""
    references = issue.get("references") or {}
    full = references.get("full", "")
    return IssueSnapshot(
        project_id=issue["project_id"],
        iid=issue["iid"],
        id=issue.get("id", 0),
        title=issue.get("title") or "",
        description=issue.get("description") or "",
        state=issue.get("state", "opened"),
        labels=tuple(issue.get("labels") or ()),
        author=(issue.get("author") or {}).get("username", ""),
        assignees=tuple(a["username"] for a in issue.get("assignees") or () if a),
        confidential=bool(issue.get("confidential")),
        created_at=parse_time(issue.get("created_at")),
        updated_at=parse_time(issue.get("updated_at")),
        closed_at=parse_time(issue.get("closed_at")),
        web_url=issue.get("web_url") or "",
        project_path=full.split("#")[0] if "#" in full else "",
        notes=tuple(
            sorted(
                (
                    trusted_note(
                        id=note["id"],
                        author=(note.get("author") or {}).get("username", ""),
                        body=note.get("body") or "",
                        created_at=parse_time(note.get("created_at")) or datetime.min,
                        bot_username=config.bot_username,
                        system=bool(note.get("system")),
                        internal=bool(note.get("internal") or note.get("confidential")),
                    )
                    for note in notes
                ),
                key=lambda n: (
                    n.created_at.replace(tzinfo=UTC)
                    if n.created_at.tzinfo is None
                    else n.created_at,
                    n.id,
                ),
            )
        ),
        label_events=tuple(sorted(label_events, key=lambda e: (e.created_at, e.id))),
    )


def read_label_events(gl: Any, project_id: int | str, iid: int) -> tuple[LabelEvent, ...]:
    """An issue's label events alone (one request per 100), for a snapshot read in a batch."""
    with translate_errors(gl.url, project_id, iid):
        issue = gl.projects.get(project_id, lazy=True).issues.get(iid, lazy=True)
        return tuple(
            _label_event(event.attributes)
            for event in issue.resourcelabelevents.list(get_all=True)
            if event.attributes.get("label")
        )


def project_path(gl: Any, project_id: int | str) -> str:
    """A project's full path (GraphQL names projects by path), read once when given an ID."""
    if isinstance(project_id, str) and not project_id.isdigit():
        return project_id
    with translate_errors(gl.url, project_id):
        return gl.projects.get(project_id).attributes["path_with_namespace"]


def project_labels(gl: Any, project_id: int | str) -> list[dict[str, Any]]:
    """The labels an issue of the project can carry: its own and its groups' (`is_project_label`
    tells them apart)."""
    with translate_errors(gl.url, project_id):
        project = gl.projects.get(project_id, lazy=True)
        return [label.attributes for label in project.labels.list(get_all=True)]


def create_label(gl: Any, project_id: int | str, name: str, color: str, description: str) -> None:
    with translate_errors(gl.url, project_id):
        project = gl.projects.get(project_id, lazy=True)
        project.labels.create({"name": name, "color": color, "description": description})


def update_label(
    gl: Any, project_id: int | str, label_id: int, color: str, description: str
) -> None:
    """Set a project label's colour and description (`PUT /projects/:id/labels/:label_id`)."""
    with translate_errors(gl.url, project_id):
        path = f"/projects/{gitlab.utils.EncodedId(project_id)}/labels/{label_id}"
        gl.http_put(path, post_data={"color": color, "description": description})


def _label_event(event: dict[str, Any]) -> LabelEvent:
    return LabelEvent(
        id=event["id"],
        label=event["label"]["name"],
        action=event.get("action", "add"),
        user=(event.get("user") or {}).get("username", ""),
        created_at=parse_time(event["created_at"]),
    )


@dataclass
class NotePacer:
    """Keep note creation under GitLab's limit (60 a minute on gitlab.com) over a long scan."""

    per_minute: int = 60
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _sent: deque[float] = field(default_factory=deque)

    def wait(self) -> None:
        now = self.clock()
        while self._sent and now - self._sent[0] >= 60:
            self._sent.popleft()
        if len(self._sent) >= self.per_minute:
            pause = 60 - (now - self._sent[0])
            if pause > 0:
                log.info("pacing note writes", extra={"pause_seconds": round(pause, 2)})
                self.sleep(pause)
            self._sent.popleft()
        self._sent.append(self.clock())


@dataclass
class Applier:
    """Applies a Plan to one issue. Holds per-run caches (user ids) and the note pacer."""

    gl: Any
    config: Config
    pacer: NotePacer | None = None
    # Look at the newest notes again right before posting one. The scan sets it: its snapshot
    # comes from a page read seconds (with pacing, up to a minute) earlier, while the webhook
    # receiver may reconcile the same incident meanwhile.
    recheck_notes: bool = False
    _user_ids: dict[str, int | None] = field(default_factory=dict)
    _incident_links: list[Any] | None = None
    done: list[str] = field(default_factory=list)

    def apply(self, plan: Plan, snapshot: IssueSnapshot) -> list[str]:
        """Apply every action in order; returns what was done. Raises on the first failure."""
        self.done = []
        self._incident_links = None
        project = self.gl.projects.get(plan.project_id, lazy=True)
        issue = project.issues.get(plan.iid, lazy=True)
        labels = set(snapshot.labels)
        for batch in _batches(plan.actions):
            if isinstance(batch, list):
                labels = self._labels(project, plan.iid, batch, labels)
            elif isinstance(batch, Assign):
                self._assign(project, plan.iid, batch, snapshot)
            elif isinstance(batch, SetConfidential):
                if not snapshot.confidential:
                    project.issues.update(plan.iid, {"confidential": True})
                    self.done.append(batch.describe())
            elif isinstance(batch, PostNote):
                self._note(issue, batch, snapshot)
            elif isinstance(batch, CreateIssue):
                self._create_issue(batch, snapshot)
        return self.done

    def _labels(self, project: Any, iid: int, batch: list[Action], labels: set[str]) -> set[str]:
        add: list[str] = []
        remove: list[str] = []
        for action in batch:
            for label in action.labels:
                if isinstance(action, AddLabels):
                    if label in remove:
                        remove.remove(label)
                    if label not in labels and label not in add:
                        add.append(label)
                else:
                    if label in add:
                        add.remove(label)
                    if label in labels and label not in remove:
                        remove.append(label)
        if not add and not remove:
            return labels
        data = {}
        if add:
            data["add_labels"] = ",".join(add)
        if remove:
            data["remove_labels"] = ",".join(remove)
        # A label PUT is idempotent, so an unknown outcome may simply be retried once.
        try:
            project.issues.update(iid, data)
        except _UNKNOWN_OUTCOME:
            project.issues.update(iid, data)
        except gle.GitlabUpdateError as error:
            if error.response_code not in (500, 502, 503, 504):
                raise
            project.issues.update(iid, data)
        if add:
            self.done.append(f"added labels {', '.join(add)}")
        if remove:
            self.done.append(f"removed labels {', '.join(remove)}")
        return (labels | set(add)) - set(remove)

    def user_id(self, username: str) -> int | None:
        if username not in self._user_ids:
            users = self.gl.users.list(username=username, get_all=False)
            match = [u for u in users if u.username.lower() == username.lower()]
            self._user_ids[username] = match[0].id if match else None
        return self._user_ids[username]

    def _assign(self, project: Any, iid: int, action: Assign, snapshot: IssueSnapshot) -> None:
        wanted = [name for name in action.usernames if name not in snapshot.assignees]
        if not wanted:
            return
        if not self.config.premium and snapshot.assignees and not action.replace:
            # The free tier keeps one assignee: the first holder stays, the others are named in
            # the bot's roles note instead.
            self.done.append(f"kept @{snapshot.assignees[0]} (one assignee on the free tier)")
            return
        found: list[tuple[str, int]] = []
        for name in wanted:
            uid = self.user_id(name)
            if uid is not None:
                found.append((name, uid))
                if not self.config.premium:
                    break  # one assignee: no need to look the others up
        if not found:
            self.done.append(f"skipped assigning {', '.join(wanted)}: no such users")
            return
        assignee_ids = [uid for _, uid in found]
        if self.config.premium:
            current = [self.user_id(name) for name in snapshot.assignees]
            assignee_ids = [uid for uid in current if uid is not None] + assignee_ids
        project.issues.update(iid, {"assignee_ids": assignee_ids})
        self.done.append(f"assigned {', '.join('@' + name for name, _ in found)}")

    def _note(self, issue: Any, action: PostNote, snapshot: IssueSnapshot) -> None:
        if action.marker.ref in snapshot.marker_refs():
            return
        body = markers.append(action.body, action.marker)
        if self.pacer:
            self.pacer.wait()
        if self.recheck_notes and self._note_landed(issue, action.marker):
            self.done.append(f"{action.marker.ref} was already posted by a concurrent run")
            return
        try:
            issue.notes.create({"body": body, "internal": action.internal})
        except (*_UNKNOWN_OUTCOME, gle.GitlabCreateError) as error:
            status = getattr(error, "response_code", None)
            if isinstance(error, gle.GitlabCreateError) and status not in (500, 502, 503, 504):
                if status == 202:
                    # GitLab answers 202 when a note held only quick actions; ours never do.
                    raise WriteFailed(
                        f"GitLab treated note {action.marker.ref} as commands"
                    ) from None
                raise
            if self._note_landed(issue, action.marker):
                log.warning("note landed despite an error", extra={"marker": action.marker.ref})
            else:
                raise WriteFailed(
                    f"note {action.marker.ref} failed ({status or type(error).__name__}); "
                    "not retried, the next run posts it"
                ) from None
        self.done.append(action.describe())

    def _note_landed(self, issue: Any, marker: markers.Marker) -> bool:
        recent = issue.notes.list(sort="desc", order_by="created_at", per_page=20, get_all=False)
        for note in recent:
            author = (note.attributes.get("author") or {}).get("username")
            found = markers.find(note.attributes.get("body") or "")
            if same_user(author, self.config.bot_username) and found and found.ref == marker.ref:
                return True
        return False

    def find_created(
        self, action: CreateIssue, snapshot: IssueSnapshot | None = None
    ) -> Any | None:
        """The issue a previous run created for this action, if any (the oldest, if several).

        The incident's linked issues are looked at first: every action item is linked to its
        incident, and one request lists them with their descriptions. GitLab's issue search is
        the fallback, for an item whose link was never made; how its full-text search treats a
        key inside an HTML comment depends on the GitLab version, so it is not relied on alone.
        """
        mine = []
        if snapshot is not None and action.link_to_incident:
            mine = [issue for issue in self._links(snapshot) if self._carries(issue, action)]
        if not mine:
            project = self.gl.projects.get(action.project, lazy=True)
            candidates = project.issues.list(
                search=action.key, get_all=True, state="all", order_by="created_at", sort="asc"
            )
            mine = [issue for issue in candidates if self._carries(issue, action)]
        # The oldest, whatever order the answer came in.
        return min(mine, key=_creation_order, default=None)

    def _carries(self, issue: Any, action: CreateIssue) -> bool:
        """Whether the bot wrote this issue for this action (its marker, on its own issue)."""
        author = (issue.attributes.get("author") or {}).get("username")
        found = markers.find(issue.attributes.get("description") or "")
        return (
            same_user(author, self.config.bot_username)
            and found is not None
            and (found.ref == action.marker.ref)
        )

    def _links(self, snapshot: IssueSnapshot) -> list[Any]:
        """The incident's linked issues, read once per plan."""
        if self._incident_links is None:
            incident = self.gl.projects.get(snapshot.project_id, lazy=True).issues.get(
                snapshot.iid, lazy=True
            )
            self._incident_links = list(incident.links.list(get_all=True))
        return self._incident_links

    def _keep_oldest(self, action: CreateIssue, created: Any) -> Any:
        """Two runs at once can both miss the other's issue and create one each. After creating,
        look again: if an older issue carries the same marker, close ours and keep that one, so
        exactly one stays open whichever run finishes first."""
        oldest = self.find_created(action)
        if oldest is None or _creation_order(oldest) >= _creation_order(created):
            return created
        iid = created.attributes["iid"]
        self.gl.projects.get(action.project, lazy=True).issues.update(iid, {"state_event": "close"})
        self.done.append(f"closed #{iid}, a duplicate of #{oldest.attributes['iid']}")
        return oldest

    def _create_issue(self, action: CreateIssue, snapshot: IssueSnapshot) -> None:
        existing = self.find_created(action, snapshot)
        if existing is None:
            data: dict[str, Any] = {
                "title": action.title,
                "description": markers.append(action.description, action.marker),
                "confidential": action.confidential,
            }
            if action.labels:
                data["labels"] = ",".join(action.labels)
            if action.due_date:
                data["due_date"] = action.due_date.isoformat()
            if action.assignee and (uid := self.user_id(action.assignee)) is not None:
                data["assignee_ids"] = [uid]
            project = self.gl.projects.get(action.project, lazy=True)
            try:
                created = self._keep_oldest(action, project.issues.create(data))
            except (*_UNKNOWN_OUTCOME, gle.GitlabCreateError) as error:
                status = getattr(error, "response_code", None)
                if isinstance(error, gle.GitlabCreateError) and status not in (500, 502, 503, 504):
                    raise
                created = self.find_created(action)
                if created is None:
                    raise WriteFailed(f"issue {action.marker.ref} could not be confirmed") from None
            self.done.append(action.describe())
            existing = created
        if action.link_to_incident:
            self._link(existing, snapshot)

    def _link(self, created: Any, snapshot: IssueSnapshot) -> None:
        target = (created.attributes["project_id"], created.attributes["iid"])
        for link in self._links(snapshot):
            if (link.attributes.get("project_id"), link.attributes.get("iid")) == target:
                return
        incident = self.gl.projects.get(snapshot.project_id, lazy=True).issues.get(
            snapshot.iid, lazy=True
        )
        try:
            incident.links.create(
                {
                    "target_project_id": target[0],
                    "target_issue_iid": target[1],
                    "link_type": "relates_to",
                }
            )
        except gle.GitlabCreateError as error:
            # 409: the link exists already (a concurrent run made it).
            if error.response_code != 409:
                raise
        self._incident_links = None  # the list changed: read it again if asked
        self.done.append(f"linked #{target[1]} to the incident")


def _creation_order(issue: Any) -> int:
    """Within one project an issue's iid grows with every issue created: the older, the lower."""
    return int(issue.attributes.get("iid") or 0)


def _batches(actions: Iterable[Action]) -> list[Any]:
    """Group runs of label actions into one request; other actions stay alone, in order."""
    batches: list[Any] = []
    for action in actions:
        if isinstance(action, AddLabels | RemoveLabels):
            if batches and isinstance(batches[-1], list):
                batches[-1].append(action)
            else:
                batches.append([action])
        else:
            batches.append(action)
    return batches
