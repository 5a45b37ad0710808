"""The `incident-bot` command line.

Commands live one per module in `automation.commands` and are imported only when used, so that
`incident-bot --help` and the CI trigger job start fast.
"""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute". Keep sorted by name.
COMMANDS: dict[str, str] = {
    "apply": "automation.commands.plan:apply",
    "drill": "automation.commands.drill:drill",
    "handle-event": "automation.commands.handle_event:handle_event",
    "labels": "automation.commands.labels:labels",
    "plan": "automation.commands.plan:plan",
    "render": "automation.commands.render:render",
    "sandbox": "automation.commands.sandbox:sandbox",
    "scan": "automation.commands.scan:scan",
    "serve": "automation.commands.serve:serve",
    "validate": "automation.commands.validate:validate",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup)
@click.version_option(package_name="incident-bot")
def main() -> None:
    """Run Support Response incidents in GitLab: labels, roles, templates and reminders."""
