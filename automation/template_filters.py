"""The filters templates use to show values: times, durations, placeholders, mentions, lists.

A filter that builds Markdown returns `Trusted` text, and escapes every value it puts inside with
the environment's own `escape_value` (Markdown or Slack), so a list item is as inert as a
`{{ value }}`. A filter that only picks or reshapes a value returns it as is: the `finalize`
hook escapes it when it is output.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import jinja2

from .textsafety import Trusted, clean, is_plausible_username, placeholder
from .timefmt import format_clock, format_duration, format_time, parse_time

MAX_ITEMS = 50
# Characters that mean nothing inside a code span, in GitLab or in Slack.
_CODE_SAFE = re.compile(r"^[\w .:/@#~()=+,'\[\]-]+$")
_GROUP_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")
_URL = re.compile(r"^https?://[A-Za-z0-9._~:/?#=&%+-]+$")
_REFERENCE = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*#\d+$|^#\d+$")


def empty(value: Any) -> bool:
    """None, "", or an empty list: a field nobody filled."""
    if isinstance(value, jinja2.Undefined):
        str(value)  # a misspelt variable is an error, not an empty field
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset | Mapping):
        return not value
    return False


def fill(value: Any, what: str = "value") -> Any:
    """The value, or the visible placeholder `_[to fill: what]_`."""
    return placeholder(what) if empty(value) else value


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return parse_time(value)
    if isinstance(value, str):
        try:
            return parse_time(value)
        except ValueError:
            return None
    return None


def when(value: Any, what: str = "YYYY-MM-DD HH:MM UTC") -> Any:
    """A time as `YYYY-MM-DD HH:MM UTC`; free text (`in 30 minutes`) is kept as text."""
    moment = _moment(value)
    if moment is not None:
        return Trusted(format_time(moment))
    return fill(value, what)


def clock(value: Any, what: str = "time") -> Any:
    """A time as `YYYY-MM-DD HH:MM`, where the template already says UTC."""
    moment = _moment(value)
    if moment is not None:
        return Trusted(format_clock(moment))
    return fill(value, what)


def duration(value: Any, end: Any = None, what: str = "X hours Y minutes") -> Any:
    """`X hours Y minutes`: of a timedelta, of a number of minutes, or from `value` to `end`."""
    if isinstance(value, datetime) or end is not None:
        start, finish = _moment(value), _moment(end)
        if start is None or finish is None:
            return placeholder(what)
        return Trusted(format_duration(finish - start))
    if isinstance(value, timedelta):
        return Trusted(format_duration(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Trusted(format_duration(timedelta(minutes=value)))
    return fill(value, what)


def every(minutes: Any, what: str = "frequency") -> Any:
    """A cadence in minutes as `every 30 minutes`, `every hour`, `every 4 hours`."""
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        return fill(minutes, what)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return Trusted(f"every {rest} minutes" if rest != 1 else "every minute")
    if not rest:
        return Trusted("every hour" if hours == 1 else f"every {hours} hours")
    return Trusted(f"every {format_duration(timedelta(minutes=minutes))}")


def _items(value: Any) -> list[Any]:
    if empty(value):
        return []
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        return [value]
    return [item for item in value if not empty(item)][:MAX_ITEMS]


@jinja2.pass_environment
def bullets(env: Any, items: Any, *prompts: str) -> Trusted:
    """`- item` lines, each item inert; with no items, one placeholder line per prompt."""
    values = _items(items)
    if not values:
        return Trusted("\n".join(f"- {placeholder(p)}" for p in prompts or ("items",)))
    return Trusted("\n".join(f"- {env.escape_value(item)}" for item in values))


@jinja2.pass_environment
def numbered(env: Any, items: Any, *prompts: str) -> Trusted:
    """`1. item` lines, each item inert; with no items, one numbered placeholder per prompt."""
    values = _items(items)
    if not values:
        lines = [f"{n}. {placeholder(p)}" for n, p in enumerate(prompts or ("items",), 1)]
    else:
        lines = [f"{n}. {env.escape_value(item)}" for n, item in enumerate(values, 1)]
    return Trusted("\n".join(lines))


@jinja2.pass_environment
def mention(env: Any, value: Any, what: str = "username") -> Any:
    """`@name` that notifies, only for a plausible single user (or a group, where allowed).

    `all`, `here`, group paths and anything odd come out inert.
    """
    if empty(value):
        return placeholder(what)
    name = clean(value, limit=300).removeprefix("@")
    if is_plausible_username(name):
        return Trusted(f"@{name}")
    if env.allow_group_mentions and _GROUP_PATH.match(name):
        return Trusted(f"@{name}")
    return env.escape_value(f"@{name}")


@jinja2.pass_environment
def handle(env: Any, value: Any, what: str = "username") -> Any:
    """`@name` shown without notifying anyone: for thanks and records, not calls to act."""
    if empty(value):
        return placeholder(what)
    return env.escape_value("@" + clean(value, limit=300).removeprefix("@"))


@jinja2.pass_environment
def code(env: Any, value: Any, what: str = "value") -> Any:
    """A label name, field path or value in a code span; escaped text if it holds odd signs."""
    if empty(value):
        return placeholder(what)
    text = clean(value, limit=200)
    return Trusted(f"`{text}`") if _CODE_SAFE.match(text) else env.escape_value(text)


@jinja2.pass_environment
def message(env: Any, value: Any, what: str = "message") -> Any:
    """Text in which `backticked` parts are names: those become code spans, the rest is inert."""
    if empty(value):
        return placeholder(what)
    parts = []
    for index, part in enumerate(clean(value).split("`")):
        if index % 2:
            parts.append(code(env, part) if part.strip() else env.escape_value("'"))
        elif part.strip():
            lead = " " if part[:1].isspace() else ""
            trail = " " if part[-1:].isspace() else ""
            parts.append(f"{lead}{env.escape_value(part)}{trail}")
        elif part:
            parts.append(" ")
    return Trusted("".join(parts))


@jinja2.pass_environment
def link(env: Any, text: Any, url: Any = None, what: str = "link or text") -> Any:
    """`[text](url)` for a plain http(s) address; otherwise just the text, inert.

    With one argument, a value that is an address becomes a link to itself (an escaped address
    would no longer be one), and any other value is shown as text.
    """
    if url is None and isinstance(text, str) and _URL.match(text.strip()):
        url = text.strip()
    label = text if not empty(text) else url
    if empty(label):
        return placeholder(what)
    if isinstance(url, str) and _URL.match(url):
        return Trusted(f"[{env.escape_value(label)}]({url})")
    return env.escape_value(label)


@jinja2.pass_environment
def reference(env: Any, value: Any, what: str = "reference") -> Any:
    """A GitLab issue reference (`#12`, `group/project#12`) left live; anything else inert."""
    if empty(value):
        return placeholder(what)
    text = clean(value, limit=300)
    return Trusted(text) if _REFERENCE.match(text) else env.escape_value(text)


def team(value: Any) -> Any:
    """`customer_success` -> `Customer Success`."""
    if empty(value):
        return placeholder("team")
    return clean(value, limit=100).replace("_", " ").title()


FILTERS = {
    "bullets": bullets,
    "clock": clock,
    "code": code,
    "duration": duration,
    "every": every,
    "fill": fill,
    "handle": handle,
    "label": code,
    "link": link,
    "mention": mention,
    "message": message,
    "numbered": numbered,
    "reference": reference,
    "team": team,
    "when": when,
}

__all__ = ["FILTERS", "empty"]
