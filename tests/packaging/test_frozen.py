"""The frozen Linux build (dist/huashu from packaging/build_linux.sh): contents, trimming, links, self-test.

CI builds the bundle before running pytest (`packaging/build_linux.sh --smoke` in dev.sh); without a
build, or with one older than the sources, these tests are skipped with the command to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("HUASHU_FROZEN_DIST", ROOT / "dist" / "huashu"))
EXE = DIST / "huashu"
INTERNAL = DIST / "_internal"
# The trimmed bundle measured 131 MB; a regression that drags Qt Quick, Wayland or GTK back in
# adds tens of MB.
SIZE_BUDGET_MB = 160


def _stale() -> str | None:
    if not EXE.exists():
        return f"no frozen build at {DIST}: run packaging/build_linux.sh"
    built = EXE.stat().st_mtime
    for folder in ("desktop/huashu", "resources", "db"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.stat().st_mtime > built + 1:
                return f"{DIST} is older than {path.relative_to(ROOT)}: run packaging/build_linux.sh"
    return None


pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle"),
    pytest.mark.skipif(_stale() is not None, reason=_stale() or ""),
]


def files() -> list[Path]:
    return [p for p in DIST.rglob("*") if p.is_file() or p.is_symlink()]


def test_resources_and_migrations_are_where_the_locator_looks() -> None:
    resources = INTERNAL / "huashu" / "resources"
    for name in ("library/default_library.csv", "rules/default_rules.yaml", "search/jieba_user.dict"):
        assert (resources / name).is_file(), name
    for ts in (ROOT / "resources" / "translations").glob("*.ts"):
        assert (resources / "translations" / f"{ts.stem}.qm").is_file(), f"{ts.name} was not compiled"
    assert not list(resources.rglob("*.ts")), "sources of translations stay out of the bundle"
    shipped = sorted(p.name for p in (INTERNAL / "huashu" / "db" / "migrations").glob("*.sql"))
    assert shipped == sorted(p.name for p in (ROOT / "db" / "migrations").glob("*.sql"))


def test_trimmed() -> None:
    names = [p.relative_to(INTERNAL).as_posix() for p in files() if INTERNAL in p.parents]
    unwanted = ("wayland", "/qml/", "Qt6Quick", "Qt6Qml", "Qt6Pdf", "libgtk", "virtualkeyboard", "lac_small")
    assert not [n for n in names if any(u.lower() in n.lower() for u in unwanted)]
    qt_translations = INTERNAL / "PySide6" / "Qt" / "translations"
    assert sorted(p.name for p in qt_translations.iterdir()) == ["qtbase_zh_CN.qm"]
    assert sorted(p.name for p in (INTERNAL / "jieba").iterdir()) == ["dict.txt"]
    assert not (INTERNAL / "setuptools").exists() and not (INTERNAL / "pkg_resources").exists()
    platforms = {p.name for p in (INTERNAL / "PySide6" / "Qt" / "plugins" / "platforms").iterdir()}
    assert {"libqxcb.so", "libqoffscreen.so"} <= platforms
    size_mb = sum(p.stat().st_size for p in files() if not p.is_symlink()) / 1e6
    assert size_mb < SIZE_BUDGET_MB, f"bundle grew to {size_mb:.0f} MB"


def test_no_dangling_links() -> None:
    dangling = [p for p in files() if p.is_symlink() and not p.exists()]
    assert not dangling


@pytest.mark.skipif(not shutil.which("ldd"), reason="needs ldd")
def test_every_library_resolves() -> None:
    elf = [p for p in files() if p.is_file() and not p.is_symlink() and p.read_bytes()[:4] == b"\x7fELF"]
    assert len(elf) > 50
    missing = set()
    for start in range(0, len(elf), 50):
        batch = [str(p) for p in elf[start : start + 50]]
        out = subprocess.run(["ldd", *batch], capture_output=True, text=True).stdout
        missing |= {line.strip() for line in out.splitlines() if "not found" in line}
    assert not missing


def test_frozen_self_test_offscreen(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["HUASHU_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [str(EXE), "--self-test"], capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok  resources" in result.stdout and "frozen" in result.stdout
    assert "FAIL" not in result.stdout
    assert "self-test passed" in result.stdout


def test_frozen_cli(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    version = subprocess.run([str(EXE), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("huashu ")
    made = subprocess.run([str(EXE), "--db", str(db), "init"], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    command = [str(EXE), "--db", str(db), "search", "tuikuan", "--json"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "退款" in out.stdout
