"""Admin endpoints under `/-/sandbox/`: the controls a drill or a test uses over HTTP.

They need no token (the sandbox binds to 127.0.0.1 by default) and are not part of GitLab's
API, so they are neither counted in the request log nor rate limited.

    GET    /-/sandbox                              what this sandbox is: URL, tier, tokens, clock
    GET    /-/sandbox/clock                        {"now": ..., "frozen": ...}
    POST   /-/sandbox/clock                        {"now": ISO} or {"advance_seconds": n}
                                                   or {"real": true} (follow real time again)
    GET    /-/sandbox/requests?since=N             the API request log
    DELETE /-/sandbox/requests                     empty it (also POST /-/sandbox/requests/reset)
    GET    /-/sandbox/webhook                      the webhook URL (and whether a secret is set)
    POST   /-/sandbox/webhook                      {"url": ..., "secret": ...}
    POST   /-/sandbox/webhooks/flush               wait for queued deliveries {"timeout": s}
    GET    /-/sandbox/webhooks/deliveries?since=N  deliveries with payloads and results
    POST   /-/sandbox/webhooks/deliveries/ID/redeliver   resend one (same Idempotency-Key)
    GET    /-/sandbox/quick_actions                every quick action run, with its outcome
    POST   /-/sandbox/users                        {"username": ..., "access_level": "guest"}
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .api import Response
from .clock import api_time, from_db, parse_time
from .seed import ACCESS_LEVELS

if TYPE_CHECKING:
    from .server import Sandbox

PREFIX = "/-/sandbox"


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def handle(
    sandbox: Sandbox, method: str, path: str, query: dict[str, str], body: dict[str, Any]
) -> Response:
    route = path[len(PREFIX) :].rstrip("/") or "/"
    try:
        return _dispatch(sandbox, method, route, query, body)
    except (ValueError, KeyError) as error:
        return Response(400, {"error": str(error)})


def _dispatch(
    sandbox: Sandbox, method: str, route: str, query: dict[str, str], body: dict[str, Any]
) -> Response:
    if route == "/" and method == "GET":
        return Response(200, sandbox.describe())
    if route == "/clock":
        if method == "POST":
            if body.get("real"):
                sandbox.clock.resume()
            elif "now" in body:
                sandbox.clock.set(parse_time(str(body["now"])))
            elif "advance_seconds" in body:
                sandbox.clock.advance(timedelta(seconds=float(body["advance_seconds"])))
            else:
                raise ValueError("give now, advance_seconds or real")
        return Response(200, {"now": api_time(sandbox.clock.now()), "frozen": sandbox.clock.frozen})
    if route == "/requests":
        if method == "DELETE":
            sandbox.reset_requests()
            return Response(204, None)
        entries = sandbox.requests(since=_int(query.get("since")))
        return Response(200, {"count": len(entries), "requests": [e.as_json() for e in entries]})
    if route == "/requests/reset" and method == "POST":
        sandbox.reset_requests()
        return Response(204, None)
    if route == "/webhook":
        if method == "POST":
            sandbox.set_webhook(body.get("url"), body.get("secret"))
        hooks = sandbox.webhooks
        return Response(200, {"url": hooks.url, "secret_set": bool(hooks.secret)})
    if route == "/webhooks/flush" and method == "POST":
        drained = sandbox.flush_webhooks(timeout=float(body.get("timeout", 30)))
        return Response(200 if drained else 504, {"drained": drained})
    if route == "/webhooks/deliveries" and method == "GET":
        deliveries = sandbox.deliveries(since=_int(query.get("since")))
        return Response(200, [delivery.as_json() for delivery in deliveries])
    redeliver = re.fullmatch(r"/webhooks/deliveries/(\d+)/redeliver", route)
    if redeliver and method == "POST":
        return Response(201, {"id": sandbox.redeliver(int(redeliver.group(1)))})
    if route == "/quick_actions" and method == "GET":
        rows = sandbox.store.all("SELECT * FROM quick_actions ORDER BY id")
        return Response(
            200,
            [dict(row) | {"created_at": api_time(from_db(row["created_at"]))} for row in rows],
        )
    if route == "/users" and method == "POST":
        level = ACCESS_LEVELS[str(body.get("access_level", "developer"))]
        token = sandbox.add_user(str(body["username"]), level)
        return Response(201, {"username": body["username"], "token": token})
    return Response(404, {"error": "404 Not Found"})
