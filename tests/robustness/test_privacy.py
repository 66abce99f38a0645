"""Nothing personal leaves through logs or usage exports: values typed into fields (customer names,
order numbers) and customer messages pasted into search never reach a log line, a usage report or
the library file. (The GUI side of this is checked at the end of test_soak.py.)"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

from huashu.cli import main
from huashu.core import packs as core
from huashu.storage import packs as store
from huashu.storage import search_index
from huashu.storage.library import Library

NAME = "欧阳娜娜"
ORDER = "SO20240611-99817"
PHONE = "13912345678"
SECRETS = (NAME, ORDER, PHONE)
LEAD = core.PrivateKey(seed=b"P" * 32, publisher="总部")


def _files_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.rglob("*") if p.is_file())


def _assert_clean(blob: bytes | str, where: str) -> None:
    for secret in SECRETS:
        if isinstance(blob, bytes):
            for encoding in ("utf-8", "utf-16-le", "gb18030"):
                assert secret.encode(encoding) not in blob, f"{secret} found in {where} ({encoding})"
        else:
            assert secret not in blob, f"{secret} found in {where}"


def test_fill_search_and_usage_export_keep_nothing_personal(
    tmp_path: Path,
    default_library_file: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "seat" / "library.huashu.db"
    db.parent.mkdir()
    shutil.copyfile(default_library_file, db)
    pack = core.make_pack(
        name="总部话术",
        version=1,
        key=LEAD,
        phrases=[
            core.PackPhrase(
                uid="order", category="售后", title="核对订单", text="[称呼]您好，订单[订单号]已查到"
            )
        ],
    )
    core.write_pack(tmp_path / "p.huashu", pack, LEAD)
    with Library.open(db) as lib:
        store.apply_install(lib, store.preview_file(lib, tmp_path / "p.huashu", trust=LEAD.public_key))
    capsys.readouterr()

    # The agent fills fields with a customer's details, several times (use counts go up).
    with Library.open(db) as lib:
        phrase = next(p for p in lib.phrases() if p.title == "核对订单")
    for _ in range(3):
        code = main(
            ["--db", str(db), "fill", str(phrase.id), "--set", f"称呼={NAME}", "--set", f"订单号={ORDER}"]
        )
        assert code == 0
    out = capsys.readouterr().out
    assert ORDER in out  # the reply itself goes to stdout (the agent's clipboard), nowhere else

    # The customer's message pasted into search and suggestions.
    message = f"我是{NAME}，手机{PHONE}，订单{ORDER}还没退款"
    assert main(["--db", str(db), "search", message]) in (0, 1)
    assert main(["--db", str(db), "suggest", message]) in (0, 1)
    capsys.readouterr()

    # Usage reports for the team lead: counts per phrase, no field values.
    for flag in ([], ["--all"]):
        report = tmp_path / f"usage{len(flag)}.csv"
        assert main(["--db", str(db), "usage", "export", str(report), *flag]) == 0
        text = report.read_text(encoding="utf-8-sig")
        _assert_clean(text, report.name)
        assert text.splitlines()[0].split(",") == list(core.USAGE_COLUMNS)
        assert "核对订单" in text
    with Library.open(db) as lib:
        assert next(r for r in store.usage_rows(lib) if r.title == "核对订单").use_count == 3

    # Nothing of it in the library file, its WAL or its backups, nor in any log record.
    with Library.open(db) as lib:
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _assert_clean(_files_bytes(db), "the library folder")
    _assert_clean(caplog.text, "the log")


def test_failed_search_logs_no_query_text(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one search log line (an FTS error that should never happen) names no part of the query."""
    caplog.set_level(logging.DEBUG)
    lib = Library.memory(empty=False)
    real = lib.conn

    class Failing:
        def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
            if "MATCH" in sql:
                raise sqlite3.OperationalError("fts5: syntax error near something")
            return real.execute(sql, *args)

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    results = search_index.search(Failing(), f"{NAME} {ORDER} 退款")  # type: ignore[arg-type]
    assert isinstance(results, list)
    assert "search query failed" in caplog.text
    _assert_clean(caplog.text, "the log")
    lib.close()
