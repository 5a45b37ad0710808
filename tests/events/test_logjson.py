"""Structured logs: one JSON object a line, secrets never written."""

from __future__ import annotations

import io
import json
import logging

import pytest

from automation.logjson import REDACTED, JsonFormatter, configure

TOKEN = "glpat-AbCdEf123456"
SECRET = 'webhook"secret\\value'


@pytest.fixture
def capture():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter([TOKEN, SECRET, None, ""]))
    logger = logging.getLogger("tests.logjson")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_is_one_json_object_with_its_extra_fields(capture):
    logger, stream = capture
    logger.info("delivery %s", "queued", extra={"iid": 42, "hook": "Note Hook"})
    (entry,) = lines(stream)
    assert entry["message"] == "delivery queued"
    assert (entry["level"], entry["logger"]) == ("info", "tests.logjson")
    assert (entry["iid"], entry["hook"]) == (42, "Note Hook")
    assert entry["time"].endswith("+00:00")


def test_secrets_are_redacted_wherever_they_appear(capture):
    logger, stream = capture
    logger.warning("token %s rejected", TOKEN, extra={"header": f"PRIVATE-TOKEN: {TOKEN}"})
    logger.error("bad secret", extra={"given": SECRET})
    try:
        raise RuntimeError(f"GitLab said no to {TOKEN}")
    except RuntimeError:
        logger.exception("failed")
    text = stream.getvalue()
    assert TOKEN not in text and "AbCdEf123456" not in text
    assert "secret\\\\value" not in text
    assert text.count(REDACTED) >= 4
    assert len(lines(stream)) == 3  # a traceback stays inside its line


def test_a_multiline_message_stays_on_one_line(capture):
    logger, stream = capture
    logger.info("first\nsecond")
    assert len(stream.getvalue().splitlines()) == 1


def test_configure_routes_every_logger_to_json():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        configure([TOKEN], stream=stream)
        logging.getLogger("uvicorn.error").info("Started server process")
        logging.getLogger("incident_bot.server").info("listening %s", TOKEN)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    entries = lines(stream)
    assert [e["logger"] for e in entries] == ["uvicorn.error", "incident_bot.server"]
    assert TOKEN not in stream.getvalue()
