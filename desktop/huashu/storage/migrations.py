"""Append-only schema migrations from db/migrations, each applied in one transaction and recorded."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from typing import NamedTuple

from huashu.core.coded import CodedError
from huashu.paths import migrations_dir

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class SchemaError(CodedError, RuntimeError):
    """The file's schema cannot be used by this version of the app.

    The library passes its code and details on when it wraps it; `code` is None for the errors
    only a developer meets.
    """


class SchemaTooNewError(SchemaError):
    pass


class Migration(NamedTuple):
    name: str  # file name without .sql, e.g. "0001_initial"
    sql: str


def known_migrations() -> list[Migration]:
    found = []
    for entry in migrations_dir().iterdir():
        if _NAME.match(entry.name):
            found.append(Migration(entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.name)
    numbers = [m.name[:4] for m in found]
    if len(set(numbers)) != len(numbers):
        raise SchemaError(f"duplicate migration numbers: {numbers}")
    return found


def _ensure_table(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )


def applied(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not exists:
        return []
    return [row[0] for row in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]


def pending(conn: sqlite3.Connection) -> list[Migration]:
    """Migrations still to apply; refuses a file written by a newer app."""
    known = known_migrations()
    done = applied(conn)
    known_names = {m.name for m in known}
    unknown = [name for name in done if name not in known_names]
    if unknown:
        raise SchemaTooNewError(
            "话术库文件来自更新版本的话术助手（未知的数据库版本: "
            + ", ".join(unknown)
            + "），请升级本程序后再打开。 / The library was written by a newer Huashu; upgrade to open it.",
            code="schema_too_new",
            details={"versions": ", ".join(unknown)},
        )
    return [m for m in known if m.name not in set(done)]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; the connection must be in autocommit mode (isolation_level=None)."""
    if conn.isolation_level is not None:
        raise SchemaError("migrate() needs a connection with isolation_level=None")
    todo = pending(conn)
    if not todo:
        return []
    _ensure_table(conn)
    version = len(applied(conn))
    names = []
    for migration in todo:
        version += 1
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        # executescript() commits any open transaction first, so BEGIN/COMMIT live inside the script.
        script = (
            "BEGIN IMMEDIATE;\n"
            + migration.sql
            + f"\n;INSERT INTO schema_migrations (name, applied_at) VALUES ('{migration.name}', '{stamp}');"
            + f"\nPRAGMA user_version = {version};\nCOMMIT;"
        )
        try:
            conn.executescript(script)
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise SchemaError(
                f"migration {migration.name} failed: {exc}",
                code="schema_upgrade_failed",
                details={"step": migration.name, "reason": exc},
            ) from exc
        names.append(migration.name)
    return names


def schema_sql(conn: sqlite3.Connection) -> str:
    """The schema as committed in db/schema.sql (sqlite-utils' rendering of sqlite_master)."""
    import sqlite_utils

    return str(sqlite_utils.Database(conn).schema) + "\n"


def _write_snapshot() -> None:
    from pathlib import Path

    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn)
    target = Path(__file__).resolve().parents[3] / "db" / "schema.sql"
    target.write_text(schema_sql(conn), encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--write-snapshot"]:
        _write_snapshot()
    else:
        print("usage: python -m huashu.storage.migrations --write-snapshot", file=sys.stderr)
        raise SystemExit(2)
