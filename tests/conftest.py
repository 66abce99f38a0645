"""Shared fixtures: real libraries on disk or in memory, isolated from the user's own data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from huashu.storage.library import Library


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's real library or caches."""
    data = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("HUASHU_DATA_DIR", str(data))
    monkeypatch.delenv("HUASHU_DB", raising=False)


@pytest.fixture
def lib() -> Iterator[Library]:
    library = Library.memory(empty=True)
    yield library
    library.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "library.db"


@pytest.fixture(scope="session")
def default_library_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library file created once with the default content; copy it to modify."""
    path = tmp_path_factory.mktemp("defaultlib") / "default.db"
    Library.open(path).close()
    return path
