"""Find, parse and validate the YAML front-matter of an issue description.

People do things to descriptions: Windows line endings, text after the block, a block that an
editor indented, tabs, a stray byte-order mark. All of that is tolerated. What is wrong is
reported field by field with the line number in the description, never as a traceback.

A description with no block at all is not an incident, and is left alone.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import yaml

from .incident import Incident
from .timefmt import parse_time

# Large enough for any honest block, small enough that a hostile one cannot cost much.
MAX_BLOCK_CHARS = 64_000
MAX_DEPTH = 10
_FENCE = re.compile(r"^(\s*)---\s*$")
_CLOSE = re.compile(r"^\s*(---|\.\.\.)\s*$")


@dataclass(frozen=True)
class FieldError:
    path: str  # dotted, e.g. "roles.cmoc" or "follow_up_actions[1].due"; "" for the whole block
    line: int | None  # 1-based line in the description
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "front-matter"
        field = f" `{self.path}`" if self.path else ""
        return f"{where}:{field} {self.message}"


@dataclass(frozen=True)
class FrontMatter:
    """The outcome of reading a description."""

    present: bool
    incident: Incident | None = None
    errors: tuple[FieldError, ...] = ()
    data: dict[str, Any] | None = None

    @property
    def valid(self) -> bool:
        return self.present and not self.errors


@dataclass(frozen=True)
class _Block:
    text: str
    first_line: int  # line number (1-based) of the first YAML line


def _find_block(description: str | None) -> _Block | None:
    if not description:
        return None
    text = description.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return None
    opening = _FENCE.match(lines[start])
    if not opening:
        return None
    indent = opening.group(1)
    for end in range(start + 1, len(lines)):
        if _CLOSE.match(lines[end]):
            body = [_dedent(line, indent) for line in lines[start + 1 : end]]
            return _Block("\n".join(body), start + 2)
    return None


def _dedent(line: str, indent: str) -> str:
    """Undo the indentation an editor added to the whole block, and tabs YAML rejects."""
    if indent and line.startswith(indent):
        line = line[len(indent) :]
    stripped = line.lstrip("\t")
    return "  " * (len(line) - len(stripped)) + stripped


def has_front_matter(description: str | None) -> bool:
    """Whether a description starts with a front-matter block: the sign of an incident."""
    return _find_block(description) is not None


class _Loader(yaml.SafeLoader):
    """Safe YAML without aliases (no alias bombs) and without implicit timestamps.

    Times stay strings so that the schema sees what the person typed and reports it clearly.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases (*name) are not allowed here", event.start_mark
            )
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _lines_by_path(node: yaml.Node, first_line: int) -> dict[str, int]:
    """Map every field path to its line in the description, and reject duplicate keys."""
    lines: dict[str, int] = {}

    def walk(current: yaml.Node, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise yaml.MarkedYAMLError(None, None, "nested too deeply", current.start_mark)
        lines.setdefault(path, current.start_mark.line + first_line)
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                key = str(key_node.value)
                if key in seen:
                    raise yaml.MarkedYAMLError(
                        None, None, f"`{key}` is given twice", key_node.start_mark
                    )
                seen.add(key)
                child = f"{path}.{key}" if path else key
                lines[child] = key_node.start_mark.line + first_line
                walk(value_node, child, depth + 1)
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                walk(item, f"{path}[{index}]", depth + 1)

    walk(node, "", 0)
    return lines


def parse(description: str | None) -> FrontMatter:
    """Read the front-matter of a description: absent, valid (with an Incident), or errors."""
    block = _find_block(description)
    if block is None:
        return FrontMatter(present=False)
    if len(block.text) > MAX_BLOCK_CHARS:
        return _fail(
            f"the block is too long ({len(block.text)} characters; at most {MAX_BLOCK_CHARS})",
            block.first_line,
        )
    loader = None
    try:
        loader = _Loader(block.text)
        node = loader.get_single_node()
        if node is None:
            return _fail(
                "the block is empty: fill in the Support Response fields", block.first_line
            )
        lines = _lines_by_path(node, block.first_line)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = block.first_line + mark.line if mark else block.first_line
        problem = error.problem or error.context or "invalid YAML"
        return _fail(f"could not read the YAML: {problem}", line)
    except yaml.YAMLError as error:
        return _fail(f"could not read the YAML: {error}", block.first_line)
    except (ValueError, TypeError, RecursionError):
        return _fail("could not read the YAML: unsupported value", block.first_line)
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        return _fail("the block must be a set of `field: value` lines", block.first_line)
    errors = _validate(data, lines, block.first_line)
    if errors:
        return FrontMatter(present=True, errors=errors, data=data)
    return FrontMatter(present=True, incident=Incident.from_mapping(data), data=data)


def _fail(message: str, line: int) -> FrontMatter:
    return FrontMatter(present=True, errors=(FieldError("", line, message),))


@cache
def _validator() -> Any:
    import json

    import jsonschema

    from .resources import schema_path

    schema = json.loads(schema_path("incident.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _validate(data: dict[str, Any], lines: dict[str, int], first_line: int) -> tuple[FieldError]:
    errors: list[FieldError] = []
    for error in _validator().iter_errors(data):
        path = _dotted(error.absolute_path)
        errors.append(_explain(error, path, lines, first_line))
    flagged = {error.path for error in errors}
    errors.extend(e for e in _check_values(data, lines) if e.path not in flagged)
    unique = {(e.path, e.line, e.message): e for e in errors}
    return tuple(sorted(unique.values(), key=lambda e: (e.line or 0, e.path)))


def _dotted(parts: Any) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _explain(error: Any, path: str, lines: dict[str, int], first_line: int) -> FieldError:
    line = lines.get(path, first_line)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "a field"
        child = f"{path}.{missing}" if path else missing
        return FieldError(child, line, f"is missing: {_describe(missing)}")
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        name = extra[0] if extra else "?"
        child = f"{path}.{name}" if path else name
        hint = difflib.get_close_matches(name, allowed, n=1)
        suggestion = f"; did you mean `{hint[0]}`?" if hint else f"; known: {', '.join(allowed)}"
        return FieldError(child, lines.get(child, line), f"is not a known field{suggestion}")
    if error.validator == "enum":
        options = ", ".join(str(option) for option in error.validator_value)
        return FieldError(path, line, f"must be one of {options} (got {_show(error.instance)})")
    if error.validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        words = {
            "array": "a list",
            "object": "a set of fields",
            "string": "text",
            "boolean": "true or false",
            "integer": "a whole number",
        }
        return FieldError(
            path, line, f"must be {words.get(wanted, wanted)} (got {_show(error.instance)})"
        )
    if error.validator == "pattern":
        return FieldError(path, line, f"{_pattern_hint(path)} (got {_show(error.instance)})")
    if error.validator in ("minItems", "minLength"):
        return FieldError(path, line, "must not be empty")
    if error.validator in ("maxItems", "maxLength"):
        return FieldError(path, line, f"is too long (at most {error.validator_value})")
    if error.validator == "uniqueItems":
        return FieldError(path, line, "lists the same value twice")
    return FieldError(path, line, error.message[:200])


def _pattern_hint(path: str) -> str:
    leaf = path.rsplit(".", 1)[-1]
    if leaf == "detected_at":
        return "must be a UTC time like `2026-12-03 14:05 UTC`"
    if leaf == "due":
        return "must be a date like `2026-12-10`"
    if leaf == "zendesk_tag":
        return "must be a Zendesk tag: lowercase letters, digits, `-` and `_`"
    return "must be a GitLab username like `@alice`"


@cache
def _descriptions() -> dict[str, str]:
    properties = _validator().schema.get("properties", {})
    return {name: spec.get("description", "") for name, spec in properties.items()}


def _describe(name: str) -> str:
    text = _descriptions().get(name, "")
    return text.split(". ")[0].rstrip(".") if text else f"add `{name}`"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_values(data: dict[str, Any], lines: dict[str, int]) -> list[FieldError]:
    """What the schema cannot say: real calendar times and dates."""
    errors = []
    try:
        parse_time(data.get("detected_at"))
    except (ValueError, TypeError):
        errors.append(
            FieldError(
                "detected_at",
                lines.get("detected_at"),
                "is not a real time (check the month, day and hour)",
            )
        )
    actions = data.get("follow_up_actions")
    for index, item in enumerate(actions if isinstance(actions, list) else ()):
        if isinstance(item, dict) and isinstance(item.get("due"), str):
            try:
                date.fromisoformat(item["due"])
            except ValueError:
                path = f"follow_up_actions[{index}].due"
                errors.append(FieldError(path, lines.get(path), "is not a real date"))
    return errors
