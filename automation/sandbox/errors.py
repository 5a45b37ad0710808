"""Errors with the status codes and bodies GitLab's API answers.

GitLab uses two body shapes: `{"message": ...}` for most failures and `{"error": ...}` for
parameter validation done by its API framework (a missing or invalid parameter). A client that
reads one of them must see the same one here.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A failed request: an HTTP status, a JSON body and optional extra headers."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def unauthorized() -> ApiError:
    return ApiError(401, {"message": "401 Unauthorized"})


def forbidden(message: str = "403 Forbidden") -> ApiError:
    return ApiError(403, {"message": message})


def not_found(what: str | None = None) -> ApiError:
    """`404 Project Not Found`, `404 Issue Not Found`, ... or a bare `404 Not Found`."""
    if what is None:
        return ApiError(404, {"error": "404 Not Found"})
    return ApiError(404, {"message": f"404 {what} Not Found"})


def missing(*names: str) -> ApiError:
    """A required parameter is absent: `{"error": "title is missing"}`."""
    if len(names) == 1:
        return ApiError(400, {"error": f"{names[0]} is missing"})
    return ApiError(
        400, {"error": f"{', '.join(names)} are missing, at least one parameter must be provided"}
    )


def invalid(name: str, reason: str = "is invalid") -> ApiError:
    """A parameter of the wrong type or value: `{"error": "due_date is invalid"}`."""
    return ApiError(400, {"error": f"{name} {reason}"})


def bad_request(message: str) -> ApiError:
    return ApiError(400, {"message": f"400 Bad request - {message}"})


def validation(field: str, message: str) -> ApiError:
    """A model validation failure: `{"message": {"title": ["is too long ..."]}}`."""
    return ApiError(400, {"message": {field: [message]}})


def conflict(message: str) -> ApiError:
    return ApiError(409, {"message": message})
