"""`python -m huashu` is the `huashu` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_python_m_huashu_runs_the_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    made = subprocess.run(
        [sys.executable, "-m", "huashu", "--db", db, "init"], capture_output=True, text=True, timeout=60
    )
    assert made.returncode == 0, made.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "huashu", "--db", db, "list"], capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0, listed.stderr
    assert "电话接入问候" in listed.stdout and "Traceback" not in listed.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "huashu", "--db", str(tmp_path / "typo.db"), "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode != 0 and "不存在" in missing.stderr
    assert not (tmp_path / "typo.db").exists()
