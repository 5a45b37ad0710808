"""The accounts and projects every sandbox starts with.

Tokens are fixed strings so that a drill, a demo script and a person at a terminal can all use
them without reading them from anywhere. They are for a local stand-in only.
"""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Clock, to_db
from .store import Store

BOT_USERNAME = "incident-bot"
BOT_TOKEN = "sandbox-bot-token"

# GitLab's project access levels.
GUEST, REPORTER, DEVELOPER, MAINTAINER, OWNER = 10, 20, 30, 40, 50
ACCESS_LEVELS = {
    "guest": GUEST,
    "reporter": REPORTER,
    "developer": DEVELOPER,
    "maintainer": MAINTAINER,
    "owner": OWNER,
}


@dataclass(frozen=True)
class SeedUser:
    id: int
    username: str
    name: str
    access_level: int

    @property
    def token(self) -> str:
        return BOT_TOKEN if self.username == BOT_USERNAME else f"sandbox-token-{self.username}"


USERS = (
    # The bot maintains the project: `labels sync` creates and edits project labels.
    SeedUser(1, BOT_USERNAME, "Incident Bot", MAINTAINER),
    SeedUser(2, "alice", "Alice Archer", DEVELOPER),
    SeedUser(3, "bob", "Bob Baker", DEVELOPER),
    SeedUser(4, "carol", "Carol Chen", DEVELOPER),
    SeedUser(5, "dave", "Dave Diaz", DEVELOPER),
    SeedUser(6, "erin", "Erin Evans", DEVELOPER),
)

INCIDENTS_PROJECT_ID = 1
INCIDENTS_PROJECT = "support/incidents"
ACTIONS_PROJECT_ID = 2
ACTIONS_PROJECT = "support/incident-actions"

PROJECTS = (
    (INCIDENTS_PROJECT_ID, INCIDENTS_PROJECT, "Incidents", "Support Response incidents"),
    (ACTIONS_PROJECT_ID, ACTIONS_PROJECT, "Incident actions", "Postmortem action items"),
)


def seed(store: Store, clock: Clock) -> None:
    """Create the seed accounts and projects, once (a reopened database file keeps its data)."""
    with store.transaction():
        if store.get_meta("seeded") == "1":
            return
        now = to_db(clock.now())
        for user in USERS:
            store.insert(
                "users",
                id=user.id,
                username=user.username,
                name=user.name,
                email=f"{user.username}@sandbox.example",
                token=user.token,
                access_level=user.access_level,
                created_at=now,
            )
        for project_id, path, name, description in PROJECTS:
            store.insert(
                "projects",
                id=project_id,
                path_with_namespace=path,
                name=name,
                description=description,
                created_at=now,
            )
        store.set_meta("seeded", "1")


def add_user(
    store: Store, clock: Clock, username: str, access_level: int = DEVELOPER, name: str = ""
) -> str:
    """Add an account (for example a guest, to test rights); returns its token."""
    token = f"sandbox-token-{username}"
    with store.transaction():
        store.insert(
            "users",
            username=username,
            name=name or username.title(),
            email=f"{username}@sandbox.example",
            token=token,
            access_level=access_level,
            created_at=to_db(clock.now()),
        )
    return token
