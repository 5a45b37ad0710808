"""Render the framework's templates and the bot's notes from `templates/`.

The environment is sandboxed (a team's template cannot reach Python internals), strict (a
misspelt variable is an error naming the file and line, not an empty field) and escapes every
`{{ value }}` centrally through `finalize` (textsafety.py), so a template author cannot forget.

A team overrides a template by putting a file of the same name in its repository, by default in
`.gitlab/incident-bot/templates/`; anything it does not override comes from `templates/`.
"""

from __future__ import annotations

import difflib
import re
import traceback
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import slack, template_filters
from .errors import UsageError, UserError
from .resources import templates_dir
from .textsafety import (
    Trusted,
    disarm_quick_actions,
    join,
    markdown_inline,
    placeholder,
    plain,
    slack_inline,
)

DEFAULT_OVERRIDES = Path(".gitlab/incident-bot/templates")
SUFFIX = ".md.j2"
FORMATS = ("markdown", "slack")

# The seed's ten Handover Summary Templates, in the seed's order: slug -> the seed's title.
SEED_TEMPLATES = {
    "initial-status-update": "Initial Status Update",
    "regular-status-update": "Regular Status Update",
    "resolution-update": "Resolution Update",
    "regional-handoff": "Regional Handoff",
    "support-resource-allocation": "Support Resource Allocation",
    "customer-impact-report": "Customer Impact Report",
    "cmoc-activation": "CMOC Activation",
    "post-incident-support-summary": "Post-Incident Support Summary",
    "technical-to-support-handoff": "Technical-to-Support Handoff",
    "executive-update": "Executive Update",
}

_PURPOSE = re.compile(r"\{#-?\s*purpose:\s*(.*?)\s*-?#\}", re.DOTALL)
_BLANK_LINES = re.compile(r"\n{3,}")

# While a template renders for Slack, the values it echoes wait here (see slack.py).
_SLACK_VALUES: ContextVar[list[str] | None] = ContextVar("slack_values", default=None)


class TemplateError(UserError):
    """A mistake in a template: the message names the file and the line."""


class UnknownTemplate(UsageError):
    """No template by that name; the message lists close matches."""


def render(
    name: str,
    context: Mapping[str, Any],
    *,
    fmt: str = "markdown",
    overrides: str | Path | None = None,
    allow_group_mentions: bool = False,
) -> str:
    """Render template `name` (slug or seed title) with `context`, as Markdown or Slack mrkdwn.

    `overrides` is the team's template directory (default `.gitlab/incident-bot/templates/` when
    it exists). Raises UnknownTemplate for an unknown name, TemplateError for a template mistake.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    directory = override_dir(overrides)
    env = _environment(str(directory) if directory else None, fmt, allow_group_mentions)
    slug = slugify(name)
    try:
        template = env.get_template(slug + SUFFIX) if slug else None
    except jinja2.TemplateNotFound:
        template = None
    except jinja2.TemplateSyntaxError as error:
        where = _where(error.filename or slug + SUFFIX, error.lineno)
        raise TemplateError(f"{where}: {error.message}") from None
    if template is None:
        resolve(name, directory)  # raises UnknownTemplate with the close matches
        raise UnknownTemplate(f"no template named {name!r}")
    values: list[str] = []
    token = _SLACK_VALUES.set(values)
    try:
        text = template.render(dict(context))
    except jinja2.TemplateSyntaxError as error:
        where = _where(error.filename or slug + SUFFIX, error.lineno)
        raise TemplateError(f"{where}: {error.message}") from None
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as error:
        raise TemplateError(f"{_runtime_where(error, slug)}: {_describe(error)}") from None
    finally:
        _SLACK_VALUES.reset(token)
    # Slack gets its values back into their slots; GitLab gets a last check that no line of the
    # note, a team's own template text included, can run a quick action.
    text = slack.to_mrkdwn(text, values) if fmt == "slack" else disarm_quick_actions(text)
    return _tidy(text)


def list_templates(overrides: str | Path | None = None) -> list[tuple[str, str, str]]:
    """Every template as (name, purpose, kind): the seed's ten first, in the seed's order.

    kind is "seed" for the framework's Handover Summary Templates, "bot" for the bot's own
    notes, and "team" for a template that exists only in the team's directory.
    """
    directory = override_dir(overrides)
    builtin = {path.name[: -len(SUFFIX)]: path for path in templates_dir().glob("*" + SUFFIX)}
    found = dict(builtin)
    if directory:
        found.update({p.name[: -len(SUFFIX)]: p for p in directory.glob("*" + SUFFIX)})
    seed = [name for name in SEED_TEMPLATES if name in found]
    others = sorted(name for name in found if name not in SEED_TEMPLATES)
    rows = []
    for name in seed + others:
        kind = "seed" if name in SEED_TEMPLATES else ("bot" if name in builtin else "team")
        rows.append((name, _purpose(found[name]), kind))
    return rows


def resolve(name: str, overrides: str | Path | None = None) -> str:
    """The template slug for a slug, a file name or a seed title (case does not matter)."""
    wanted = slugify(name)
    directory = override_dir(overrides)
    places = ([directory] if directory else []) + [templates_dir()]
    if wanted and any((place / (wanted + SUFFIX)).is_file() for place in places):
        return wanted
    known = [row[0] for row in list_templates(overrides)]
    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `render --list` shows them all"
    raise UnknownTemplate(f"no template named {name!r}{hint}")


def slugify(name: str) -> str:
    """`Initial Status Update Template` -> `initial-status-update`."""
    text = name.strip().lower()
    for suffix in (SUFFIX, ".j2", ".md"):
        text = text.removesuffix(suffix)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text.removesuffix("-template")


def override_dir(overrides: str | Path | None = None) -> Path | None:
    """The team's template directory, if there is one."""
    if overrides is not None:
        path = Path(overrides)
        if not path.is_dir():
            raise UserError(f"{path}: template directory not found")
        return path.resolve()
    return DEFAULT_OVERRIDES.resolve() if DEFAULT_OVERRIDES.is_dir() else None


@cache
def _environment(directory: str | None, fmt: str, allow_group_mentions: bool) -> Any:
    search = [directory] if directory else []
    search.append(str(templates_dir()))
    escape = _markdown_escape if fmt == "markdown" else _slack_escape
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_finalizer(escape),
    )
    env.escape_value = escape  # the filters escape list items the same way as {{ value }}
    env.allow_group_mentions = allow_group_mentions
    env.filters.update(template_filters.FILTERS)
    env.globals["placeholder"] = placeholder
    return env


def _markdown_escape(value: object) -> Trusted:
    return markdown_inline(plain(value))


def _slack_escape(value: object) -> Trusted:
    values = _SLACK_VALUES.get()
    if values is None:  # outside render(): no slots to fill later
        return slack_inline(plain(value))
    values.append(slack_inline(plain(value)))
    return Trusted(slack.slot(len(values) - 1))


def _finalizer(escape: Callable[[object], Trusted]) -> Callable[[Any], str]:
    def finalize(value: Any) -> str:
        if isinstance(value, Trusted):
            return value
        if isinstance(value, jinja2.Undefined):
            return str(value)  # StrictUndefined raises here, naming the variable
        if value is None:
            return placeholder("value")
        if isinstance(value, list | tuple | set | frozenset):
            return join(value, escape) if value else placeholder("list")
        return escape(value)

    return finalize


def _where(filename: str, line: int | None) -> str:
    path = Path(filename)
    try:
        shown = str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return f"{shown}, line {line}" if line else shown


def _runtime_where(error: BaseException, slug: str) -> str:
    """The template file and line an error came from, from Jinja's rewritten traceback."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.endswith(SUFFIX)
    ]
    if frames:
        return _where(frames[-1].filename, frames[-1].lineno)
    return slug + SUFFIX


def _describe(error: BaseException) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return message.splitlines()[0]


def _purpose(path: Path) -> str:
    try:
        head = path.read_text(encoding="utf-8")[:1000]
    except OSError:
        return ""
    match = _PURPOSE.search(head)
    return " ".join(match.group(1).split()) if match else ""


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"


__all__ = [
    "DEFAULT_OVERRIDES",
    "SEED_TEMPLATES",
    "TemplateError",
    "UnknownTemplate",
    "list_templates",
    "render",
    "resolve",
    "slugify",
]
