from datetime import UTC, datetime, timedelta

import pytest

from automation.timefmt import format_duration, format_time, parse_time, to_gitlab


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 hours 0 minutes"), (61, "1 hour 1 minute"), (135, "2 hours 15 minutes")],
)
def test_durations_read_as_the_templates_ask(minutes, text) -> None:
    assert format_duration(timedelta(minutes=minutes, seconds=59)) == text


def test_times_round_trip_through_gitlab_format() -> None:
    moment = datetime(2026, 12, 3, 14, 5, 7, 250000, tzinfo=UTC)
    assert parse_time(to_gitlab(moment)) == moment
    assert format_time(moment) == "2026-12-03 14:05 UTC"


@pytest.mark.parametrize("bad", ["yesterday", "2026-12-03", "14:05", "2026-12-03 25:00 UTC"])
def test_other_text_is_not_a_time(bad) -> None:
    with pytest.raises(ValueError):
        parse_time(bad)
