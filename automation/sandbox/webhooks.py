"""Webhook deliveries: recorded with the change that caused them, sent in order by one thread.

Every issue change and every comment is recorded as a delivery row in the same transaction as the
change (so a failed request leaves no delivery behind), and its id is queued. One background
thread sends the queue in order with GitLab's headers and a timeout, and records the response
status. Without a configured URL the delivery is recorded but not sent ("skipped"), so tests can
still read every payload.

GitLab does not retry a failed delivery, and neither does the sandbox; `redeliver` resends a
past delivery with the same `Idempotency-Key` and event UUID (a fresh `X-Gitlab-Webhook-UUID`),
as a manual "Resend request" in GitLab does, so receivers can be tested against duplicates.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .clock import Clock, to_db
from .payloads import Payloads
from .store import Store

GITLAB_VERSION = "18.6.0"
DEFAULT_TIMEOUT_SECONDS = 10.0


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST and return the status. http.client keeps header names exactly as GitLab writes
    them (urllib would send `X-gitlab-event`)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@dataclass(frozen=True)
class Delivery:
    id: int
    event: str  # the X-Gitlab-Event header
    payload: dict[str, Any]
    status: str  # queued, delivered, failed, skipped
    response_status: int | None
    error: str | None
    event_uuid: str
    idempotency_key: str
    webhook_uuid: str | None
    redelivery_of: int | None
    url: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event,
            "status": self.status,
            "response_status": self.response_status,
            "error": self.error,
            "event_uuid": self.event_uuid,
            "idempotency_key": self.idempotency_key,
            "webhook_uuid": self.webhook_uuid,
            "redelivery_of": self.redelivery_of,
            "url": self.url,
            "payload": self.payload,
        }


class Webhooks:
    """The project's one webhook: its URL and secret, the queue, and the sending thread."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        payloads: Payloads,
        instance_url: Callable[[], str],
        url: str | None = None,
        secret: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.store = store
        self.clock = clock
        self.payloads = payloads
        self.instance_url = instance_url
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None

    def configure(self, url: str | None, secret: str | None) -> None:
        self.url = url or None
        self.secret = secret or None

    # The event sink the tracker calls ---------------------------------------------------------

    def issue_event(
        self, issue_id: int, actor_id: int, action: str, before: dict[str, Any] | None
    ) -> None:
        payload = self.payloads.issue_hook(issue_id, actor_id, action, before)
        confidential = payload["event_type"] == "confidential_issue"
        self._record("Confidential Issue Hook" if confidential else "Issue Hook", payload)

    def note_event(self, note_id: int, actor_id: int, action: str) -> None:
        payload = self.payloads.note_hook(note_id, actor_id, action)
        confidential = payload["event_type"] == "confidential_note"
        self._record("Confidential Note Hook" if confidential else "Note Hook", payload)

    # Recording and sending --------------------------------------------------------------------

    def _record(
        self,
        event: str,
        payload: dict[str, Any],
        *,
        event_uuid: str | None = None,
        idempotency_key: str | None = None,
        redelivery_of: int | None = None,
    ) -> int:
        with self.store.transaction():
            delivery_id = self.store.insert(
                "deliveries",
                event_header=event,
                event_uuid=event_uuid or str(uuid.uuid4()),
                idempotency_key=idempotency_key or str(uuid.uuid4()),
                payload=json.dumps(payload),
                url=self.url,
                status="queued" if self.url else "skipped",
                redelivery_of=redelivery_of,
                created_at=to_db(self.clock.now()),
            )
        if self.url:
            with self._idle:
                self._pending += 1
            self._queue.put(delivery_id)
        return delivery_id

    def redeliver(self, delivery_id: int) -> int:
        """Send a past delivery again, with the same Idempotency-Key and event UUID."""
        row = self.store.one("SELECT * FROM deliveries WHERE id = ?", delivery_id)
        if row is None:
            raise KeyError(delivery_id)
        return self._record(
            row["event_header"],
            json.loads(row["payload"]),
            event_uuid=row["event_uuid"],
            idempotency_key=row["idempotency_key"],
            redelivery_of=delivery_id,
        )

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=self.timeout + 1)
            self._thread = None

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every queued delivery has been sent; False if `timeout` ran out first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def _run(self) -> None:
        while True:
            delivery_id = self._queue.get()
            if delivery_id is None:
                return
            try:
                self._send(delivery_id)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _send(self, delivery_id: int) -> None:
        # Reading the row waits for the transaction that recorded it to commit (same lock).
        row = self.store.one("SELECT * FROM deliveries WHERE id = ?", delivery_id)
        if row is None or not row["url"]:
            return  # the change was rolled back, or there is nowhere to send it
        webhook_uuid = str(uuid.uuid4())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"GitLab/{GITLAB_VERSION}",
            "Idempotency-Key": row["idempotency_key"],
            "X-Gitlab-Event": row["event_header"],
            "X-Gitlab-Webhook-UUID": webhook_uuid,
            "X-Gitlab-Instance": self.instance_url(),
            "X-Gitlab-Event-UUID": row["event_uuid"],
        }
        if self.secret:
            headers["X-Gitlab-Token"] = self.secret
        status, response_status, error = "failed", None, None
        try:
            response_status = _post(row["url"], row["payload"].encode(), headers, self.timeout)
            status = "delivered" if 200 <= response_status < 300 else "failed"
            if status == "failed":
                error = f"HTTP {response_status}"
        except (OSError, http.client.HTTPException, ValueError) as failure:
            error = str(failure) or type(failure).__name__
        with self.store.transaction():
            self.store.update(
                "deliveries",
                delivery_id,
                status=status,
                response_status=response_status,
                error=error,
                webhook_uuid=webhook_uuid,
                delivered_at=to_db(self.clock.now()),
            )

    # Reading ----------------------------------------------------------------------------------

    def deliveries(self, since_id: int = 0) -> list[Delivery]:
        rows = self.store.all("SELECT * FROM deliveries WHERE id > ? ORDER BY id", since_id)
        return [
            Delivery(
                id=row["id"],
                event=row["event_header"],
                payload=json.loads(row["payload"]),
                status=row["status"],
                response_status=row["response_status"],
                error=row["error"],
                event_uuid=row["event_uuid"],
                idempotency_key=row["idempotency_key"],
                webhook_uuid=row["webhook_uuid"],
                redelivery_of=row["redelivery_of"],
                url=row["url"],
            )
            for row in rows
        ]
