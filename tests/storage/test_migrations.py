"""Migrations: the snapshot matches, newer files are refused, failures roll back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from huashu.paths import schema_snapshot
from huashu.storage import migrations
from huashu.storage.library import Library, LibraryError


def _conn() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", isolation_level=None)


def test_migrating_an_empty_file_gives_the_committed_snapshot() -> None:
    conn = _conn()
    migrations.migrate(conn)
    assert migrations.schema_sql(conn) == schema_snapshot().read_text(encoding="utf-8"), (
        "db/schema.sql is stale: run `python -m huashu.storage.migrations --write-snapshot`"
    )


def test_migrations_are_recorded_and_idempotent() -> None:
    conn = _conn()
    applied = migrations.migrate(conn)
    assert applied == [m.name for m in migrations.known_migrations()]
    assert migrations.migrate(conn) == []
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(applied)


def test_newer_schema_is_refused_not_upgraded(db_path: Path) -> None:
    Library.open(db_path, empty=True).close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("INSERT INTO schema_migrations VALUES ('9999_from_the_future', '2030-01-01')")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(LibraryError, match="更新版本"):
        Library.open(db_path)
    assert db_path.read_bytes() == before


def test_a_failing_migration_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    conn = _conn()
    good = migrations.known_migrations()
    bad = migrations.Migration("9998_broken", "CREATE TABLE half_done (x);\nTHIS IS NOT SQL;")
    monkeypatch.setattr(migrations, "known_migrations", lambda: [*good, bad])
    with pytest.raises(migrations.SchemaError, match="9998_broken"):
        migrations.migrate(conn)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    assert "9998_broken" not in migrations.applied(conn)
    assert "0001_initial" in migrations.applied(conn)


def test_a_file_that_is_not_a_library_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LibraryError, match="不是话术库文件"):
        Library.open(junk)
    assert junk.read_bytes() == b"this is not sqlite" * 100
