"""`incident-bot validate FILE...`: check Support Response front-matter; a pre-commit hook."""

from __future__ import annotations

import sys

import click


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check the front-matter of issue descriptions or templates.

    Exit 0 when every file is valid, 1 when one is invalid (every error with its line), 2 on a
    usage error (a file that cannot be read).
    """
    from ..frontmatter import parse

    worst = 0
    for name in files:
        try:
            with open(name, "rb") as handle:
                raw = handle.read(2_000_000)
        except OSError as error:
            click.echo(f"{name}: cannot read ({error.strerror})", err=True)
            sys.exit(2)
        text = raw.decode("utf-8", errors="replace")
        result = parse(text)
        if not result.present:
            click.echo(f"{name}: no front-matter block (the description must start with ---)")
            worst = 1
        elif result.errors:
            for error in result.errors:
                click.echo(f"{name}:{error.line or 1}: {_field(error)}{error.message}")
            worst = 1
        else:
            click.echo(
                f"{name}: valid ({result.incident.severity}, region {result.incident.region})"
            )
    sys.exit(worst)


def _field(error: object) -> str:
    path = getattr(error, "path", "")
    return f"{path}: " if path else ""
