"""Hidden markers: how the bot recognises what it already did.

Every note and issue the bot writes ends with one line such as
`<!-- incident-bot:status-update:3 request=812 -->`. The kind names what it is, the key makes it
unique on the issue, and the attributes carry the little state the bot must remember. Markers are
trusted only on notes written by the bot's own account (see snapshot.py), and text people wrote is
rendered so that it can never contain one (see textsafety.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

PREFIX = "incident-bot"
_TOKEN = r"[A-Za-z0-9_.:#/-]+"
_MARKER = re.compile(
    rf"<!-- {PREFIX}:(?P<kind>[a-z0-9-]+):(?P<key>{_TOKEN})(?P<attrs>(?: [a-z_]+={_TOKEN})*) -->"
)
_SAFE_VALUE = re.compile(rf"^{_TOKEN}$")


@dataclass(frozen=True)
class Marker:
    kind: str
    key: str
    attrs: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __str__(self) -> str:
        for name, value in self.attrs.items():
            if not _SAFE_VALUE.match(value) or not re.fullmatch(r"[a-z_]+", name):
                raise ValueError(f"marker attribute {name}={value!r} is not a plain token")
        attrs = "".join(f" {name}={value}" for name, value in sorted(self.attrs.items()))
        return f"<!-- {PREFIX}:{self.kind}:{self.key}{attrs} -->"

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.key}"


def make(kind: str, key: str | int, **attrs: str | int) -> Marker:
    return Marker(kind, str(key), MappingProxyType({k: str(v) for k, v in attrs.items()}))


def find(body: str) -> Marker | None:
    """The last marker in a body (the bot writes exactly one, at the end)."""
    found = None
    for match in _MARKER.finditer(body or ""):
        attrs = dict(pair.split("=", 1) for pair in match.group("attrs").split())
        found = Marker(match.group("kind"), match.group("key"), MappingProxyType(attrs))
    return found


def append(body: str, marker: Marker) -> str:
    return f"{body.rstrip()}\n\n{marker}\n"
