"""Role holders changing during the incident: a new CMOC, SMOC or IMOC.

Long incidents change hands: a region hands off and its CMOC takes over, an SMOC is replaced by
the next on call. People record that by editing `roles` in the description. The bot remembers the
holders it last announced in the markers of its intake note and of its roles notes
(`cmoc=`, `smoc=`, `imoc=`; `-` for nobody); when the description names someone else, it posts a
roles note that names and notifies the holders, and assigns the new ones. On the free tier, where
an issue keeps one assignee, a new CMOC replaces the assignee; the others are named in the note.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..actions import Action, Assign
from ..facts import Facts
from ..incident import Roles

ROLES = ("cmoc", "smoc", "imoc")
NOBODY = "-"


def holders(roles: Roles) -> dict[str, str]:
    """The marker attributes that record who holds each role."""
    return {role: getattr(roles, role) or NOBODY for role in ROLES}


def announced(facts: Facts) -> Mapping[str, str] | None:
    """The holders the bot last announced, or None when its notes do not record them."""
    notes = [
        note
        for note in (
            *facts.snapshot.bot_notes("initial-status-update"),
            *facts.snapshot.bot_notes("roles"),
        )
        if all(role in note.marker.attrs for role in ROLES)
    ]
    if not notes:
        return None
    newest = max(notes, key=lambda note: (note.created_at, note.id))
    return {role: newest.marker.attrs[role] for role in ROLES}


def rule(facts: Facts) -> Iterable[Action]:
    if facts.snapshot.closed or not facts.has("initial-status-update", 1):
        return
    before = announced(facts)
    now = holders(facts.incident.roles)
    if before is None or before == now:
        return
    changed = [role for role in ROLES if before[role] != now[role]]
    arrivals = tuple(now[role] for role in changed if now[role] != NOBODY)
    if arrivals:
        # A new CMOC takes the one assignee the free tier allows; other newcomers are named.
        replace = not facts.config.premium and "cmoc" in changed and now["cmoc"] != NOBODY
        yield Assign(
            (now["cmoc"],) if replace else arrivals,
            replace=replace,
            reason=f"new {', '.join(role.upper() for role in changed)} in the description",
        )
    yield facts.note(
        "roles",
        len(facts.snapshot.bot_notes("roles")) + 1,
        attrs=now,
        reason=f"role holders changed: {', '.join(role.upper() for role in changed)}",
    )
