"""Project label endpoints, enough for a `labels sync`: list, read, create, edit."""

from __future__ import annotations

import re
import sqlite3

from .api import Api, Request, Response
from .clock import to_db
from .errors import ApiError, conflict, forbidden, missing, not_found, validation
from .params import as_bool, as_int

Row = sqlite3.Row

_HEX_COLOR = re.compile(r"^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$")
# The CSS colour names GitLab accepts, reduced to the common ones.
_NAMED_COLORS = {
    "black": "#000000",
    "white": "#ffffff",
    "red": "#ff0000",
    "green": "#008000",
    "blue": "#0000ff",
    "yellow": "#ffff00",
    "orange": "#ffa500",
    "purple": "#800080",
    "gray": "#808080",
    "grey": "#808080",
}


def register(api: Api) -> None:
    endpoints = LabelEndpoints(api)
    add = api.router.add
    add("GET", "/projects/:project/labels", endpoints.list_labels)
    add("POST", "/projects/:project/labels", endpoints.create_label)
    add("GET", "/projects/:project/labels/:label", endpoints.get_label)
    add("PUT", "/projects/:project/labels/:label", endpoints.update_label)
    add("DELETE", "/projects/:project/labels/:label", endpoints.delete_label)
    # The older form, with the label in the body, is what python-gitlab's `labels.update()` and
    # `label.save()` call.
    add("PUT", "/projects/:project/labels", endpoints.update_label_by_param)


def _color(value: str) -> str:
    text = value.strip()
    if _HEX_COLOR.match(text):
        return text
    if text.lower() in _NAMED_COLORS:
        return _NAMED_COLORS[text.lower()]
    raise validation("color", "must be a valid color code")


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise validation("title", "can't be blank")
    if "," in name:
        raise validation("title", "is invalid")
    return name


class LabelEndpoints:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.tracker = api.tracker
        self.presenter = api.presenter

    def _label(self, project: Row, ref: str) -> Row:
        """A label by id or by name (a name may itself be all digits, GitLab tries both)."""
        row = self.tracker.label_by_id(project["id"], int(ref)) if ref.isdigit() else None
        row = row or self.tracker.label_named(project["id"], ref)
        if row is None:
            raise not_found("Label")
        return row

    def _require_admin(self, request: Request) -> None:
        assert request.actor is not None
        if not self.tracker.can_admin(request.actor):
            raise forbidden()

    def list_labels(self, request: Request, project: str) -> Response:
        row = self.api.project(project)
        labels = self.tracker.store.all(
            "SELECT * FROM labels WHERE project_id = ? ORDER BY name", row["id"]
        )
        search = str(request.params.get("search") or "").lower()
        if search:
            labels = [label for label in labels if search in label["name"].lower()]
        with_counts = bool(as_bool(request.params, "with_counts"))
        entities = [self.presenter.label(label, with_counts=with_counts) for label in labels]
        return self.api.page(request, entities)

    def get_label(self, request: Request, project: str, label: str) -> Response:
        row = self._label(self.api.project(project), label)
        return Response(200, self.presenter.label(row))

    def create_label(self, request: Request, project: str) -> Response:
        params = request.params
        row = self.api.project(project)
        self._require_admin(request)
        if params.get("name") in (None, ""):
            raise missing("name")
        if params.get("color") in (None, ""):
            raise missing("color")
        name = _check_name(str(params["name"]))
        if self.tracker.label_named(row["id"], name):
            raise conflict("Label already exists")
        label = self.tracker.create_label(
            row["id"],
            name,
            color=_color(str(params["color"])),
            description=params.get("description"),
            priority=as_int(params, "priority"),
        )
        return Response(201, self.presenter.label(label))

    def update_label_by_param(self, request: Request, project: str) -> Response:
        ref = request.params.get("label_id") or request.params.get("name")
        if ref in (None, ""):
            raise ApiError(
                400, {"error": "label_id, name are missing, exactly one parameter must be provided"}
            )
        return self.update_label(request, project, str(ref))

    def delete_label(self, request: Request, project: str, label: str) -> Response:
        """Delete a label; issues lose it (their label events stay, with a null label)."""
        current = self._label(self.api.project(project), label)
        self._require_admin(request)
        self.tracker.store.execute("DELETE FROM issue_labels WHERE label_id = ?", current["id"])
        self.tracker.store.execute("DELETE FROM labels WHERE id = ?", current["id"])
        return Response(204, None)

    def update_label(self, request: Request, project: str, label: str) -> Response:
        params = request.params
        row = self.api.project(project)
        current = self._label(row, label)
        self._require_admin(request)
        fields = ("new_name", "color", "description", "priority")
        if not any(name in params for name in fields):
            raise missing(*fields)
        updates: dict[str, object] = {}
        if params.get("new_name"):
            new_name = _check_name(str(params["new_name"]))
            other = self.tracker.label_named(row["id"], new_name)
            if other is not None and other["id"] != current["id"]:
                raise ApiError(409, {"message": {"title": ["has already been taken"]}})
            updates["name"] = new_name
        if params.get("color"):
            updates["color"] = _color(str(params["color"]))
        if "description" in params:
            updates["description"] = params["description"]
        if "priority" in params:
            updates["priority"] = as_int(params, "priority")
        updates["updated_at"] = to_db(self.tracker.clock.now())
        self.tracker.store.update("labels", current["id"], **updates)
        updated = self.tracker.store.one("SELECT * FROM labels WHERE id = ?", current["id"])
        return Response(200, self.presenter.label(updated))
