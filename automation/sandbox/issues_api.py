"""Issue endpoints: list, create, read, update; resource events; issue links."""

from __future__ import annotations

import sqlite3
from typing import Any

from . import interpret
from .api import Api, Request, Response
from .changes import IssueChanges
from .clock import from_db
from .errors import ApiError, forbidden, missing, not_found, validation
from .params import as_bool, as_choice, as_date, as_int, as_int_list, as_list, as_time
from .tracker import ISSUE_TYPES, LINK_TYPES

Row = sqlite3.Row

TITLE_LIMIT = 255
DESCRIPTION_LIMIT = 1_048_576
ORDER_FIELDS = (
    "created_at",
    "updated_at",
    "title",
    "due_date",
    "relative_position",
    "priority",
    "label_priority",
    "milestone_due",
    "popularity",
    "weight",
)
UPDATE_PARAMS = (
    "assignee_id",
    "assignee_ids",
    "confidential",
    "created_at",
    "description",
    "discussion_locked",
    "due_date",
    "issue_type",
    "labels",
    "add_labels",
    "remove_labels",
    "milestone_id",
    "state_event",
    "title",
    "updated_at",
)


def register(api: Api) -> None:
    endpoints = IssueEndpoints(api)
    add = api.router.add
    add("GET", "/projects/:project/issues", endpoints.list_issues)
    add("POST", "/projects/:project/issues", endpoints.create_issue)
    add("GET", "/projects/:project/issues/:iid", endpoints.get_issue)
    add("PUT", "/projects/:project/issues/:iid", endpoints.update_issue)
    add("GET", "/projects/:project/issues/:iid/resource_label_events", endpoints.label_events)
    add(
        "GET",
        "/projects/:project/issues/:iid/resource_label_events/:event_id",
        endpoints.label_event,
    )
    add("GET", "/projects/:project/issues/:iid/resource_state_events", endpoints.state_events)
    add(
        "GET",
        "/projects/:project/issues/:iid/resource_state_events/:event_id",
        endpoints.state_event,
    )
    add("GET", "/projects/:project/issues/:iid/links", endpoints.list_links)
    add("POST", "/projects/:project/issues/:iid/links", endpoints.create_link)


def _check_lengths(title: str | None, description: str | None) -> None:
    if title is not None:
        if not title.strip():
            raise validation("title", "can't be blank")
        if len(title) > TITLE_LIMIT:
            raise validation("title", f"is too long (maximum is {TITLE_LIMIT} characters)")
    if description is not None and len(description) > DESCRIPTION_LIMIT:
        raise validation("description", f"is too long (maximum is {DESCRIPTION_LIMIT} characters)")


class IssueEndpoints:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.tracker = api.tracker
        self.presenter = api.presenter

    # Listing ----------------------------------------------------------------------------------

    def list_issues(self, request: Request, project: str) -> Response:
        params = request.params
        actor = request.actor
        assert actor is not None
        row = self.api.project(project)
        issues = [
            issue
            for issue in self.tracker.store.all(
                "SELECT * FROM issues WHERE project_id = ?", row["id"]
            )
            if self.tracker.can_read(actor, issue)
        ]
        state = as_choice(params, "state", ("opened", "closed", "all")) or "all"
        if state != "all":
            issues = [issue for issue in issues if issue["state"] == state]
        issues = self._filter_labels(issues, params)
        iids = as_int_list(params, "iids")
        if iids:
            issues = [issue for issue in issues if issue["iid"] in iids]
        confidential = as_bool(params, "confidential")
        if confidential is not None:
            issues = [issue for issue in issues if bool(issue["confidential"]) == confidential]
        issue_type = as_choice(params, "issue_type", ISSUE_TYPES)
        if issue_type:
            issues = [issue for issue in issues if issue["issue_type"] == issue_type]
        issues = self._filter_people(issues, params)
        issues = self._filter_times(issues, params)
        search = str(params.get("search") or "").lower()
        if search:
            fields = str(params.get("in") or "title,description").split(",")
            issues = [
                issue
                for issue in issues
                if any(
                    search in str(issue[name] or "").lower()
                    for name in fields
                    if name in ("title", "description")
                )
            ]
        order_by = as_choice(params, "order_by", ORDER_FIELDS) or "created_at"
        sort = as_choice(params, "sort", ("asc", "desc")) or "desc"
        key_field = (
            order_by
            if order_by in ("created_at", "updated_at", "title", "due_date")
            else "created_at"
        )
        # Issues without a due date come last whichever way due dates are sorted.
        issues.sort(key=lambda issue: (issue[key_field] or "", issue["id"]), reverse=sort == "desc")
        if key_field == "due_date":
            issues.sort(key=lambda issue: issue["due_date"] is None)
        details = bool(as_bool(params, "with_labels_details"))
        entities = [self.presenter.issue(issue, labels_details=details) for issue in issues]
        return self.api.page(request, entities)

    def _filter_labels(self, issues: list[Row], params: dict[str, Any]) -> list[Row]:
        wanted = as_list(params, "labels")
        if wanted:
            lowered = [name.lower() for name in wanted]
            if lowered == ["none"]:
                issues = [issue for issue in issues if not self.tracker.labels_of(issue["id"])]
            elif lowered == ["any"]:
                issues = [issue for issue in issues if self.tracker.labels_of(issue["id"])]
            else:
                issues = [
                    issue
                    for issue in issues
                    if set(wanted) <= {row["name"] for row in self.tracker.labels_of(issue["id"])}
                ]
        unwanted = as_list(params, "not[labels]")
        if unwanted:
            issues = [
                issue
                for issue in issues
                if not set(unwanted) & {row["name"] for row in self.tracker.labels_of(issue["id"])}
            ]
        return issues

    def _filter_people(self, issues: list[Row], params: dict[str, Any]) -> list[Row]:
        assignee = params.get("assignee_id")
        if assignee not in (None, ""):
            text = str(assignee).lower()
            if text == "none":
                issues = [issue for issue in issues if not self.tracker.assignees_of(issue["id"])]
            elif text == "any":
                issues = [issue for issue in issues if self.tracker.assignees_of(issue["id"])]
            else:
                user_id = as_int(params, "assignee_id")
                issues = [
                    issue
                    for issue in issues
                    if user_id in [row["id"] for row in self.tracker.assignees_of(issue["id"])]
                ]
        usernames = as_list(params, "assignee_username")
        if usernames:
            issues = [
                issue
                for issue in issues
                if set(usernames)
                <= {row["username"] for row in self.tracker.assignees_of(issue["id"])}
            ]
        author_id = as_int(params, "author_id")
        if author_id is not None:
            issues = [issue for issue in issues if issue["author_id"] == author_id]
        author_username = params.get("author_username")
        if author_username:
            author = self.tracker.user_by_username(str(author_username))
            issues = [issue for issue in issues if author and issue["author_id"] == author["id"]]
        return issues

    def _filter_times(self, issues: list[Row], params: dict[str, Any]) -> list[Row]:
        for name, column, after in (
            ("created_after", "created_at", True),
            ("created_before", "created_at", False),
            ("updated_after", "updated_at", True),
            ("updated_before", "updated_at", False),
        ):
            bound = as_time(params, name)
            if bound is None:
                continue
            issues = [
                issue
                for issue in issues
                if (from_db(issue[column]) >= bound if after else from_db(issue[column]) <= bound)
            ]
        return issues

    # Reading and writing one issue ------------------------------------------------------------

    def get_issue(self, request: Request, project: str, iid: str) -> Response:
        issue = self.api.issue(request, self.api.project(project), iid)
        return Response(200, self.presenter.issue(issue, single=True))

    def _common_changes(self, params: dict[str, Any], actor: Row) -> IssueChanges:
        """The fields create and update share; metadata needs reporter rights, as in GitLab."""
        changes = IssueChanges()
        if not self.tracker.can_admin(actor):
            return changes  # GitLab silently drops labels, assignees and dates from guests
        changes.labels = as_list(params, "labels")
        assignee_ids = as_int_list(params, "assignee_ids")
        if assignee_ids is None and "assignee_id" in params:
            assignee_ids = as_int_list(params, "assignee_id")
        changes.assignee_ids = assignee_ids
        if "due_date" in params:
            changes.due_date = as_date(params, "due_date")
        return changes

    def create_issue(self, request: Request, project: str) -> Response:
        params = request.params
        actor = request.actor
        assert actor is not None
        row = self.api.project(project)
        if params.get("title") is None:
            raise missing("title")
        title = str(params["title"])
        description = params.get("description")
        description = None if description is None else str(description)
        _check_lengths(title, description)
        issue_type = as_choice(params, "issue_type", ISSUE_TYPES) or "issue"
        confidential = bool(as_bool(params, "confidential"))
        changes = self._common_changes(params, actor)
        commands: interpret.Interpretation | None = None
        if description:
            # Quick actions in the description run as the creation's own parameters.
            description, _, commands = interpret.run(self.tracker, None, row, actor, description)
            wanted = commands.changes
            title = wanted.title or title
            issue_type = wanted.issue_type or issue_type
            confidential = confidential or bool(wanted.confidential)
            wanted.title = wanted.issue_type = wanted.confidential = None
            changes.merge(wanted)
        issue = self.tracker.create_issue(
            row,
            actor,
            title=title,
            description=description,
            issue_type=issue_type,
            confidential=confidential,
            changes=changes,
        )
        if commands is not None:
            interpret.record(self.tracker, issue, actor, commands, "description")
        return Response(201, self.presenter.issue(issue, single=True))

    def update_issue(self, request: Request, project: str, iid: str) -> Response:
        params = request.params
        actor = request.actor
        assert actor is not None
        row = self.api.project(project)
        issue = self.api.issue(request, row, iid)
        if not any(name in params for name in UPDATE_PARAMS):
            raise missing(*UPDATE_PARAMS)
        if not self.tracker.can_edit(actor, issue):
            raise forbidden()
        changes = self._common_changes(params, actor)
        if self.tracker.can_admin(actor):
            changes.add_labels = as_list(params, "add_labels") or []
            changes.remove_labels = as_list(params, "remove_labels") or []
            changes.confidential = as_bool(params, "confidential")
            changes.discussion_locked = as_bool(params, "discussion_locked")
        if "title" in params:
            changes.title = str(params["title"])
        if "description" in params:
            changes.description = (
                "" if params["description"] is None else str(params["description"])
            )
        _check_lengths(changes.title, changes.description)
        changes.state_event = as_choice(params, "state_event", ("close", "reopen"))
        changes.issue_type = as_choice(params, "issue_type", ISSUE_TYPES)
        records = None
        if changes.description:
            content, _, records = interpret.run(
                self.tracker, issue, row, actor, changes.description
            )
            changes.description = content
            changes.merge(records.changes)
        if records is None:
            self.tracker.update(issue, actor, changes)
        else:
            # The request's own changes and its description's commands make one change, applied
            # the way a note's commands are (moves, duplicates and links included).
            records.changes = changes
            interpret.execute(self.tracker, issue, actor, records, "description")
        updated = self.tracker.issue_by_id(issue["id"])
        return Response(200, self.presenter.issue(updated, single=True))

    # Resource events --------------------------------------------------------------------------

    def _events(self, request: Request, project: str, iid: str, table: str) -> list[Row]:
        issue = self.api.issue(request, self.api.project(project), iid)
        return self.tracker.store.all(
            f"SELECT * FROM {table} WHERE issue_id = ? ORDER BY created_at, id", issue["id"]
        )

    def label_events(self, request: Request, project: str, iid: str) -> Response:
        rows = self._events(request, project, iid, "label_events")
        return self.api.page(request, [self.presenter.label_event(row) for row in rows])

    def label_event(self, request: Request, project: str, iid: str, event_id: str) -> Response:
        for row in self._events(request, project, iid, "label_events"):
            if str(row["id"]) == event_id:
                return Response(200, self.presenter.label_event(row))
        raise not_found("Resource Label Event")

    def state_events(self, request: Request, project: str, iid: str) -> Response:
        rows = self._events(request, project, iid, "state_events")
        return self.api.page(request, [self.presenter.state_event(row) for row in rows])

    def state_event(self, request: Request, project: str, iid: str, event_id: str) -> Response:
        for row in self._events(request, project, iid, "state_events"):
            if str(row["id"]) == event_id:
                return Response(200, self.presenter.state_event(row))
        raise not_found("Resource State Event")

    # Links ------------------------------------------------------------------------------------

    def list_links(self, request: Request, project: str, iid: str) -> Response:
        actor = request.actor
        assert actor is not None
        issue = self.api.issue(request, self.api.project(project), iid)
        entries = [
            self.presenter.linked_issue(other, link, link_type)
            for link, other, link_type in self.tracker.links_of(issue)
            if self.tracker.can_read(actor, other)
        ]
        return Response(200, entries)

    def create_link(self, request: Request, project: str, iid: str) -> Response:
        params = request.params
        actor = request.actor
        assert actor is not None
        source = self.api.issue(request, self.api.project(project), iid)
        if params.get("target_project_id") in (None, ""):
            raise missing("target_project_id")
        if params.get("target_issue_iid") in (None, ""):
            raise missing("target_issue_iid")
        link_type = as_choice(params, "link_type", LINK_TYPES) or "relates_to"
        target_project = self.tracker.project(str(params["target_project_id"]))
        target_iid = str(params["target_issue_iid"])
        target = (
            self.tracker.issue(target_project["id"], int(target_iid))
            if target_project is not None and target_iid.isdigit()
            else None
        )
        if target is None or not self.tracker.can_read(actor, target):
            raise ApiError(
                404,
                {
                    "message": "No matching issue found. "
                    "Make sure that you are adding a valid issue URL."
                },
            )
        if not (self.tracker.can_admin(actor)):
            raise forbidden()
        self.tracker.link(source, target, link_type, actor)
        return Response(201, self.presenter.link(source, target, link_type))
