"""The README keeps its promises: its two commands come first, and every command it lists exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from huashu.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_starts_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["./dev.sh run", "./dev.sh test"]
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("./dev.sh test")


def _cli_lines() -> list[str]:
    block = README.split("## Command line", 1)[1].split("```")[1]
    return [line for line in block.splitlines() if line.startswith("huashu")]


def _subcommands(parser: object) -> dict[str, object]:
    import argparse

    for action in parser._actions:  # type: ignore[attr-defined]
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


@pytest.mark.parametrize("line", _cli_lines())
def test_every_listed_command_exists(line: str) -> None:
    words = [w for w in re.sub(r"\[--db PATH\]", "", line.split("  ")[0]).split()[1:]]
    parser: object = build_parser()
    for word in words:
        if word.startswith(("-", "[", "FILE", "ID", "QUERY", "MESSAGE")) or not re.fullmatch(r"[a-z|-]+", word):
            break
        choices = _subcommands(parser)
        if not choices:
            break
        for name in word.split("|"):
            assert name in choices, f"{line!r}: {name} is not a command"
        parser = choices[word.split("|")[0]]


def test_listed_top_level_flags_exist(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--db", "--version", "--self-test"):
        assert flag in out
