"""Note endpoints: list, create (with quick actions and the rate limit), read, edit."""

from __future__ import annotations

import sqlite3
from typing import Any

from . import interpret
from .api import Api, Request, Response
from .changes import UNSET, IssueChanges
from .clock import to_db
from .errors import forbidden, missing, not_found, validation
from .params import as_bool, as_choice

Row = sqlite3.Row

BODY_LIMIT = 1_000_000


def register(api: Api) -> None:
    endpoints = NoteEndpoints(api)
    add = api.router.add
    add("GET", "/projects/:project/issues/:iid/notes", endpoints.list_notes)
    add("POST", "/projects/:project/issues/:iid/notes", endpoints.create_note)
    add("GET", "/projects/:project/issues/:iid/notes/:note_id", endpoints.get_note)
    add("PUT", "/projects/:project/issues/:iid/notes/:note_id", endpoints.update_note)


def commands_changes(changes: IssueChanges) -> dict[str, Any]:
    """The `commands_changes` GitLab reports: the parameters the commands set."""
    result: dict[str, Any] = {}
    for name in ("title", "state_event", "confidential", "discussion_locked", "issue_type"):
        value = getattr(changes, name)
        if value is not None:
            result[name] = value
    if changes.add_labels:
        result["add_label_names"] = changes.add_labels
    if changes.remove_labels:
        result["remove_label_names"] = changes.remove_labels
    if changes.labels is not None:
        result["label_names"] = changes.labels
    if changes.assignee_ids is not None:
        result["assignee_ids"] = changes.assignee_ids
    if changes.add_assignee_ids:
        result["add_assignee_ids"] = changes.add_assignee_ids
    if changes.due_date is not UNSET:
        result["due_date"] = changes.due_date
    return result


def _check_body(body: str) -> None:
    if len(body) > BODY_LIMIT:
        raise validation("note", f"is too long (maximum is {BODY_LIMIT} characters)")


class NoteEndpoints:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.tracker = api.tracker
        self.presenter = api.presenter

    def _visible_notes(self, actor: Row, issue: Row) -> list[Row]:
        rows = self.tracker.store.all("SELECT * FROM notes WHERE issue_id = ?", issue["id"])
        # Internal notes are for reporters and above.
        return [row for row in rows if not row["internal"] or self.tracker.can_admin(actor)]

    def list_notes(self, request: Request, project: str, iid: str) -> Response:
        actor = request.actor
        assert actor is not None
        issue = self.api.issue(request, self.api.project(project), iid)
        order_by = (
            as_choice(request.params, "order_by", ("created_at", "updated_at")) or "created_at"
        )
        sort = as_choice(request.params, "sort", ("asc", "desc")) or "desc"
        notes = sorted(
            self._visible_notes(actor, issue),
            key=lambda row: (row[order_by], row["id"]),
            reverse=sort == "desc",
        )
        return self.api.page(request, [self.presenter.note(row) for row in notes])

    def _note(self, request: Request, project: str, iid: str, note_id: str) -> tuple[Row, Row]:
        actor = request.actor
        assert actor is not None
        issue = self.api.issue(request, self.api.project(project), iid)
        for row in self._visible_notes(actor, issue):
            if str(row["id"]) == note_id:
                return issue, row
        raise not_found("Note")

    def get_note(self, request: Request, project: str, iid: str, note_id: str) -> Response:
        _, note = self._note(request, project, iid, note_id)
        return Response(200, self.presenter.note(note))

    def create_note(self, request: Request, project: str, iid: str) -> Response:
        params = request.params
        actor = request.actor
        assert actor is not None
        row = self.api.project(project)
        issue = self.api.issue(request, row, iid)
        if params.get("body") is None:
            raise missing("body")
        # The limit counts requests, accepted or not, as GitLab's does.
        rate_headers = self.api.limiter.enforce(actor["id"])
        body = str(params["body"])
        _check_body(body)
        internal = as_bool(params, "internal")
        if internal is None:
            internal = as_bool(params, "confidential")
        if internal and not self.tracker.can_admin(actor):
            raise forbidden()
        content, commands, result = interpret.run(self.tracker, issue, row, actor, body)
        if commands and not content:
            # A note made only of commands is not stored: GitLab answers 202 with what they did.
            interpret.execute(self.tracker, issue, actor, result, "note")
            summary = {
                "commands_changes": commands_changes(result.changes),
                "summary": result.messages,
            }
            return Response(202, summary, rate_headers)
        if not content.strip():
            raise validation("note", "can't be blank")
        note_id = self.tracker.add_note(issue, actor["id"], content, internal=bool(internal))
        if commands:
            interpret.execute(self.tracker, issue, actor, result, "note")
        self.tracker.events.note_event(note_id, actor["id"], "create")
        note = self.tracker.store.one("SELECT * FROM notes WHERE id = ?", note_id)
        entity = self.presenter.note(note)
        entity["commands_changes"] = commands_changes(result.changes) if commands else {}
        return Response(201, entity, rate_headers)

    def update_note(self, request: Request, project: str, iid: str, note_id: str) -> Response:
        params = request.params
        actor = request.actor
        assert actor is not None
        row = self.api.project(project)
        issue, note = self._note(request, project, iid, note_id)
        if note["system"] or note["author_id"] != actor["id"]:
            raise forbidden()
        if params.get("body") is None:
            raise missing("body")
        body = str(params["body"])
        _check_body(body)
        content, commands, result = interpret.run(self.tracker, issue, row, actor, body)
        if commands:
            interpret.execute(self.tracker, issue, actor, result, "note")
        if commands and not content:
            self.tracker.store.execute("DELETE FROM notes WHERE id = ?", note["id"])
            summary = {
                "commands_changes": commands_changes(result.changes),
                "summary": result.messages,
            }
            return Response(202, summary)
        if content != note["body"]:
            self.tracker.store.update(
                "notes", note["id"], body=content, updated_at=to_db(self.tracker.clock.now())
            )
            self.tracker.events.note_event(note["id"], actor["id"], "update")
        updated = self.tracker.store.one("SELECT * FROM notes WHERE id = ?", note["id"])
        return Response(200, self.presenter.note(updated))
