"""The REST API v4 core: requests, routing, authentication, and the user and project endpoints.

The issue, note and label endpoints live in `issues_api.py`, `notes_api.py` and `labels_api.py`;
each registers its routes on the one `Router`. Handlers run inside one store transaction (see
`Api.handle`), so a request that fails half-way leaves nothing behind.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .entities import Presenter
from .errors import ApiError, not_found, unauthorized
from .pagination import paginate
from .ratelimit import RateLimiter
from .tracker import Tracker
from .webhooks import GITLAB_VERSION

Row = sqlite3.Row


@dataclass
class Request:
    method: str
    path: str  # the path after /api/v4, still percent-encoded
    query: list[tuple[str, str]]
    params: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    base_url: str  # as the client reached us (used for pagination links)
    actor: Row | None = None


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[..., Response]


class Router:
    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []

    def add(self, method: str, pattern: str, handler: Handler, *, public: bool = False) -> None:
        """Register `handler` for `pattern` (`:name` segments capture one path segment)."""
        regex = re.sub(r":(\w+)", r"(?P<\1>[^/]+)", pattern)
        self._routes.append((method, re.compile(f"^{regex}$"), handler, public))

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str], bool] | None:
        path_exists = False
        for route_method, regex, handler, public in self._routes:
            found = regex.match(path)
            if found:
                path_exists = True
                if route_method == method:
                    return handler, found.groupdict(), public
        if path_exists:
            raise ApiError(405, {"error": "405 Method Not Allowed"})
        return None


class Api:
    """Everything a handler needs, and the dispatch from a request to a handler."""

    def __init__(self, tracker: Tracker, presenter: Presenter, limiter: RateLimiter) -> None:
        self.tracker = tracker
        self.presenter = presenter
        self.limiter = limiter
        self.router = Router()
        self._register()
        from . import issues_api, labels_api, notes_api

        issues_api.register(self)
        notes_api.register(self)
        labels_api.register(self)

    # Dispatch ---------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            route = self.router.match(request.method, request.path)
            if route is None:
                raise not_found()
            handler, arguments, public = route
            request.actor = self._authenticate(request)
            if request.actor is None and not public:
                # Without credentials a private project's resources are simply not found.
                if request.path.startswith("/projects/"):
                    raise not_found("Project")
                raise unauthorized()
            with self.tracker.store.transaction():
                return handler(request, **{key: unquote(value) for key, value in arguments.items()})
        except ApiError as error:
            return Response(error.status, error.body, error.headers)

    def _authenticate(self, request: Request) -> Row | None:
        """`PRIVATE-TOKEN`, `Authorization: Bearer`, or `private_token=`; a bad token is a 401."""
        token = request.headers.get("private-token")
        authorization = request.headers.get("authorization", "")
        if token is None and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        if token is None:
            token = dict(request.query).get("private_token") or dict(request.query).get(
                "access_token"
            )
        if token is None:
            return None
        user = self.tracker.user_by_token(token)
        if user is None:
            raise unauthorized()
        return user

    # Helpers shared by the endpoint modules ---------------------------------------------------

    def project(self, ref: str) -> Row:
        project = self.tracker.project(ref)
        if project is None:
            raise not_found("Project")
        return project

    def issue(self, request: Request, project: Row, iid: str) -> Row:
        if not iid.isdigit():
            raise not_found("Issue")
        issue = self.tracker.issue(project["id"], int(iid))
        assert request.actor is not None
        if issue is None or not self.tracker.can_read(request.actor, issue):
            raise not_found("Issue")
        return issue

    def page(self, request: Request, items: list[Any]) -> Response:
        url = f"{request.base_url}/api/v4{request.path}"
        chunk, headers = paginate(items, request.params, url, request.query)
        return Response(200, chunk, headers)

    # Users and projects -----------------------------------------------------------------------

    def _register(self) -> None:
        add = self.router.add
        add("GET", "/version", self.get_version)
        add("GET", "/user", self.get_current_user)
        add("GET", "/users", self.list_users)
        add("GET", "/users/:user_id", self.get_user)
        add("GET", "/projects", self.list_projects)
        add("GET", "/projects/:project", self.get_project)

    def get_version(self, request: Request) -> Response:
        return Response(200, {"version": GITLAB_VERSION, "revision": "sandbox", "enterprise": True})

    def get_current_user(self, request: Request) -> Response:
        assert request.actor is not None
        return Response(200, self.presenter.user_full(request.actor, own=True))

    def list_users(self, request: Request) -> Response:
        rows = self.tracker.store.all("SELECT * FROM users ORDER BY id")
        username = request.params.get("username")
        search = str(request.params.get("search") or "").lower()
        if username is not None:
            rows = [row for row in rows if row["username"].lower() == str(username).lower()]
        if search:
            rows = [
                row
                for row in rows
                if search in row["username"].lower() or search in row["name"].lower()
            ]
        return self.page(request, [self.presenter.user_basic(row) for row in rows])

    def get_user(self, request: Request, user_id: str) -> Response:
        user = self.tracker.user(int(user_id)) if user_id.isdigit() else None
        if user is None:
            raise not_found("User")
        return Response(200, self.presenter.user_full(user))

    def list_projects(self, request: Request) -> Response:
        assert request.actor is not None
        rows = self.tracker.store.all("SELECT * FROM projects ORDER BY id DESC")
        return self.page(request, [self.presenter.project(row, request.actor) for row in rows])

    def get_project(self, request: Request, project: str) -> Response:
        assert request.actor is not None
        return Response(200, self.presenter.project(self.project(project), request.actor))
