"""A damaged library at start: the app offers the newest good backup or a fresh start, never overwrites."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from huashu.gui import app as app_module
from huashu.storage import recovery
from huashu.storage.library import Library


def damage(path: Path) -> bytes:
    data = bytearray(path.read_bytes())
    for offset in range(4096, min(len(data), 4096 * 6)):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    return bytes(data)


@pytest.fixture
def library_with_backup(default_library_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "library.huashu.db"
    shutil.copyfile(default_library_file, path)
    with Library.open(path) as lib:
        lib.add_phrase("个人", "备份前的话术", "这条在备份里")
        recovery.backup_before(lib, "manual")
        lib.add_phrase("个人", "备份后的话术", "这条不在备份里")
    return path


def test_a_damaged_library_is_restored_from_the_newest_good_backup(
    qtbot, library_with_backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(app_module, "_ask", lambda text, *_a: asked.append(text) or True)
    damaged = damage(library_with_backup)
    lib = app_module.open_library(library_with_backup)
    assert lib is not None
    try:
        titles = {p.title for p in lib.phrases()}
        assert "备份前的话术" in titles and "备份后的话术" not in titles
    finally:
        lib.close()
    assert "damaged" in asked[0] or "损坏" in asked[0]
    kept = list(library_with_backup.parent.glob(library_with_backup.name + ".corrupt-*"))
    assert [k.read_bytes() for k in kept] == [damaged]


def test_saying_no_leaves_every_file_as_it_was(
    qtbot, library_with_backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "_ask", lambda *_a: False)
    damaged = damage(library_with_backup)
    before = sorted(p.name for p in library_with_backup.parent.rglob("*"))
    assert app_module.open_library(library_with_backup) is None
    assert library_with_backup.read_bytes() == damaged
    assert sorted(p.name for p in library_with_backup.parent.rglob("*")) == before


def test_without_a_good_backup_a_fresh_library_replaces_the_damaged_one_kept_aside(
    qtbot, default_library_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lonely.db"
    shutil.copyfile(default_library_file, path)
    damaged = damage(path)
    monkeypatch.setattr(app_module, "_ask", lambda *_a: True)
    lib = app_module.open_library(path)
    assert lib is not None
    try:
        assert lib.count_phrases() > 100
    finally:
        lib.close()
    kept = list(tmp_path.glob("lonely.db.corrupt-*"))
    assert [k.read_bytes() for k in kept] == [damaged]


def test_the_apps_own_file_with_a_wrecked_header_can_start_again(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huashu.paths import default_db_path

    own = default_db_path()
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_bytes(b"\0" * 8192)  # a power cut that zeroed the first pages
    monkeypatch.setattr(app_module, "_ask", lambda *_a: True)
    lib = app_module.open_library(None)
    assert lib is not None
    try:
        assert lib.count_phrases() > 100
    finally:
        lib.close()
    assert [p.read_bytes() for p in own.parent.glob(own.name + ".corrupt-*")] == [b"\0" * 8192]


def test_a_file_that_is_not_a_library_is_never_moved(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("title,text\n", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(app_module, "_ask", lambda *_a: True)
    monkeypatch.setattr(app_module, "_critical", shown.append)
    assert app_module.open_library(notes) is None
    assert notes.read_text(encoding="utf-8") == "title,text\n" and shown
    assert list(tmp_path.glob("notes.csv.corrupt-*")) == []
