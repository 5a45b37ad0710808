"""Fixtures for the scan: a fake project behind `responses`, a client, a pacer that counts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import gitlab
import pytest
import responses

from tests.conftest import T0
from tests.scan.fake_gitlab import URL, FakeGitLab


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeGitLab(mock, T0)


@pytest.fixture
def gl() -> gitlab.Gitlab:
    return gitlab.Gitlab(
        URL, private_token="secret-token", retry_transient_errors=False, per_page=100
    )


@dataclass
class CountingPacer:
    """A NotePacer stand-in that records each time a note write asks for permission."""

    waits: int = 0

    def wait(self) -> None:
        self.waits += 1


@pytest.fixture
def pacer() -> CountingPacer:
    return CountingPacer()
