"""The keyed work queue: bounded, one item per key at a time, drained on close."""

from __future__ import annotations

import threading
import time
from collections import defaultdict

import pytest

from automation.workqueue import KeyedWorkQueue, SeenKeys


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.001)


class Recorder:
    """Work that records, per key, how many batches run at once and the batches it got."""

    def __init__(self, pause: float = 0.0, gate: threading.Event | None = None) -> None:
        self.pause, self.gate = pause, gate
        self.lock = threading.Lock()
        self.running: dict[str, int] = defaultdict(int)
        self.most_at_once: dict[str, int] = defaultdict(int)
        self.overall = 0
        self.most_overall = 0
        self.batches: list[list[tuple[str, int]]] = []

    def __call__(self, batch: list[tuple[str, int]]) -> None:
        key = batch[0][0]
        assert all(item[0] == key for item in batch)
        with self.lock:
            self.running[key] += 1
            self.overall += 1
            self.most_at_once[key] = max(self.most_at_once[key], self.running[key])
            self.most_overall = max(self.most_overall, self.overall)
        if self.gate is not None:
            self.gate.wait(5)
        time.sleep(self.pause)
        with self.lock:
            self.running[key] -= 1
            self.overall -= 1
            self.batches.append(batch)

    @property
    def done(self) -> list[tuple[str, int]]:
        return [item for batch in self.batches for item in batch]


def test_items_of_one_key_never_overlap_and_keep_their_order():
    work = Recorder(pause=0.005)
    queue = KeyedWorkQueue(work, key=lambda item: item[0], workers=4, capacity=100)
    for n in range(10):
        for key in "abc":
            assert queue.submit((key, n))
    assert queue.close(timeout=10) == 0
    assert len(work.done) == 30
    assert all(count == 1 for count in work.most_at_once.values())
    for key in "abc":
        assert [n for k, n in work.done if k == key] == list(range(10))
    # Different keys did run side by side.
    assert work.most_overall > 1


def test_items_that_wait_behind_their_key_come_as_one_batch():
    gate = threading.Event()
    work = Recorder(gate=gate)
    queue = KeyedWorkQueue(work, key=lambda item: item[0], workers=2, capacity=100)
    queue.submit(("a", 0))
    wait_until(lambda: queue.busy == 1)
    for n in range(1, 6):
        queue.submit(("a", n))  # "a" is busy: these wait together
    queue.submit(("b", 0))
    wait_until(lambda: queue.busy == 2)
    assert queue.depth == 5
    gate.set()
    assert queue.close(timeout=5) == 0
    assert sorted(work.batches) == [[("a", 0)], [("a", n) for n in range(1, 6)], [("b", 0)]]


def test_a_full_queue_refuses_without_blocking():
    gate = threading.Event()
    work = Recorder(gate=gate)
    queue = KeyedWorkQueue(work, key=lambda item: item[0], workers=1, capacity=2)
    assert queue.submit(("a", 0))
    wait_until(lambda: queue.busy == 1)
    assert queue.submit(("b", 1)) and queue.submit(("c", 2))
    # The worker is held until the gate opens, below: a submit that waited for room would never
    # return, so a generous bound still shows that it does not wait.
    started = time.perf_counter()
    assert not queue.submit(("d", 3))
    assert time.perf_counter() - started < 5
    assert queue.depth == 2
    gate.set()
    assert queue.close(timeout=5) == 0
    assert sorted(work.done) == [("a", 0), ("b", 1), ("c", 2)]


def test_close_finishes_waiting_work_then_refuses_more():
    work = Recorder(pause=0.01)
    queue = KeyedWorkQueue(work, key=lambda item: item[0], workers=2, capacity=100)
    for n in range(20):
        queue.submit(("same", n))
    assert queue.close() == 0
    assert [n for _, n in work.done] == list(range(20))
    assert not queue.submit(("late", 0))


def test_close_with_a_timeout_reports_what_is_left():
    gate = threading.Event()
    queue = KeyedWorkQueue(Recorder(gate=gate), key=lambda item: item[0], workers=1, capacity=10)
    for n in range(3):
        queue.submit(("k", n))
    assert queue.close(timeout=0.05) == 3
    gate.set()


def test_a_failing_batch_does_not_stop_its_worker():
    seen = []

    def work(batch):
        seen.extend(batch)
        if 1 in batch:
            raise RuntimeError("boom")

    queue = KeyedWorkQueue(work, key=lambda item: item, workers=1, capacity=10)
    for n in range(3):
        queue.submit(n)
    assert queue.close(timeout=5) == 0
    assert seen == [0, 1, 2]


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        KeyedWorkQueue(print, key=id, workers=0)


def test_seen_keys_spots_repeats_and_forgets_the_oldest():
    seen = SeenKeys(size=2)
    assert seen.add("a") and seen.add("b")
    assert not seen.add("a")  # and "a" is now the most recent
    assert seen.add("c")  # evicts "b"
    assert seen.add("b")
    seen.forget("b")
    assert seen.add("b")
