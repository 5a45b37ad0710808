"""An embedded stand-in for the part of GitLab's REST API v4 the bot uses.

It runs the bot, its tests and its drills with no GitLab and no network: issues, notes,
resource events, links and labels with GitLab's JSON shapes; quick actions executed where GitLab
would execute them; the free and premium tiers' rules; the notes rate limit; webhooks with
GitLab's payloads and headers; and a clock the caller controls. See `server.Sandbox`.
"""

from __future__ import annotations

from .clock import Clock
from .seed import (
    ACTIONS_PROJECT,
    ACTIONS_PROJECT_ID,
    BOT_TOKEN,
    BOT_USERNAME,
    INCIDENTS_PROJECT,
    INCIDENTS_PROJECT_ID,
    USERS,
)
from .server import Sandbox

PEOPLE = tuple(user.username for user in USERS if user.username != BOT_USERNAME)

__all__ = [
    "ACTIONS_PROJECT",
    "ACTIONS_PROJECT_ID",
    "BOT_TOKEN",
    "BOT_USERNAME",
    "INCIDENTS_PROJECT",
    "INCIDENTS_PROJECT_ID",
    "PEOPLE",
    "Clock",
    "Sandbox",
]
