"""Webhook deliveries to events, with no I/O.

This module knows nothing of web servers or GitLab clients (the idea of gidgetlab's `sansio`):
the receiver (`automation.server`) and the CI trigger job (`incident-bot handle-event`) both hand
it headers and raw bytes and get back an `Event` to reconcile or an `Ignored` saying why not.
Problems with the delivery itself are typed errors that the web layer maps to status codes.

GitLab sends four deliveries about issues: `Issue Hook` and `Note Hook`, and their confidential
twins for confidential issues and internal notes. Everything else is acknowledged and ignored.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# GitLab caps payloads at 25 MB: accept at least that much so no genuine delivery is refused.
DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024

# X-Gitlab-Event value -> the kind of event it carries.
HOOKS: Mapping[str, str] = {
    "Issue Hook": "issue",
    "Confidential Issue Hook": "issue",
    "Note Hook": "note",
    "Confidential Note Hook": "note",
}

# A pipeline trigger passes the body without headers; `event_type` names the hook it came from.
_HOOK_BY_EVENT_TYPE: Mapping[str, str] = {
    "issue": "Issue Hook",
    "confidential_issue": "Confidential Issue Hook",
    "note": "Note Hook",
    "confidential_note": "Confidential Note Hook",
}

# Work items other than issues arrive as `work_item`; only these types are issues to the bot.
_ISSUE_TYPES = frozenset({"Issue", "Incident"})


class DeliveryError(Exception):
    """A delivery the receiver must refuse; `status` is the HTTP status that says why."""

    status = 400


class InvalidToken(DeliveryError):
    status = 401


class MalformedPayload(DeliveryError):
    status = 400


class PayloadTooLarge(DeliveryError):
    status = 413


@dataclass(frozen=True)
class Event:
    """One delivery about an issue that the bot should reconcile."""

    kind: str  # "issue" or "note"
    hook: str  # the X-Gitlab-Event value, e.g. "Confidential Note Hook"
    project_id: int
    iid: int
    issue_id: int | None  # the issue's global id (a note's `noteable_id`)
    confidential: bool  # the issue is confidential
    internal_note: bool  # the note is internal (only for kind "note")
    labels: tuple[str, ...]
    looks_like_incident: bool  # always True: a delivery about anything else is Ignored
    username: str | None  # who caused the event
    action: str | None  # open/close/reopen/update, or create/update for notes
    dedup_key: str

    @property
    def issue_key(self) -> tuple[int, int]:
        """Events with the same key touch the same issue and must not run at the same time."""
        return (self.project_id, self.iid)


@dataclass(frozen=True)
class Ignored:
    """A well-formed delivery the bot has nothing to do for. `code` is short, for metrics."""

    code: str
    reason: str
    hook: str = ""


def verify_token(headers: Mapping[str, str], secret: str) -> None:
    """Raise InvalidToken unless `X-Gitlab-Token` equals the secret (compared in constant time)."""
    given = _header(headers, "x-gitlab-token")
    if given is None:
        raise InvalidToken("missing X-Gitlab-Token header")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        raise InvalidToken("wrong X-Gitlab-Token")


def from_http(
    headers: Mapping[str, str],
    body: bytes,
    *,
    secret: str,
    bot_username: str,
    incident_label: str = "incident",
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Event | Ignored:
    """Check a whole delivery (token, size) and parse it. For callers holding the full body."""
    verify_token(headers, secret)
    if len(body) > max_body_bytes:
        raise PayloadTooLarge(f"body over {max_body_bytes} bytes")
    return parse_delivery(headers, body, bot_username=bot_username, incident_label=incident_label)


def parse_delivery(
    headers: Mapping[str, str], body: bytes, *, bot_username: str, incident_label: str = "incident"
) -> Event | Ignored:
    """Parse a delivery whose token the caller has already verified."""
    hook = _header(headers, "x-gitlab-event") or ""
    if hook not in HOOKS:
        return Ignored("event-type", f"{hook or 'unnamed'} events are not handled", hook)
    return _interpret(
        hook,
        _decode(body),
        idempotency_key=_header(headers, "idempotency-key"),
        event_uuid=_header(headers, "x-gitlab-event-uuid"),
        bot_username=bot_username,
        incident_label=incident_label,
    )


def from_payload(
    body: bytes, *, bot_username: str, incident_label: str = "incident"
) -> Event | Ignored:
    """Parse a body that came without headers: the `TRIGGER_PAYLOAD` of a pipeline trigger."""
    payload = _decode(body)
    event_type = payload.get("event_type")
    hook = _HOOK_BY_EVENT_TYPE.get(event_type) if isinstance(event_type, str) else None
    if hook is None:
        hook = _hook_from_kind(payload)
    if hook is None:
        kind = payload.get("event_type") or payload.get("object_kind") or "unnamed"
        return Ignored("event-type", f"{kind} events are not handled")
    return _interpret(
        hook,
        payload,
        idempotency_key=None,
        event_uuid=None,
        bot_username=bot_username,
        incident_label=incident_label,
    )


def _hook_from_kind(payload: Mapping[str, Any]) -> str | None:
    """Older payloads lack `event_type`: fall back to `object_kind` and the confidential flag."""
    kind = payload.get("object_kind")
    if kind in ("issue", "work_item"):
        attributes = _mapping(payload.get("object_attributes"))
        return "Confidential Issue Hook" if attributes.get("confidential") else "Issue Hook"
    if kind == "note":
        attributes = _mapping(payload.get("object_attributes"))
        issue = _mapping(payload.get("issue"))
        secret = attributes.get("internal") or issue.get("confidential")
        return "Confidential Note Hook" if secret else "Note Hook"
    return None


def _interpret(
    hook: str,
    payload: dict[str, Any],
    *,
    idempotency_key: str | None,
    event_uuid: str | None,
    bot_username: str,
    incident_label: str,
) -> Event | Ignored:
    kind = HOOKS[hook]
    attributes = _mapping(payload.get("object_attributes"), "object_attributes")
    if kind == "issue":
        if payload.get("object_kind") == "work_item" and attributes.get("type") not in _ISSUE_TYPES:
            return Ignored(
                "not-issue", f"{attributes.get('type')} work items are not handled", hook
            )
        issue = attributes
        labels = _label_titles(payload.get("labels", attributes.get("labels")))
        previous = _label_titles(
            _mapping(_mapping(payload.get("changes")).get("labels")).get("previous")
        )
        internal_note = False
    else:
        if attributes.get("noteable_type") != "Issue":
            noteable = attributes.get("noteable_type") or "unknown"
            return Ignored("not-issue", f"comments on {noteable} are not handled", hook)
        issue = _mapping(payload.get("issue"), "issue")
        labels = _label_titles(issue.get("labels"))
        previous = ()
        internal_note = bool(attributes.get("internal") or attributes.get("confidential"))

    username = _mapping(payload.get("user")).get("username")
    if (
        isinstance(username, str)
        and bot_username
        and username.casefold() == bot_username.casefold()
    ):
        return Ignored("own-event", f"caused by the bot's own account {username}", hook)

    # A removed incident label still concerns an incident: keep the previous labels in view.
    looks_like_incident = _has_front_matter(issue.get("description")) or any(
        _is_incident_label(name, incident_label) for name in (*labels, *previous)
    )
    if not looks_like_incident:
        return Ignored(
            "not-incident", "not an incident: no front-matter and no incident label", hook
        )

    issue_id = (
        issue.get("id") if kind == "issue" else issue.get("id", attributes.get("noteable_id"))
    )
    return Event(
        kind=kind,
        hook=hook,
        project_id=_project_id(payload, attributes, issue),
        iid=_integer(issue.get("iid"), "the issue's iid"),
        issue_id=issue_id if isinstance(issue_id, int) and not isinstance(issue_id, bool) else None,
        confidential=bool(issue.get("confidential", hook == "Confidential Issue Hook")),
        internal_note=internal_note,
        labels=labels,
        looks_like_incident=True,
        username=username if isinstance(username, str) else None,
        action=attributes.get("action") if isinstance(attributes.get("action"), str) else None,
        dedup_key=_dedup_key(kind, attributes, idempotency_key, event_uuid),
    )


def _dedup_key(
    kind: str, attributes: Mapping[str, Any], idempotency_key: str | None, event_uuid: str | None
) -> str:
    """The same for a retry or a manual resend of one delivery, different for any other.

    GitLab 17.4 and later send `Idempotency-Key`. Older versions only send `X-Gitlab-Event-UUID`,
    which one event shares across all the hooks it fires: the object and its `updated_at` tell
    the deliveries of that event apart.
    """
    if idempotency_key:
        return f"idempotency:{idempotency_key}"
    parts = [kind, str(attributes.get("id")), str(attributes.get("updated_at"))]
    if event_uuid:
        parts.insert(0, event_uuid)
    return "object:" + ":".join(parts)


def _has_front_matter(description: Any) -> bool:
    from .frontmatter import has_front_matter

    return isinstance(description, str) and has_front_matter(description)


def _is_incident_label(name: str, incident_label: str) -> bool:
    """The base label or one of its scoped family (`incident::active`, `incident::drill`)."""
    return name == incident_label or name.startswith(incident_label + "::")


def _project_id(payload: Mapping[str, Any], *objects: Mapping[str, Any]) -> int:
    for candidate in (
        _mapping(payload.get("project")).get("id"),
        payload.get("project_id"),
        *(obj.get("project_id") for obj in objects),
    ):
        if isinstance(candidate, int) and not isinstance(candidate, bool):
            return candidate
    raise MalformedPayload("no project id in the payload")


def _label_titles(labels: Any) -> tuple[str, ...]:
    if labels is None:
        return ()
    if not isinstance(labels, list):
        raise MalformedPayload("labels is not a list")
    titles = []
    for label in labels:
        title = label.get("title") if isinstance(label, dict) else label
        if not isinstance(title, str):
            raise MalformedPayload("a label has no title")
        titles.append(title)
    return tuple(titles)


def _decode(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedPayload(f"body is not JSON: {error}") from None
    if not isinstance(payload, dict):
        raise MalformedPayload("body is not a JSON object")
    return payload


def _mapping(value: Any, name: str | None = None) -> Mapping[str, Any]:
    """`value` if it is an object; else an error when `name` is required, or an empty mapping."""
    if isinstance(value, dict):
        return value
    if name is not None:
        raise MalformedPayload(f"{name} is missing or not an object")
    return {}


def _integer(value: Any, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise MalformedPayload(f"{name} is missing or not an integer")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Header lookup that ignores case, whatever mapping the web layer hands us."""
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value
