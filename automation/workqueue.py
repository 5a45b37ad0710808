"""A bounded work queue whose worker threads never work on two items of the same key at once.

The receiver answers GitLab first and reconciles afterwards, on threads because python-gitlab is
synchronous. Two events of one issue must not reconcile side by side (both would see a note
missing and post it), while events of different issues should not wait for each other. So items
wait in one queue per key, and a key is handed to at most one worker at a time.

Items of a key that pile up while the key is busy are handed over together, as one batch: a
reconcile reads the issue as it is when it starts, so one run covers every event that came
before it. A burst of events on one issue then costs a few reconciles, not one per event, which
keeps the bot well under GitLab's rate limits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

log = logging.getLogger(__name__)


class KeyedWorkQueue(Generic[T]):
    """Runs `work(batch)` on `workers` threads, where a batch is the items of one key waiting at
    that moment, in arrival order. Batches of one key run one after another.

    `submit` never blocks: it returns False when `capacity` items are already waiting, so the
    caller can answer quickly and count the loss. `close` stops intake and finishes what waits.
    """

    def __init__(
        self,
        work: Callable[[list[T]], None],
        *,
        key: Callable[[T], Hashable],
        workers: int = 4,
        capacity: int = 1000,
        name: str = "worker",
    ) -> None:
        if workers < 1 or capacity < 1:
            raise ValueError("workers and capacity must be at least 1")
        self._work = work
        self._key = key
        self._capacity = capacity
        self._pending: dict[Hashable, list[T]] = {}  # key -> items waiting; busy keys included
        self._ready: deque[Hashable] = deque()  # keys with waiting items and no worker on them
        self._waiting = 0
        self._busy = 0
        self._closing = False
        self._condition = threading.Condition()
        self._threads = [
            threading.Thread(target=self._run, name=f"{name}-{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def depth(self) -> int:
        """Items waiting for a worker, not counting those being worked on."""
        return self._waiting

    @property
    def busy(self) -> int:
        """Items being worked on (a batch counts each of its items)."""
        return self._busy

    def submit(self, item: T) -> bool:
        """Queue `item`; False when the queue is full or closing (the item is not queued)."""
        key = self._key(item)
        with self._condition:
            if self._closing or self._waiting >= self._capacity:
                return False
            waiting = self._pending.get(key)
            if waiting is None:
                # A key absent from _pending is neither ready nor busy: make it ready.
                self._pending[key] = waiting = []
                self._ready.append(key)
                self._condition.notify()
            waiting.append(item)
            self._waiting += 1
        return True

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no item waits and none is being worked on; False if `timeout` ran out.

        For callers that feed the queue and then need its effects (drills, end-to-end tests):
        intake stays open, unlike `close`.
        """
        with self._condition:
            return self._condition.wait_for(lambda: not self._waiting and not self._busy, timeout)

    def close(self, timeout: float | None = None) -> int:
        """Refuse new items, let the workers finish every waiting one, and return how many are
        left undone when `timeout` seconds pass first (0 when all finished)."""
        with self._condition:
            self._closing = True
            self._condition.notify_all()
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        with self._condition:
            return self._waiting + self._busy

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._ready and not self._closing:
                    self._condition.wait()
                if not self._ready:
                    return  # closing and nothing left that this worker could take
                key = self._ready.popleft()
                batch, self._pending[key] = self._pending[key], []
                self._waiting -= len(batch)
                self._busy += len(batch)
            try:
                self._work(batch)
            except Exception:
                # `work` reports its own failures; this only keeps the worker alive.
                log.exception("work failed")
            finally:
                with self._condition:
                    self._busy -= len(batch)
                    if self._pending[key]:
                        self._ready.append(key)
                        self._condition.notify()
                    else:
                        del self._pending[key]
                    if not self._waiting and not self._busy:
                        self._condition.notify_all()  # wakes `wait_idle`


class SeenKeys:
    """The last `size` keys, to recognise a delivery GitLab sends again (a bounded LRU)."""

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: str) -> bool:
        """Remember `key`; False when it was already there (a duplicate)."""
        with self._lock:
            if key in self._keys:
                self._keys.move_to_end(key)
                return False
            self._keys[key] = None
            if len(self._keys) > self._size:
                self._keys.popitem(last=False)
            return True

    def forget(self, key: str) -> None:
        """Drop `key`, so that a resend of a delivery that was not processed is processed."""
        with self._lock:
            self._keys.pop(key, None)
