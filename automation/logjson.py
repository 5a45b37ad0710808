"""Structured logs: one JSON object per line, with known secrets scrubbed.

Log collectors (Loki, CloudWatch, `jq`) read one object per line without a parser of our own.
The webhook secret and the GitLab token must never reach a log, even through an exception
message that happens to quote them, so the formatter replaces their values wherever they appear.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

REDACTED = "[REDACTED]"

# Attributes every LogRecord has; anything else was passed through `extra=` and is a field.
# uvicorn adds `color_message`, the message again with terminal colour codes: noise in JSON.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message and the extra fields."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        # Short values would redact ordinary words; a real secret is never this short.
        self._secrets = tuple(sorted({s for s in secrets if s and len(s) >= 4}, key=len)[::-1])

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return self._scrub(json.dumps(entry, default=str, ensure_ascii=False))

    def _scrub(self, line: str) -> str:
        for secret in self._secrets:
            # The JSON encoding of a secret may differ from the secret (quotes, backslashes).
            for form in {secret, json.dumps(secret, ensure_ascii=False)[1:-1]}:
                line = line.replace(form, REDACTED)
        return line


def configure(
    secrets: Iterable[str | None] = (), *, level: int = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """Send every log record (ours, uvicorn's, python-gitlab's) to `stream` as JSON lines.

    Replaces the root logger's handlers so that no plain-text line slips between the JSON ones.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's loggers carry their own handlers when it configured them; route them to ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return handler
