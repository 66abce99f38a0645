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
    result = subprocess.run(
        [str(exe), "--db", str(tmp_path / "c.db"), "show", "1"], capture_output=True, text=True, timeout=60
    )
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
