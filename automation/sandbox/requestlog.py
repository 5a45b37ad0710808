"""A log of the API requests the sandbox answered, so benchmarks can count what the bot asks."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class LoggedRequest:
    seq: int
    method: str
    path: str  # without the query string, as requested (percent-encoding kept)
    query: str
    status: int
    username: str | None
    at: str  # sandbox time
    duration_ms: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []
        self._seq = 0

    def record(self, **fields: Any) -> None:
        with self._lock:
            self._seq += 1
            self._entries.append(LoggedRequest(seq=self._seq, **fields))

    def entries(self, since: int = 0) -> list[LoggedRequest]:
        """Requests after sequence number `since` (0: all kept so far)."""
        with self._lock:
            return [entry for entry in self._entries if entry.seq > since]

    def reset(self) -> None:
        """Forget the entries; sequence numbers keep growing so `since` stays meaningful."""
        with self._lock:
            self._entries.clear()
