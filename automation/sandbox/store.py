"""The sandbox's state: one SQLite database (a file, or `:memory:`) behind one lock.

The HTTP server answers from many threads and the webhook sender records results from another,
so every read and write goes through `Store.transaction()`, which holds a re-entrant lock and
wraps the work in one SQLite transaction: a request sees, and leaves, a consistent instance.

Global ids start far apart (labels at 101, issues at 1001, notes at 5001 ...) so that code which
confuses an issue's global `id` with its project-scoped `iid` fails here as it would on GitLab.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, name TEXT NOT NULL,
    email TEXT NOT NULL, token TEXT UNIQUE NOT NULL, access_level INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS projects (
    id INTEGER PRIMARY KEY, path_with_namespace TEXT UNIQUE NOT NULL, name TEXT NOT NULL,
    description TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS labels (
    id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL, name TEXT NOT NULL,
    color TEXT NOT NULL, description TEXT, priority INTEGER,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (project_id, name)
);
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT, project_id INTEGER NOT NULL, iid INTEGER NOT NULL,
    title TEXT NOT NULL, description TEXT, state TEXT NOT NULL, author_id INTEGER NOT NULL,
    confidential INTEGER NOT NULL DEFAULT 0, discussion_locked INTEGER,
    due_date TEXT, issue_type TEXT NOT NULL DEFAULT 'issue',
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, closed_at TEXT, closed_by_id INTEGER,
    updated_by_id INTEGER, last_edited_at TEXT, last_edited_by_id INTEGER,
    moved_to_id INTEGER, duplicated_to_id INTEGER, UNIQUE (project_id, iid)
);
CREATE TABLE IF NOT EXISTS issue_labels (
    issue_id INTEGER NOT NULL, label_id INTEGER NOT NULL, PRIMARY KEY (issue_id, label_id)
);
CREATE TABLE IF NOT EXISTS issue_assignees (
    issue_id INTEGER NOT NULL, user_id INTEGER NOT NULL, position INTEGER NOT NULL,
    PRIMARY KEY (issue_id, user_id)
);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, issue_id INTEGER NOT NULL, author_id INTEGER NOT NULL,
    body TEXT NOT NULL, system INTEGER NOT NULL DEFAULT 0, internal INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS label_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, issue_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
    label_id INTEGER NOT NULL, action TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, issue_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
    state TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS issue_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT, source_issue_id INTEGER NOT NULL,
    target_issue_id INTEGER NOT NULL, link_type TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quick_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, issue_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
    source TEXT NOT NULL, name TEXT NOT NULL, arg TEXT, outcome TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, event_header TEXT NOT NULL, event_uuid TEXT NOT NULL,
    idempotency_key TEXT NOT NULL, webhook_uuid TEXT, payload TEXT NOT NULL, url TEXT,
    status TEXT NOT NULL, response_status INTEGER, error TEXT, redelivery_of INTEGER,
    created_at TEXT NOT NULL, delivered_at TEXT
);
"""

# Where each table's ids start (the first id is the value plus one).
ID_OFFSETS = {
    "labels": 100,
    "issues": 1000,
    "notes": 5000,
    "label_events": 8000,
    "state_events": 9000,
    "issue_links": 300,
}


class Store:
    """A SQLite connection shared by all threads, serialised by a re-entrant lock."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.lock = threading.RLock()
        # One connection for every thread: safe because the lock serialises all use of it.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._depth = 0
        self._create_schema()

    def _create_schema(self) -> None:
        # executescript commits on its own, so the schema is made outside `transaction()`.
        with self.lock:
            self._db.executescript(SCHEMA)
            for table, offset in ID_OFFSETS.items():
                row = self._db.execute(
                    "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
                ).fetchone()
                if row is None:
                    self._db.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, offset)
                    )

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Hold the lock and run the block in one transaction (nested blocks join the outer one)."""
        with self.lock:
            outermost = self._depth == 0
            if outermost:
                self._db.execute("BEGIN")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._db.execute("ROLLBACK")
                raise
            else:
                self._depth -= 1
                if outermost:
                    self._db.execute("COMMIT")

    def one(self, sql: str, *params: Any) -> sqlite3.Row | None:
        with self.lock:
            return self._db.execute(sql, params).fetchone()

    def all(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        with self.lock:
            return self._db.execute(sql, params).fetchall()

    def scalar(self, sql: str, *params: Any) -> Any:
        row = self.one(sql, *params)
        return None if row is None else row[0]

    def execute(self, sql: str, *params: Any) -> int:
        """Run a statement; returns the last inserted row id."""
        with self.lock:
            cursor = self._db.execute(sql, params)
            return int(cursor.lastrowid or 0)

    def insert(self, table: str, **values: Any) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        return self.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", *values.values())

    def update(self, table: str, row_id: int, **values: Any) -> None:
        if not values:
            return
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", *values.values(), row_id)

    def get_meta(self, key: str) -> str | None:
        return self.scalar("SELECT value FROM meta WHERE key = ?", key)

    def set_meta(self, key: str, value: str) -> None:
        self.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value)

    def close(self) -> None:
        with self.lock:
            self._db.close()
