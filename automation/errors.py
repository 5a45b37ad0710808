"""Errors that end a command with one line telling the user what to fix."""

from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix: the message is printed as is, with no traceback."""

    exit_code = 1


class UsageError(UserError):
    exit_code = 2
