"""`Facts`: what the rules read, derived once from a snapshot, the configuration and the clock.

Each fact has one authoritative place. The front-matter holds what the filer knew at the start;
once the bot has labelled the issue, the labels are authoritative for state, severity and region
(people change labels to escalate or hand off); the bot's own notes hold what it already did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from . import frontmatter
from .actions import PostNote
from .config import Config
from .frontmatter import FrontMatter
from .incident import Incident
from .snapshot import IssueSnapshot


@dataclass(frozen=True)
class Facts:
    snapshot: IssueSnapshot
    config: Config
    now: datetime

    @cached_property
    def front(self) -> FrontMatter:
        return frontmatter.parse(self.snapshot.description)

    @property
    def incident(self) -> Incident | None:
        return self.front.incident

    @cached_property
    def labels(self) -> frozenset[str]:
        return frozenset(self.snapshot.labels)

    @cached_property
    def is_incident(self) -> bool:
        return self.front.present or self.config.labels.incident in self.labels

    @cached_property
    def severity(self) -> str | None:
        labelled = self.snapshot.labelled(self.config.labels.severity)
        return labelled or (self.incident.severity if self.incident else None)

    @cached_property
    def region(self) -> str | None:
        labelled = self.snapshot.labelled(self.config.labels.region)
        return labelled or (self.incident.region if self.incident else None)

    @cached_property
    def state(self) -> str | None:
        """The lifecycle state from the labels, or None before the bot's first label."""
        return self.snapshot.labelled(self.config.labels.state)

    @cached_property
    def security(self) -> bool:
        labels = self.config.labels
        return bool(
            (self.incident and self.incident.security_incident)
            or labels.security in self.labels
            or labels.roles["sirt"] in self.labels
        )

    def has(self, kind: str, key: str | int) -> bool:
        return f"{kind}:{key}" in self.snapshot.marker_refs()

    def count(self, kind: str) -> int:
        return len(self.snapshot.bot_notes(kind))

    def context(self, **extra: Any) -> dict[str, Any]:
        from .context import context_for

        return context_for(self.snapshot, self.incident, self.config, self.now, **extra)

    def note(
        self,
        template: str,
        key: str | int,
        *,
        kind: str | None = None,
        reason: str = "",
        attrs: dict[str, Any] | None = None,
        **extra: Any,
    ) -> PostNote:
        """A note rendered from `templates/<template>.md.j2`, marked `kind:key`.

        Every bot note is internal: drafts are for the team to review, and a security incident
        must not leak through a note.
        """
        from types import MappingProxyType

        from .render import render

        body = render(
            template, self.context(**extra), allow_group_mentions=self.config.allow_group_mentions
        )
        return PostNote(
            kind=kind or template,
            key=str(key),
            body=body,
            internal=True,
            attrs=MappingProxyType({k: str(v) for k, v in (attrs or {}).items()}),
            reason=reason,
        )
