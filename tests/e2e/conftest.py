"""End-to-end fixtures: the drill's stage (sandbox + receiver over real HTTP on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from automation.config import default_config
from automation.drill_stage import Stage
from tests.conftest import T0


@pytest.fixture
def stage() -> Iterator[Stage]:
    """A sandbox at T0 (EMEA working hours) with the receiver and the production handler."""
    with Stage(default_config(), start=T0) as running:
        yield running
