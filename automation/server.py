"""`incident-bot serve`: the webhook receiver.

Built on Starlette and served by uvicorn. Starlette is a small, well-kept ASGI toolkit: routing,
requests and a lifespan hook are all this receiver needs, with no framework around them. uvicorn
is the reference ASGI server; its graceful shutdown lets in-flight requests finish before the
lifespan hook drains the work queue.

GitLab disables a webhook after four failed deliveries in a row, and a slow answer is a failure.
So `POST /webhook` only checks the delivery, answers, and leaves the work (a `reconcile` that
talks to GitLab) to worker threads behind a bounded queue (`automation.workqueue`): one issue
is never reconciled twice at once, and its events that wait together are reconciled once. What
is lost here (a full queue, a crash) the scheduled scan repairs: the receiver is the fast path,
not the only one.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import events
from .workqueue import KeyedWorkQueue, SeenKeys

log = logging.getLogger("incident_bot.server")

Handle = Callable[[events.Event], Any]

# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms). While
# workers reconcile, the event loop that answers GitLab waits for the GIL behind them; at the
# default, acknowledgements of a burst queue up to tens of milliseconds behind that work.
# benchmarks/bench_receiver.py measures the effect.
SWITCH_INTERVAL = 0.0005


class Metrics:
    """The receiver's Prometheus metrics, in a registry of their own so that several apps (tests)
    can live in one process."""

    def __init__(self, queue: KeyedWorkQueue[events.Event]) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.received = Counter(
            "incident_bot_deliveries_received",
            "Webhook deliveries received, by X-Gitlab-Event",
            ["hook"],
            registry=r,
        )
        self.rejected = Counter(
            "incident_bot_deliveries_rejected",
            "Deliveries refused: bad token, malformed or too large",
            ["status"],
            registry=r,
        )
        self.ignored = Counter(
            "incident_bot_deliveries_ignored",
            "Well-formed deliveries with nothing to do",
            ["reason"],
            registry=r,
        )
        self.duplicates = Counter(
            "incident_bot_deliveries_duplicate", "Deliveries seen before", registry=r
        )
        self.dropped = Counter(
            "incident_bot_events_dropped",
            "Events acknowledged but not queued; the scheduled scan repairs them",
            ["reason"],
            registry=r,
        )
        self.processed = Counter(
            "incident_bot_events_processed", "Events reconciled without error", registry=r
        )
        self.failed = Counter("incident_bot_events_failed", "Events whose work raised", registry=r)
        self.coalesced = Counter(
            "incident_bot_events_coalesced",
            "Events covered by one reconcile together with later events of the same issue",
            registry=r,
        )
        self.processing = Histogram(
            "incident_bot_event_processing_seconds",
            "Time spent on one reconcile (of one event or of several coalesced)",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=r,
        )
        Gauge("incident_bot_queue_depth", "Events waiting for a worker", registry=r).set_function(
            lambda: queue.depth
        )
        Gauge("incident_bot_events_in_progress", "Events being worked on", registry=r).set_function(
            lambda: queue.busy
        )


class Receiver:
    """The state behind the routes: the work queue, the keys seen, the metrics."""

    def __init__(
        self,
        *,
        secret: str,
        bot_username: str,
        handle: Handle,
        workers: int,
        queue_size: int,
        max_body_bytes: int,
        incident_label: str,
        seen_keys: int,
        drain_timeout: float | None,
    ) -> None:
        if not secret:
            raise ValueError("the webhook secret is empty")
        self.secret = secret
        self.bot_username = bot_username
        self.handle = handle
        self.max_body_bytes = max_body_bytes
        self.incident_label = incident_label
        self.drain_timeout = drain_timeout
        self.seen = SeenKeys(seen_keys)
        self.queue: KeyedWorkQueue[events.Event] = KeyedWorkQueue(
            self._work,
            key=lambda event: event.issue_key,
            workers=workers,
            capacity=queue_size,
            name="incident-bot-worker",
        )
        self.metrics = Metrics(self.queue)

    async def webhook(self, request: Request) -> Response:
        started = time.perf_counter()
        hook = request.headers.get("x-gitlab-event", "")
        fields: dict[str, Any] = {"hook": hook}
        try:
            events.verify_token(request.headers, self.secret)
            body = await self._read_body(request)
            self.metrics.received.labels(hook if hook in events.HOOKS else "other").inc()
            outcome = events.parse_delivery(
                request.headers,
                body,
                bot_username=self.bot_username,
                incident_label=self.incident_label,
            )
            status, answer = self._dispatch(outcome, fields)
        except events.DeliveryError as error:
            self.metrics.rejected.labels(str(error.status)).inc()
            status, answer = error.status, {"status": "rejected", "error": str(error)}
        except ClientDisconnect:
            status, answer = 400, {"status": "rejected", "error": "client disconnected"}
        fields.update(status=status, result=answer["status"])
        fields["ms"] = round((time.perf_counter() - started) * 1000, 3)
        # A refused or dropped delivery needs a person's eye (a wrong secret, too little capacity).
        level = logging.WARNING if answer["status"] in ("rejected", "dropped") else logging.INFO
        log.log(level, "delivery %s", answer["status"], extra=fields)
        return JSONResponse(answer, status_code=status)

    def _dispatch(
        self, outcome: events.Event | events.Ignored, fields: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        if isinstance(outcome, events.Ignored):
            self.metrics.ignored.labels(outcome.code).inc()
            fields["reason"] = outcome.reason
            return 200, {"status": "ignored", "reason": outcome.reason}
        event = outcome
        fields.update(project_id=event.project_id, iid=event.iid, dedup_key=event.dedup_key)
        if not self.seen.add(event.dedup_key):
            self.metrics.duplicates.inc()
            return 200, {"status": "duplicate"}
        if not self.queue.submit(event):
            # 202, not 503: GitLab counts a 5xx as a failure and would end up disabling the
            # webhook, while the scheduled scan repairs this issue within minutes anyway.
            self.seen.forget(event.dedup_key)
            self.metrics.dropped.labels("queue-full").inc()
            return 202, {"status": "dropped", "reason": "queue full; the scheduled scan repairs it"}
        return 202, {"status": "queued"}

    async def _read_body(self, request: Request) -> bytes:
        """The body, refused as soon as it is known to pass the limit: by its declared length,
        or while counting what arrives (a chunked body declares none)."""
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise events.MalformedPayload("Content-Length is not a number")
            if int(declared) > self.max_body_bytes:
                raise events.PayloadTooLarge(f"body over {self.max_body_bytes} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise events.PayloadTooLarge(f"body over {self.max_body_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _work(self, batch: list[events.Event]) -> None:
        """Reconcile the issue of a batch: its events wait for one issue, and one run that starts
        after all of them covers them all. The newest stands for the batch."""
        event = batch[-1]
        fields = {"project_id": event.project_id, "iid": event.iid, "events": len(batch)}
        started = time.perf_counter()
        try:
            self.handle(event)
        except Exception:
            self.metrics.failed.inc(len(batch))
            # A resend of these deliveries should be tried again, not skipped as duplicates.
            for each in batch:
                self.seen.forget(each.dedup_key)
            log.exception("event failed", extra=fields)
        else:
            self.metrics.processed.inc(len(batch))
            fields["ms"] = round((time.perf_counter() - started) * 1000, 3)
            log.info("event processed", extra=fields)
        finally:
            self.metrics.coalesced.inc(len(batch) - 1)
            self.metrics.processing.observe(time.perf_counter() - started)

    async def healthz(self, request: Request) -> Response:
        return JSONResponse(
            {"status": "ok", "queue_depth": self.queue.depth, "in_progress": self.queue.busy}
        )

    async def metrics_endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every queued event has been handled, leaving the receiver running (for
        drills and end-to-end tests); False if `timeout` ran out first."""
        return self.queue.wait_idle(timeout)

    def drain(self) -> None:
        """Finish the queued work; called once the server has stopped taking requests."""
        left = self.queue.close(self.drain_timeout)
        if left:
            log.warning("shutdown: %d events left undone; the scheduled scan repairs them", left)
        else:
            log.info("shutdown: queue drained")


def create_app(
    secret: str,
    bot_username: str,
    handle: Handle,
    *,
    workers: int = 4,
    queue_size: int = 1000,
    max_body_bytes: int = events.DEFAULT_MAX_BODY_BYTES,
    incident_label: str = "incident",
    seen_keys: int = 10_000,
    drain_timeout: float | None = 60.0,
) -> Starlette:
    """The receiver as an ASGI app. `handle(event)` runs on a worker thread for new events:
    once per event, or once for several events of one issue that waited together (the newest).

    The Receiver is reachable as `app.state.receiver` (its metrics, queue and keys seen).
    """
    receiver = Receiver(
        secret=secret,
        bot_username=bot_username,
        handle=handle,
        workers=workers,
        queue_size=queue_size,
        max_body_bytes=max_body_bytes,
        incident_label=incident_label,
        seen_keys=seen_keys,
        drain_timeout=drain_timeout,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        yield
        # uvicorn has stopped accepting and answered every open request: finish the queue.
        await asyncio.to_thread(receiver.drain)

    app = Starlette(
        routes=[
            Route("/webhook", receiver.webhook, methods=["POST"]),
            Route("/healthz", receiver.healthz, methods=["GET"]),
            Route("/metrics", receiver.metrics_endpoint, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.receiver = receiver
    return app


@dataclass
class RunningServer:
    """A uvicorn server on a background thread; `stop()` (or leaving a `with` block) shuts it
    down gracefully: open requests are answered and the queued work is finished."""

    url: str
    app: Starlette  # app.state.receiver holds the queue, the metrics and the keys seen
    server: Any
    thread: threading.Thread

    def stop(self, timeout: float = 30.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise RuntimeError(f"server at {self.url} did not stop within {timeout} s")

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve_in_thread(
    app: Starlette, host: str = "127.0.0.1", port: int = 0, *, timeout: float = 10.0
) -> RunningServer:
    """Run `app` with uvicorn on a background thread and return once it accepts connections.

    Port 0 picks a free port; the returned URL names the one chosen. For tests and drills.
    """
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY only on sockets that name TCP,
    # and without it each answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="incident-bot-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"the receiver did not start on {host}:{bound}")
        time.sleep(0.005)
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    return RunningServer(f"http://{shown}:{bound}", app, server, thread)


def favour_acknowledgements() -> None:
    """Let the event loop take the GIL from busy workers sooner. Process-wide: call it only in
    a process that exists to serve (`serve`, the benchmark), not in a test run."""
    sys.setswitchinterval(SWITCH_INTERVAL)


def serve(app: Starlette, host: str, port: int) -> None:
    """Run `app` in the foreground until SIGINT or SIGTERM, then shut down gracefully."""
    import uvicorn

    favour_acknowledgements()

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,  # logging is already configured: JSON lines, secrets scrubbed
        access_log=False,  # each delivery is logged once, by the receiver, with its outcome
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    uvicorn.Server(config).run()
