"""`huashu --self-test`: every check passes on a fresh library, a failing check does not stop the rest."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from huashu import selftest

LINE = re.compile(r"^(ok  |FAIL) ?(\S+)")
TIMEOUT_S = 120


def check_lines(output: str) -> dict[str, str]:
    """check name -> 'ok' or 'FAIL' for every check line of the report."""
    found = {}
    for line in output.splitlines():
        match = LINE.match(line)
        if match and match.group(2).rstrip(":") in dict(selftest.CHECKS):
            found[match.group(2).rstrip(":")] = match.group(1).strip()
    return found


def run_module(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "huashu.selftest", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env=env or dict(os.environ),
    )


def test_every_check_passes_on_a_fresh_library() -> None:
    result = run_module()
    assert result.returncode == 0, result.stdout + result.stderr
    checks = check_lines(result.stdout)
    assert checks == {name: "ok" for name, _ in selftest.CHECKS}, result.stdout
    assert "self-test passed" in result.stdout


def test_offscreen_without_a_display() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = run_module(env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^ok  gui .*offscreen", result.stdout, re.MULTILINE), result.stdout


def test_existing_library_is_checked_and_left_unchanged(default_library_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    shutil.copy(default_library_file, db)
    before = db.read_bytes()
    result = run_module("--db", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(check_lines(result.stdout).values()) == {"ok"}
    assert db.read_bytes() == before


def test_a_broken_library_fails_its_checks_but_the_others_still_run(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a library")
    out = io.StringIO()
    assert selftest.run(junk, stream=out) == 1
    checks = check_lines(out.getvalue())
    assert list(checks) == [name for name, _ in selftest.CHECKS], "one line per check, in order"
    assert checks["library"] == "FAIL"
    assert checks["resources"] == "ok"
    assert checks["preload"] == "ok"
    assert "不是话术库文件" in out.getvalue()
    assert "self-test FAILED" in out.getvalue()
    assert junk.read_bytes() == b"this is not a library"


def test_a_bad_preload_file_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "huashu.preload.json"
    bad.write_text('{"trusted_keys": [{"key": "nope"}]}', encoding="utf-8")
    env = dict(os.environ, HUASHU_PRELOAD=str(bad))
    result = run_module(env=env)
    assert result.returncode == 1
    assert re.search(r"^FAIL preload: .*key 不是 32 字节的公钥", result.stdout, re.MULTILINE), result.stdout


def test_cli_flag() -> None:
    huashu = Path(sys.executable).with_name("huashu")
    command = [str(huashu)] if huashu.exists() else [sys.executable, "-m", "huashu.cli"]
    result = subprocess.run([*command, "--self-test"], capture_output=True, text=True, timeout=TIMEOUT_S)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(check_lines(result.stdout).values()) == {"ok"}


@pytest.mark.parametrize("argv", [["--bogus"], ["--db"]])
def test_module_usage_errors(argv: list[str]) -> None:
    assert selftest.main(argv) == 2
