"""The CLI contract: command names, flags, JSON shape, exit codes and one-line errors."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from huashu.cli import build_parser, main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sixty_phrase_sheet(path: Path) -> list[dict[str, str]]:
    rows = []
    for i in range(60):
        rows.append(
            {
                "category": ["问候与开场", "投诉处理/物流超期", "售后/退款", "结束语"][i % 4],
                "title": f"话术{i:02d}",
                "text": f"您好，这是第{i}条话术，订单[订单号]，"
                + ("\n第二行" if i % 7 == 0 else "")
                + ("=1+1" if i == 5 else ""),
                "shortcut": f"/h{i}" if i % 3 == 0 else "",
                "tags": "甲;乙" if i % 2 else "",
                "notes": "备注" if i % 5 == 0 else "",
            }
        )
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("huashu 0.")


def test_sheet_of_sixty_roundtrips_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.db")
    sheet = tmp_path / "some.csv"
    rows = sixty_phrase_sheet(sheet)
    assert run(capsys, "--db", db, "init", "--empty")[0] == 0
    code, out, _ = run(capsys, "--db", db, "import", str(sheet))
    assert code == 0, out
    assert "新增 60" in out
    code, out, _ = run(capsys, "--db", db, "list", "--json")
    listed = json.loads(out)
    by_title = {p["title"]: p for p in listed}
    assert len(listed) == 60
    for row in rows:
        got = by_title[row["title"]]
        assert got["category"] == row["category"]
        assert got["text"] == row["text"]
        assert got["shortcut"] == row["shortcut"]
        assert got["tags"] == [t for t in row["tags"].split(";") if t]
        assert got["notes"] == row["notes"]
        assert {"id", "category", "title", "text", "shortcut", "tags"} <= set(got)
    # Re-import changes nothing; an export re-imports to the same library.
    code, out, _ = run(capsys, "--db", db, "import", str(sheet))
    assert "新增 0，更新 0，未变 60" in out
    for suffix in (".csv", ".xlsx"):
        exported = tmp_path / f"export{suffix}"
        assert run(capsys, "--db", db, "export", str(exported))[0] == 0
        db2 = str(tmp_path / f"y{suffix}.db")
        run(capsys, "--db", db2, "init", "--empty")
        assert run(capsys, "--db", db2, "import", str(exported))[0] == 0
        again = json.loads(run(capsys, "--db", db2, "list", "--json")[1])
        assert _content(again) == _content(listed)


def _content(items: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{k: p[k] for k in ("category", "title", "text", "shortcut", "tags", "notes")} for p in items]


def test_import_dry_run_and_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    sheet = tmp_path / "s.csv"
    sixty_phrase_sheet(sheet)
    code, out, _ = run(capsys, "--db", db, "import", str(sheet), "--dry-run")
    assert code == 0 and "试导入" in out and "新增 60" in out
    assert json.loads(run(capsys, "--db", db, "list", "--json")[1]) == []
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    before = Path(db).read_bytes()
    code, out, err = run(capsys, "--db", db, "import", str(bad))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "缺少必需的列" in err
    assert Path(db).read_bytes() == before


def test_import_with_skipped_rows_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    sheet = tmp_path / "s.csv"
    sheet.write_text("分类,标题,内容\n问候,好,您好\n问候,坏,您好[订单号\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "import", str(sheet), "--json")
    report = json.loads(out)
    assert code == 1 and report["added"] == 1 and report["skipped"][0]["row"] == 3


def test_show_fill_and_missing_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "add",
        "--category",
        "物流",
        "--title",
        "查询",
        "--text",
        "您好，我是[您的名字/工号]，您的订单[订单号]预计[日期]送达。",
        "--shortcut",
        "/wl",
        "--tags",
        "物流;查询",
    )
    assert code == 0 and "#1" in out
    code, out, _ = run(capsys, "--db", db, "show", "1", "--json")
    shown = json.loads(out)
    assert shown["fields"] == ["您的名字/工号", "订单号", "日期"] and shown["tags"] == ["物流", "查询"]
    code, out, err = run(capsys, "--db", db, "fill", "/wl", "--set", "订单号=A123")
    assert code == 2 and out == ""
    assert "您的名字/工号" in err and "日期" in err and "订单号" not in err.split("fields:")[1].split("（")[0]
    run(capsys, "--db", db, "profile", "--set", "名字=小李", "--set", "工号=1024")
    code, out, err = run(capsys, "--db", db, "fill", "1", "--set", "订单号=A123", "--set", "日期=11月25日")
    assert code == 0, err
    assert out.strip() == "您好，我是小李（工号 1024），您的订单A123预计11月25日送达。"
    assert json.loads(run(capsys, "--db", db, "show", "1", "--json")[1])["use_count"] == 1


def test_not_found_and_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    code, _, err = run(capsys, "--db", db, "show", "999")
    assert code == 1 and err.count("\n") == 1
    code, _, err = run(capsys, "--db", db, "show", "abc")  # a shortcut without its "/"
    assert code == 1 and "没有快捷编码为 /abc 的话术" in err
    code, _, err = run(capsys, "--db", db, "show", "a?b")  # cannot be an id or a shortcut
    assert code == 2 and "快捷编码" in err
    code, _, err = run(capsys, "--db", db, "frobnicate")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    code, _, err = run(capsys, "--db", db, "fill", "1", "--set", "novalue")
    assert code == 2
    code, _, err = run(capsys, "--db", db, "init")
    assert code == 2 and "已存在" in err
    code, _, err = run(capsys, "--db", db, "add", "--category", "甲", "--title", "坏", "--text", "[")
    assert code == 2 and "占位符" in err


def test_init_default_content_and_list_by_category(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "d.db")
    code, _out, _ = run(capsys, "--db", db, "init")
    assert code == 0
    listed = json.loads(run(capsys, "--db", db, "list", "--json")[1])
    assert len(listed) >= 150
    category = listed[0]["category"].split("/")[0]
    subset = json.loads(run(capsys, "--db", db, "list", "--category", category, "--json")[1])
    assert subset and all(p["category"].startswith(category) for p in subset)
    assert run(capsys, "--db", db, "list", "--category", "没有这个分类")[0] == 1


def test_env_var_selects_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "env.db"
    monkeypatch.setenv("HUASHU_DB", str(target))
    assert run(capsys, "init", "--empty")[0] == 0
    assert target.exists()


def test_copy_puts_text_on_the_clipboard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    if not os.environ.get("DISPLAY") or not shutil.which("xclip"):
        pytest.skip("needs an X display and xclip")
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    run(
        capsys, "--db", db, "add", "--category", "甲", "--title", "乙", "--text", "您好，订单[订单号]已发出。"
    )
    code, _out, err = run(capsys, "--db", db, "fill", "1", "--set", "订单号=B9", "--copy")
    assert code == 0, err
    pasted = subprocess.run(
        ["xclip", "-selection", "clipboard", "-o"], capture_output=True, text=True, timeout=10
    )
    assert pasted.stdout == "您好，订单B9已发出。"


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("huashu")
    db = str(tmp_path / "c.db")
    assert main(["--db", db, "init"]) == 0
    result = subprocess.run([str(exe), "--db", db, "show", "1"], capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1)
    assert "Traceback" not in result.stderr


def test_toggle_and_minimized_reach_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("PySide6")
    import huashu.gui.app as gui_app

    seen: list[dict[str, object]] = []

    def fake_run(**kwargs: object) -> int:
        seen.append(kwargs)
        return 0

    monkeypatch.setattr(gui_app, "run", fake_run)
    sheet = tmp_path / "new.csv"
    sheet.write_text("category,title,text\n", encoding="utf-8")
    assert main(["--db", str(tmp_path / "l.db"), "--toggle"]) == 0
    assert main(["--db", str(tmp_path / "l.db"), "--minimized", str(sheet)]) == 0
    assert seen[0]["toggle"] is True and seen[0]["minimized"] is False
    assert seen[1]["minimized"] is True and seen[1]["open_files"] == [sheet.resolve()]


@pytest.mark.parametrize(
    ("args", "gui"),
    [
        ([], True),
        (["--db", "x.db", "--toggle"], True),
        (["--db=x.db", "--minimized", "team.huashu"], True),
        (["--self-test"], True),
        (["search", "退款"], False),
        (["--db", "search"], True),  # a library file named like a command is still only a path
        (["--help"], False),
        (["--version"], False),
        (["--bogus"], False),  # unknown options get the full parser's error message
        (["notes.txt"], False),
    ],
)
def test_only_window_options_skip_the_command_parsers(args: list[str], gui: bool) -> None:
    from huashu.cli import _starts_gui

    assert _starts_gui(args) is gui


def test_window_options_read_the_same_with_either_parser() -> None:
    args = ["--db", "x.db", "--toggle", "--minimized"]
    assert (
        vars(build_parser(commands=False).parse_args(args)).items()
        <= vars(build_parser().parse_args(args)).items()
    )


def test_building_the_parser_leaves_the_pack_code_unloaded() -> None:
    # core.packs pulls in signing, TLS and HTTP: ~60 ms that every start of the app used to pay.
    code = "import sys, huashu.cli as c; c.build_parser(); print('huashu.core.packs' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_unknown_option_still_gets_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bogus"]) == 2
    assert "用法错误" in capsys.readouterr().err


def test_a_pasted_sentence_is_searched_by_its_words(tmp_path: Path, default_library_file: Path) -> None:
    # A fresh process: jieba is not loaded yet, and a one-shot search must not answer from substrings.
    db = tmp_path / "l.db"
    shutil.copy(default_library_file, db)
    exe = Path(sys.executable).with_name("huashu")
    result = subprocess.run(
        [str(exe), "--db", str(db), "search", "快递三天了还没到", "--limit", "3"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "物流" in result.stdout


def test_import_of_a_leads_xlsx_prints_each_conversion_and_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Merged 分类, a percentage, markers beside [fields] and {name} fields, as `huashu import` reports them."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["分类", "标题", "话术", "备注"])
    sheet.append(["售后", "发货", "您好，我是[您的名字/工号]，您的订单XXXX已发货", 0.15])
    sheet.append([None, "提醒", "尊敬的{name}，订单{订单号}已签收", None])
    sheet.append([None, "同上", None, None])
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("C3:C4")
    sheet.cell(row=2, column=4).number_format = "0%"
    path = tmp_path / "组长.xlsx"
    book.save(path)
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    code, out, _ = run(capsys, "--db", db, "import", str(path))
    assert code == 1  # the merged 话术 row is skipped, with its reason
    assert "新增 2" in out
    assert "第 2 行 旧式占位符已转换: XXXX→[订单号]" in out
    assert "第 3 行 旧式占位符已转换: {name}→[name]、{订单号}→[订单号]" in out
    assert "第 4 行 跳过: 内容为空（位于合并单元格 C3:C4 中" in out
    listed = {p["title"]: p for p in json.loads(run(capsys, "--db", db, "list", "--json")[1])}
    assert listed["发货"]["category"] == listed["提醒"]["category"] == "售后"
    assert listed["发货"]["notes"] == "15%"
    assert listed["提醒"]["text"] == "尊敬的[name]，订单[订单号]已签收"
    assert "编码" not in out.splitlines()[0]  # an XLSX has no text encoding to tell


def test_import_of_a_workbook_with_one_sheet_per_team_names_each_sheets_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in (
        (
            "售前",
            [
                ["分类", "标题", "话术"],
                ["售前/咨询", "尺码推荐", "我帮您推荐。"],
                ["售前/咨询", "发货时间", "48小时内。"],
            ],
        ),
        ("售后", [["分类", "标题", "话术"], ["售后/退款", "退款时效", "1-3天。"], ["售后/退款", "换货", ""]]),
        ("物流", [["标题", "话术"], ["查询物流", "单号是[快递单号]。"]]),
    ):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "per_sheet.xlsx"
    book.save(path)
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    code, out, _ = run(capsys, "--db", db, "import", str(path), "--dry-run")
    assert code == 1
    assert out.splitlines()[0] == "试导入（未写入）: 新增 4，更新 0，未变 0，跳过 1"
    assert "  工作表“售后”第 3 行 跳过: 内容为空" in out
    assert "  工作表“物流”第 1 行 提示: 没有“分类”列，本表的话术归入分类“物流”（工作表名）" in out


def test_shortcuts_typed_without_slash_or_full_width_are_stored_and_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "add",
        "--category",
        "售后",
        "--title",
        "祈求",
        "--text",
        "您好",
        "--shortcut",
        "qj",
    )
    assert code == 0 and "快捷编码已改为 /qj" in out
    for ref in ("/qj", "qj", "／qj", "／ＱＪ"):
        code, out, _ = run(capsys, "--db", db, "show", ref)
        assert code == 0 and "快捷编码: /qj" in out, ref
    code, _, err = run(
        capsys, "--db", db, "add", "--category", "售后", "--title", "坏", "--text", "x", "--shortcut", "/"
    )
    assert code == 2 and "快捷编码在 / 后面需要字母或数字" in err


# -- a library named by --db that is not there -----------------------------------------------------


def _command_inputs(tmp_path: Path) -> dict[str, str]:
    """Files the commands below read (a key, a pack, a sheet, rules, a text), apart from the library."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    key = inputs / "lead.key"
    assert main(["keygen", "--out", str(key), "--publisher", "总部客服部"]) == 0
    sheet = inputs / "sheet.csv"
    sheet.write_text("分类,标题,内容\n售后,退款时效,1-3个工作日到账\n", encoding="utf-8")
    pack = inputs / "company.huashu"
    build = ["pack", "build", "--out", str(pack), "--key", str(key), "--name", "公司话术", "--version", "1"]
    assert main([*build, "--from", str(sheet), "--no-rules", "--no-synonyms"]) == 0
    rules = inputs / "rules.yaml"
    rules.write_text("rules:\n- id: r1\n  patterns: [不归我管]\n  severity: error\n", encoding="utf-8")
    text = inputs / "draft.txt"
    text.write_text("这事不归我管", encoding="utf-8")
    return {
        "key": str(key),
        "sheet": str(sheet),
        "pack": str(pack),
        "rules": str(rules),
        "text": str(text),
        "out": str(tmp_path / "outputs"),
    }


READING_COMMANDS = [
    "list",
    "list --json",
    "show 1",
    "show /wl",
    "fill 1 --set 订单号=1",
    "search 退款",
    "search --batch",
    "suggest 快递还没到",
    "export {out}/phrases.csv",
    "profile",
    "profile --json",
    "check {text}",
    "check --library",
    "import {sheet} --dry-run",
    "import {pack} --dry-run",
    "rules export {out}/rules.yaml",
    "rules import {rules} --dry-run",
    "pack build --out {out}/p.huashu --key {key} --name 公司话术 --version 2",
    "pack build --out {out}/p.huashu --key {key} --name 公司话术 --version 2 --from {sheet}",
    "pack verify {pack}",
    "pack list",
    "pack remove 公司话术",
    "trust list",
    "trust remove abcd-ef01-2345-6789",
    "db check",
    "db check --repair",
    "db backup",
    "usage export {out}/usage.csv",
    "channel list",
    "channel remove 1",
    "channel check",
    "channel check --install",
]


@pytest.mark.parametrize("command", READING_COMMANDS)
def test_a_reading_command_on_a_missing_db_fails_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    inputs = _command_inputs(tmp_path)
    folder = tmp_path / "libs"
    folder.mkdir()  # the folder is there: only the file name is mistyped
    typo = folder / "libary.db"
    capsys.readouterr()
    code, out, err = run(capsys, "--db", str(typo), *command.format(**inputs).split())
    assert code == 2, (out, err)
    assert err == (
        f"huashu: 话术库文件不存在: {typo}（未创建任何文件；请检查路径，"
        f"要在这里新建话术库请运行 huashu init --db {typo}）\n"
    )
    assert out == ""
    assert list(folder.iterdir()) == []
    assert not Path(inputs["out"]).exists()
    from huashu.paths import default_db_path

    assert not default_db_path().exists()  # nor the default library in its place


def test_an_empty_db_file_is_not_filled_by_a_reading_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "空 的.db"
    empty.touch()
    code, _, err = run(capsys, "--db", str(empty), "search", "退款")
    assert code == 2
    assert f"话术库文件是空的: {empty}" in err and f'huashu init --db "{empty}"' in err
    assert empty.stat().st_size == 0 and [p.name for p in tmp_path.iterdir()] == [empty.name]
    assert run(capsys, "--db", str(empty), "init")[0] == 0  # init takes an empty file, as before
    assert run(capsys, "--db", str(empty), "search", "退款")[0] == 0


WRITING_COMMANDS = [
    "add --category 售后 --title 退款 --text 1-3天到账",
    "import {sheet}",
    "import {pack} --trust {public}",
    "profile --set 名字=小李",
    "rules import {rules}",
    "trust add {public} --name 总部客服部",
    "channel add {out}",
]


@pytest.mark.parametrize("command", WRITING_COMMANDS)
def test_a_writing_command_on_a_missing_db_creates_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    inputs = _command_inputs(tmp_path)
    public = capsys.readouterr().out.splitlines()[0]  # keygen printed it
    target = tmp_path / "new.db"
    code, _, err = run(capsys, "--db", str(target), *command.format(public=public, **inputs).split())
    assert code == 0, err
    assert target.stat().st_size > 0
    assert run(capsys, "--db", str(target), "db", "check")[0] == 0


def test_without_db_the_default_library_is_still_created_on_first_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from huashu.paths import default_db_path

    assert not default_db_path().exists()
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0 and len(json.loads(out)) > 100
    assert default_db_path().exists()


def test_commands_that_never_open_the_library_ignore_a_missing_db(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _command_inputs(tmp_path)
    public = capsys.readouterr().out.splitlines()[0]
    folder = tmp_path / "libs"
    folder.mkdir()
    typo = str(folder / "libary.db")
    out = Path(inputs["out"])
    out.mkdir()
    for command in (
        f"pack show {inputs['pack']}",
        f"pack verify {inputs['pack']} --trust {public}",
        f"pack build --out {out}/p.huashu --key {inputs['key']} --name 公司话术 --version 2"
        f" --from {inputs['sheet']} --no-rules --no-synonyms",
        "db backups",
    ):
        code, _, err = run(capsys, "--db", typo, *command.split())
        assert code == 0, (command, err)
    assert list(folder.iterdir()) == []


def test_every_command_says_what_a_missing_db_means_for_it() -> None:
    """A new command must be decided too: read (refused), create, or no library at all."""
    import argparse

    from huashu.cli import LIBRARY_USE

    def names(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
        found: set[str] = set()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    below = names(child, f"{prefix}{name} ")
                    found |= below or {f"{prefix}{name}"}
        return found

    assert names(build_parser()) == set(LIBRARY_USE)


# -- exports a lead shares, and sheets that cannot be read -----------------------------------------


@pytest.fixture
def umask_022() -> object:
    import os

    original = os.umask(0o022)
    yield
    os.umask(original)


def _mode(path: Path) -> int:
    import os
    import stat

    return stat.S_IMODE(os.stat(path).st_mode)


def test_every_file_written_for_sharing_is_readable_by_colleagues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], umask_022: object
) -> None:
    """Exports, rules, usage, packs and manifests get -rw-r--r-- under umask 022 (a shared folder);
    only the signing key stays private."""
    db = str(tmp_path / "x.db")
    shared = tmp_path / "共享"
    assert run(capsys, "--db", db, "init")[0] == 0
    key = tmp_path / "lead.key"
    assert run(capsys, "keygen", "--out", str(key))[0] == 0
    commands = [
        ["export", str(shared / "话术.csv")],
        ["export", str(shared / "话术.xlsx")],
        ["rules", "export", str(shared / "规则.yaml")],
        ["rules", "export", str(shared / "规则.xlsx")],
        ["usage", "export", str(shared / "usage.csv")],
        ["pack", "build", "--out", str(shared / "公司.huashu"), "--key", str(key), "--name", "公司", "--version", "1"],
    ]
    for command in commands:
        code, _out, err = run(capsys, "--db", db, *command)
        assert code == 0, (command, err)
    url = "https://intranet.example/huashu/公司.huashu"
    manifest = ["pack", "manifest", str(shared / "公司.huashu"), "--url", url, "--out", str(shared / "m.json")]
    assert run(capsys, *manifest)[0] == 0
    modes = {path.name: oct(_mode(path)) for path in shared.iterdir()}
    assert modes == dict.fromkeys(
        ["话术.csv", "话术.xlsx", "规则.yaml", "规则.xlsx", "usage.csv", "公司.huashu", "m.json"], "0o644"
    )
    assert _mode(key) == 0o600


def test_export_has_chinese_headers_unless_english_is_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    run(capsys, "--db", db, "add", "--category", "售后", "--title", "退款", "--text", "1-3天到账", "--tags", "退款")
    zh, en = tmp_path / "zh.csv", tmp_path / "en.csv"
    code, out, _ = run(capsys, "--db", db, "export", str(zh))
    assert code == 0 and out == f"已导出 1 条话术到 {zh}\n"
    lines = zh.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["分类,标题,内容,快捷编码,标签,备注", "售后,退款,1-3天到账,,退款,"]
    assert run(capsys, "--db", db, "export", str(en), "--headers", "en")[0] == 0
    assert en.read_text(encoding="utf-8-sig").splitlines()[0] == "category,title,text,shortcut,tags,notes"
    code, out, _ = run(capsys, "--db", db, "import", str(zh))
    assert code == 0 and "新增 0，更新 0，未变 1，跳过 0" in out and "未识别的列" not in out


def test_an_exported_library_with_a_team_pack_reimports_without_conflicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pack's phrases are exported marked 来源 and come back 未变, not "跳过 — 冲突"."""
    db = str(tmp_path / "agent.db")
    key = tmp_path / "lead.key"
    lead_db = str(tmp_path / "lead.db")
    run(capsys, "--db", lead_db, "init", "--empty")
    for title in ("开场白", "退款时效", "换货流程"):
        run(capsys, "--db", lead_db, "add", "--category", "公司", "--title", title, "--text", f"{title}的话术")
    public = run(capsys, "keygen", "--out", str(key))[1].strip()
    pack = tmp_path / "公司.huashu"
    build = ["--db", lead_db, "pack", "build", "--out", str(pack), "--key", str(key), "--name", "公司话术"]
    assert run(capsys, *build, "--version", "1")[0] == 0
    run(capsys, "--db", db, "init", "--empty")
    run(capsys, "--db", db, "add", "--category", "我的", "--title", "自己的", "--text", "自己的话术")
    assert run(capsys, "--db", db, "import", str(pack), "--trust", public)[0] == 0
    sheet = tmp_path / "导出.xlsx"
    code, out, _ = run(capsys, "--db", db, "export", str(sheet))
    assert code == 0 and "其中 3 条来自团队话术包" in out
    code, out, _ = run(capsys, "--db", db, "import", str(sheet))
    assert code == 0 and "新增 0，更新 0，未变 4，跳过 0" in out and "冲突" not in out
    # A lead's edit of a pack phrase in the sheet is the one thing refused, by its row.
    edited = tmp_path / "改过.csv"
    edited.write_text("分类,标题,内容\n公司,退款时效,组长改过的\n", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "import", str(edited))
    assert code == 1 and "第 2 行 跳过: 与团队话术包中的同名话术内容不同" in out


def test_a_badly_encoded_sheet_is_refused_in_chinese_with_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "x.db")
    run(capsys, "--db", db, "init", "--empty")
    sheet = tmp_path / "坏编码.csv"
    body = "".join(f"售后,标题{i},内容{i}\n" for i in range(2000))
    sheet.write_bytes(("分类,标题,内容\n" + body + "售后,坏,").encode() + b"\xc3(\n")
    before = Path(db).read_bytes()
    code, out, err = run(capsys, "--db", db, "import", str(sheet))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "按 UTF-8 读取时，第 2002 行第 6 个字符处" in err and "另存为" in err
    assert "unrecognised" not in err and "UTF-16" in err
    assert Path(db).read_bytes() == before
