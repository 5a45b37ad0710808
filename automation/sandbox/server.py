"""`Sandbox`: the embedded GitLab, served over real HTTP from a thread of the calling process.

    with Sandbox() as sandbox:                     # 127.0.0.1, a free port, in-memory state
        bot = sandbox.client()                     # python-gitlab, as the bot's account
        alice = sandbox.client_for("alice")        # ... or as a person
        sandbox.clock.set(datetime(2026, 12, 3, 14, 5, tzinfo=UTC))
        ...
        sandbox.flush_webhooks()
        sandbox.requests()                         # what the bot asked, for benchmarks

The standard library's threading HTTP server keeps start-up in milliseconds; all state is in one
SQLite database (see `store.py`), so the server is safe to call from many threads at once.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from . import admin, graphql
from .api import Api, Request, Response
from .clock import Clock, api_time
from .entities import Presenter
from .errors import ApiError
from .params import collect, read_body
from .payloads import Payloads
from .ratelimit import RateLimiter
from .requestlog import LoggedRequest, RequestLog
from .seed import BOT_USERNAME, DEVELOPER, INCIDENTS_PROJECT, INCIDENTS_PROJECT_ID, add_user, seed
from .store import Store
from .tracker import Tracker
from .webhooks import DEFAULT_TIMEOUT_SECONDS, Delivery, Webhooks

if TYPE_CHECKING:
    import gitlab

API_PREFIX = "/api/v4"


class Sandbox:
    """An in-process stand-in for the part of GitLab the bot uses.

    `db` is a SQLite file (state survives restarts) or `":memory:"`; `tier` is `"free"` (scoped
    labels not exclusive, one assignee) or `"premium"`; `note_rate_per_minute` turns on the
    notes-creation limit (60 on gitlab.com); `clock` lets a caller share or preset the clock.
    """

    def __init__(
        self,
        db: str = ":memory:",
        tier: str = "free",
        note_rate_per_minute: int | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.clock = clock or Clock()
        self.store = Store(db)
        seed(self.store, self.clock)
        self.tracker = Tracker(self.store, self.clock, tier)
        self.presenter = Presenter(self.tracker, lambda: self.url)
        self.limiter = RateLimiter(self.clock, note_rate_per_minute)
        self.api = Api(self.tracker, self.presenter, self.limiter)
        self.webhooks = Webhooks(
            self.store,
            self.clock,
            Payloads(self.presenter),
            instance_url=lambda: self.url,
            url=webhook_url,
            secret=webhook_secret,
            timeout=webhook_timeout,
        )
        self.tracker.events = self.webhooks
        self.request_log = RequestLog()
        self.host = host
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Life cycle -------------------------------------------------------------------------------

    @property
    def tier(self) -> str:
        return self.tracker.tier

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT` once started."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        self._server = ThreadingHTTPServer((self.host, self.port), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            # A short poll interval lets `stop()` return quickly (it waits for one poll).
            kwargs={"poll_interval": 0.01},
            name="sandbox-http",
            daemon=True,
        )
        self._thread.start()
        self.webhooks.start()
        return self

    def stop(self) -> None:
        self.webhooks.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Acting as someone ------------------------------------------------------------------------

    @property
    def bot_token(self) -> str:
        return self.token_for(BOT_USERNAME)

    def token_for(self, username: str) -> str:
        user = self.tracker.user_by_username(username)
        if user is None:
            raise KeyError(f"no sandbox user {username!r}")
        return str(user["token"])

    def tokens(self) -> dict[str, str]:
        return {row["username"]: row["token"] for row in self.store.all("SELECT * FROM users")}

    def client_for(self, username: str, **options: Any) -> gitlab.Gitlab:
        """A python-gitlab client acting as `username` (its personal access token)."""
        import gitlab

        options.setdefault("timeout", 10)
        return gitlab.Gitlab(self.url, private_token=self.token_for(username), **options)

    def client(self, **options: Any) -> gitlab.Gitlab:
        """A python-gitlab client acting as the bot's account."""
        return self.client_for(BOT_USERNAME, **options)

    def add_user(self, username: str, access_level: int = DEVELOPER) -> str:
        """Add a person (for example a guest, to test rights); returns their token."""
        return add_user(self.store, self.clock, username, access_level)

    # Observing --------------------------------------------------------------------------------

    def requests(self, since: int = 0) -> list[LoggedRequest]:
        """The API requests answered so far (after sequence number `since`)."""
        return self.request_log.entries(since)

    def reset_requests(self) -> None:
        self.request_log.reset()

    def set_webhook(self, url: str | None, secret: str | None = None) -> None:
        self.webhooks.configure(url, secret)

    def flush_webhooks(self, timeout: float = 30.0) -> bool:
        """Wait until every queued delivery has been sent (True) or `timeout` ran out (False)."""
        return self.webhooks.flush(timeout)

    def deliveries(self, since: int = 0) -> list[Delivery]:
        return self.webhooks.deliveries(since)

    def redeliver(self, delivery_id: int) -> int:
        """Resend a past delivery with the same Idempotency-Key; returns the new delivery's id."""
        return self.webhooks.redeliver(delivery_id)

    def quick_actions(self) -> list[dict[str, Any]]:
        """Every quick action the sandbox extracted, with what came of it."""
        return [dict(row) for row in self.store.all("SELECT * FROM quick_actions ORDER BY id")]

    def describe(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "tier": self.tier,
            "now": api_time(self.clock.now()),
            "clock_frozen": self.clock.frozen,
            "bot_username": BOT_USERNAME,
            "tokens": self.tokens(),
            "project": {"id": INCIDENTS_PROJECT_ID, "path": INCIDENTS_PROJECT},
            "webhook_url": self.webhooks.url,
        }

    # Serving ----------------------------------------------------------------------------------

    def serve(self, request: Request) -> Response:
        return self.api.handle(request)


def _handler_for(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: python-gitlab reuses its connection
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm
        # and the client's delayed ACK add 40 ms to every request.
        disable_nagle_algorithm = True
        server_version = "GitLab-sandbox"

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def do_PUT(self) -> None:
            self._handle()

        def do_DELETE(self) -> None:
            self._handle()

        def do_PATCH(self) -> None:
            self._handle()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request log replaces the access log

        def _handle(self) -> None:
            started = time.perf_counter()
            parts = urlsplit(self.path)
            query = parse_qsl(parts.query, keep_blank_values=True)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            actor_name: str | None = None
            try:
                body = read_body(self.headers.get("Content-Type", ""), raw)
                if parts.path == admin.PREFIX or parts.path.startswith(admin.PREFIX + "/"):
                    response = admin.handle(sandbox, self.command, parts.path, dict(query), body)
                    self._reply(response)
                    return
                if parts.path == graphql.PATH:
                    response, actor_name = graphql.handle(
                        sandbox, self.command, dict(self.headers.items()), body
                    )
                elif not parts.path.startswith(API_PREFIX + "/"):
                    response = Response(404, {"error": "404 Not Found"})
                else:
                    request = Request(
                        method=self.command,
                        path=parts.path[len(API_PREFIX) :],
                        query=query,
                        params=collect(query) | body,
                        headers={key.lower(): value for key, value in self.headers.items()},
                        base_url=f"http://{self.headers.get('Host') or sandbox.url[7:]}",
                    )
                    response = sandbox.serve(request)
                    actor_name = request.actor["username"] if request.actor else None
            except ApiError as error:
                response = Response(error.status, error.body, error.headers)
            except Exception:  # a bug in the sandbox must still answer like a server
                traceback.print_exc(file=sys.stderr)
                response = Response(500, {"message": "500 Internal Server Error"})
            # Logged before replying, so a client that reads the log after its answer sees it.
            sandbox.request_log.record(
                method=self.command,
                path=parts.path,
                query=parts.query,
                status=response.status,
                username=actor_name,
                at=api_time(sandbox.clock.now()) or "",
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
            )
            self._reply(response)

        def _reply(self, response: Response) -> None:
            payload = b"" if response.body is None else json.dumps(response.body).encode()
            self.send_response(response.status)
            if response.body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if payload and self.command != "HEAD":
                self.wfile.write(payload)

    return Handler
