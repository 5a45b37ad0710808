"""Fixtures for the sandbox's tests: a fresh sandbox per test, clients, a webhook receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import gitlab
import pytest

from automation.sandbox import Sandbox

from .support import START


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as instance:
        instance.clock.set(START)
        yield instance


@pytest.fixture
def premium() -> Iterator[Sandbox]:
    with Sandbox(tier="premium") as instance:
        instance.clock.set(START)
        yield instance


@pytest.fixture
def bot(sandbox: Sandbox) -> gitlab.Gitlab:
    return sandbox.client()


@pytest.fixture
def alice(sandbox: Sandbox) -> gitlab.Gitlab:
    return sandbox.client_for("alice")


@dataclass
class Received:
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Receiver:
    """A local HTTP endpoint that records what it is sent and answers `status`."""

    url: str = ""
    status: int = 200
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[str]:
        with self.lock:
            return [item.headers["X-Gitlab-Event"] for item in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            with state.lock:
                state.received.append(Received(dict(self.headers.items()), body))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    server.shutdown()
    server.server_close()
