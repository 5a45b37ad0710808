"""Webhook deliveries built from the payloads in tests/fixtures/webhooks, and a live receiver."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from automation.server import RunningServer, create_app, serve_in_thread
from tests.conftest import BOT, load_json

SECRET = "s3cret-webhook-token-value"

# event_type in a payload -> the X-Gitlab-Event header GitLab sends with it.
HOOK_BY_EVENT_TYPE = {
    "issue": "Issue Hook",
    "confidential_issue": "Confidential Issue Hook",
    "note": "Note Hook",
    "confidential_note": "Confidential Note Hook",
}


def payload(name: str) -> dict[str, Any]:
    return load_json(f"webhooks/{name}.json")


def headers_for(
    body: dict[str, Any], *, token: str | None = SECRET, key: str | None = None, **extra: str
) -> dict[str, str]:
    hook = HOOK_BY_EVENT_TYPE.get(body.get("event_type", ""), "Push Hook")
    headers = {
        "Content-Type": "application/json",
        "X-Gitlab-Event": hook,
        "X-Gitlab-Event-UUID": "13792a34-cac6-4fda-95a8-c58e00a3954e",
        "X-Gitlab-Webhook-UUID": "3c4ebbc9-4c1d-4bd0-b17e-9e1c1a1f2e6b",
        "X-Gitlab-Instance": "https://gitlab.example.com",
        "User-Agent": "GitLab/17.6.0",
    }
    if token is not None:
        headers["X-Gitlab-Token"] = token
    if key is not None:
        headers["Idempotency-Key"] = key
    headers.update(extra)
    return headers


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


@pytest.fixture
def start_receiver() -> Iterator[Callable[..., RunningServer]]:
    """Start a receiver with an injected handle on a loopback port; stopped after the test."""
    started: list[RunningServer] = []

    def start(handle: Callable[[Any], Any], **options: Any) -> RunningServer:
        options.setdefault("workers", 4)
        app = create_app(SECRET, BOT, handle, **options)
        server = serve_in_thread(app)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.thread.is_alive():
            server.stop()
