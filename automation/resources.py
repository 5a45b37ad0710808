"""Where the project's data files are, in a checkout or in an installed package.

A regular install carries `templates/`, `schemas/`, the default configuration, the issue template
and the examples inside the package (`automation/_data/`, see pyproject.toml); a checkout or an
editable install reads them from the repository's top level.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent


@cache
def _root(installed: str, checkout: str) -> Path:
    for candidate in (_INSTALLED / installed, _CHECKOUT / checkout):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"incident-bot is missing its {checkout}: reinstall the package")


def templates_dir() -> Path:
    return _root("templates", "templates")


def schema_path(name: str) -> Path:
    return _root("schemas", "schemas") / name


def default_config_path() -> Path:
    return _root("incident-bot.yml", ".gitlab/incident-bot.yml")


def issue_template_path() -> Path:
    return _root("Support Response.md", ".gitlab/issue_templates/Support Response.md")


def examples_dir() -> Path:
    return _root("examples", "examples")
