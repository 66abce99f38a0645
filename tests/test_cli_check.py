"""The `check` and `rules` commands: the contract's exit codes, JSON shape, batch mode and rule files."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from huashu.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
    try:
        code = main(list(args))
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(default_library_file: Path, tmp_path: Path) -> str:
    path = tmp_path / "lib.db"
    shutil.copy(default_library_file, path)
    return str(path)


def test_error_level_finding_exits_1_with_json_fields(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("您好，这个我 不 知 道，你问我我问谁。", encoding="utf-8")
    code, out, _ = run(capsys, "--db", db, "check", str(draft), "--json")
    assert code == 1
    findings = json.loads(out)
    texts = {f["text"] for f in findings}
    assert "我 不 知 道" in texts and "你问我我问谁" in texts
    for finding in findings:
        assert {"start", "end", "text", "severity", "rule", "suggestions"} <= set(finding)
        assert draft.read_text(encoding="utf-8")[finding["start"] : finding["end"]] == finding["text"]
    assert any(f["severity"] == "error" and f["suggestions"] for f in findings)


def test_clean_text_and_info_only_exit_0(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "check", "-", stdin="您好，请问有什么可以帮您？")
    assert code == 0 and "未发现" in out
    # 亲 is style advice at most: reported, but not a reason to fail a script.
    code, out, _ = run(capsys, "--db", db, "check", "--json", stdin="亲，您的包裹已经发出了哦")
    assert code == 0
    assert json.loads(out), "style advice is still reported"
    assert all(f["severity"] != "error" for f in json.loads(out))


def test_human_output_names_line_column_and_suggestion(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "check", stdin="第一行\n这事不归我管")
    assert code == 1
    assert out.startswith("2:1") and "禁用" in out and "→" in out


def test_batch_one_json_array_per_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "check", "--batch", stdin="您好\n我不知道\n\n亲自为您处理\n")
    lines = out.splitlines()
    assert len(lines) == 4
    arrays = [json.loads(line) for line in lines]
    assert arrays[0] == [] and arrays[2] == [] and arrays[3] == []
    assert arrays[1][0]["text"] == "我不知道"
    assert code == 1


def test_default_library_has_no_error_level_findings(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "check", "--library")
    assert code == 0, out
    assert "禁用 " not in out.splitlines()[-1]


def test_library_summary_counts_levels_and_says_when_nothing_is_found(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.db"
    assert run(capsys, "--db", str(empty), "init", "--empty")[0] == 0
    rules = tmp_path / "rules.yaml"
    assert run(capsys, "--db", db, "rules", "export", str(rules))[0] == 0
    assert run(capsys, "--db", str(empty), "rules", "import", str(rules))[0] == 0
    run(capsys, "--db", str(empty), "add", "--category", "个人", "--title", "好", "--text", "您好")
    code, out, _ = run(capsys, "--db", str(empty), "check", "--library")
    assert code == 0
    assert out.splitlines()[-1] == "检查了 1 条话术，没有发现服务忌语"
    run(capsys, "--db", str(empty), "add", "--category", "个人", "--title", "坏", "--text", "这事不归我管")
    run(capsys, "--db", str(empty), "add", "--category", "个人", "--title", "亲", "--text", "亲，在的")
    code, out, _ = run(capsys, "--db", str(empty), "check", "--library")
    # 提示 is a level of its own: the summary counts by level instead of saying "有提示".
    assert out.splitlines()[-1] == "检查了 3 条话术：2 条含服务忌语（禁用 1 处，提示 1 处）"
    assert code == 1


def test_library_check_reports_a_bad_personal_phrase(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(capsys, "--db", db, "add", "--category", "个人", "--title", "坏", "--text", "这事不归我管")[0]
        == 0
    )
    code, out, _ = run(capsys, "--db", db, "check", "--library", "--json")
    assert code == 1
    hits = json.loads(out)
    assert [h["title"] for h in hits if any(f["severity"] == "error" for f in h["findings"])] == ["坏"]


def test_check_without_a_library_uses_the_default_rules_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from huashu.paths import default_db_path

    code, _, _ = run(capsys, "check", stdin="我不知道")
    assert code == 1
    assert not default_db_path().exists()
    # A library named by --db that is not there is a typo, not "no library yet": refused.
    missing = tmp_path / "none.db"
    code, _, err = run(capsys, "--db", str(missing), "check", stdin="我不知道")
    assert code == 2 and f"话术库文件不存在: {missing}" in err
    assert not missing.exists()


def test_rules_export_import_roundtrip_csv_xlsx_yaml(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for suffix in ("csv", "xlsx", "yaml"):
        out_file = tmp_path / f"rules.{suffix}"
        code, out, _ = run(capsys, "--db", db, "rules", "export", str(out_file))
        assert code == 0, out
        target = tmp_path / f"fresh-{suffix}.db"
        assert run(capsys, "--db", str(target), "init", "--empty")[0] == 0
        code, out, err = run(capsys, "--db", str(target), "rules", "import", str(out_file))
        assert code == 0, err
        assert run(capsys, "--db", str(target), "check", stdin="这事不归我管")[0] == 1


def test_lead_sheet_with_chinese_headers_adds_a_rule(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "忌语.csv"
    sheet.write_text(
        "忌语,级别,建议,例外,分类,备注\n没办法,禁用,我帮您想想其他办法,,推诿,\n", encoding="utf-8"
    )
    before = run(capsys, "--db", db, "rules", "export", str(tmp_path / "before.yaml"))[1]
    code, _, err = run(capsys, "--db", db, "rules", "import", str(sheet))
    assert code == 0, err
    assert run(capsys, "--db", db, "check", stdin="这个真没办法")[0] == 1
    # The defaults are still there: importing a small sheet adds, it does not wipe.
    assert run(capsys, "--db", db, "check", stdin="你问我我问谁")[0] == 1
    assert before


def test_a_rules_sheet_with_merged_cells_gives_each_row_the_merged_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Leads merge 级别, 建议 and 分类 over a group of forbidden words: every row of it gets them."""
    import openpyxl
    import yaml

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["忌语", "级别", "建议", "分类"])
    ws.append(["我办不了", "禁用", "我帮您联系能处理的同事", "推诿"])
    ws.append(["我搞不定", None, None, None])
    ws.append(["我管不了", None, None, None])
    ws.append(["随便你", "慎用", "您看这样处理可以吗", "态度"])
    for column in "BCD":
        ws.merge_cells(f"{column}2:{column}4")
    sheet = tmp_path / "忌语.xlsx"
    book.save(sheet)
    target = tmp_path / "fresh.db"
    assert run(capsys, "--db", str(target), "init", "--empty")[0] == 0
    code, _, err = run(capsys, "--db", str(target), "rules", "import", str(sheet))
    assert code == 0, err
    exported = tmp_path / "rules.yaml"
    assert run(capsys, "--db", str(target), "rules", "export", str(exported))[0] == 0
    rules = {r["patterns"][0]: r for r in yaml.safe_load(exported.read_text(encoding="utf-8"))["rules"]}
    for word in ("我办不了", "我搞不定", "我管不了"):
        assert rules[word]["severity"] == "error", word
        assert rules[word]["suggestions"] == ["我帮您联系能处理的同事"], word
        assert rules[word]["category"] == "推诿", word
    assert rules["随便你"]["severity"] == "warning" and rules["随便你"]["category"] == "态度"


def test_replace_says_which_rules_it_drops_before_and_when_it_does(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "只有一条.csv"
    sheet.write_text("忌语,级别,建议\n没办法,禁用,我帮您想想其他办法\n", encoding="utf-8")
    from huashu.storage.library import Library

    with Library.open(Path(db)) as lib:
        before = lib.rules()
    count = len(before)
    code, out, _ = run(capsys, "--db", db, "rules", "import", str(sheet), "--replace", "--dry-run")
    assert code == 0 and f"将删除文件中没有的 {count} 条个人规则" in out and "push-off-dont-know" in out
    with Library.open(Path(db)) as lib:
        assert lib.rules() == before  # a dry run changes nothing
    code, out, _ = run(capsys, "--db", db, "rules", "import", str(sheet), "--replace")
    assert code == 0 and f"已删除文件中没有的 {count} 条个人规则" in out
    assert run(capsys, "--db", db, "check", stdin="我不知道")[0] == 0  # as the lead chose


def test_rule_file_whose_examples_fail_is_refused_and_nothing_changes(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\nrules:\n- id: qin\n  patterns: [亲]\n  severity: warning\n  allow: [亲自]\n"
        "  examples:\n    ok: [亲自]\n"
        "- id: broken\n  patterns: [不知道]\n  severity: error\n  examples:\n    ok: [我不知道]\n",
        encoding="utf-8",
    )
    before = Path(db).read_bytes()
    code, _, err = run(capsys, "--db", db, "rules", "import", str(bad))
    assert code == 2
    assert "broken" in err
    assert Path(db).read_bytes() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rules.txt", "x", "不支持"),
        ("rules.csv", "title,text\n甲,乙\n", "违禁词"),
        ("rules.xlsx", "not a zip", "xlsx"),
    ],
)
def test_bad_rule_files_give_one_line_errors(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "rules", "import", str(path))
    assert code == 2
    assert "Traceback" not in err and message.lower() in err.lower()


def test_usage_errors(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", db, "rules")[0] == 2
    assert run(capsys, "--db", db, "check", "--batch", "file.txt")[0] == 2
    assert run(capsys, "--db", db, "check", "/no/such/file.txt")[0] == 2


def test_batch_reads_gbk_and_utf8_with_bom_whatever_the_locale(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for data in ("我不知道\n".encode("gbk"), "\ufeff我不知道\n".encode()):
        sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="ascii")  # a locale that fits neither
        try:
            code = main(["--db", db, "check", "--batch"])
        finally:
            sys.stdin = sys.__stdin__
        out = capsys.readouterr().out
        assert code == 1
        assert json.loads(out)[0]["start"] == 0 and json.loads(out)[0]["text"] == "我不知道"


def test_rules_exported_by_default_are_the_personal_ones(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from huashu.core.models import Rule
    from huashu.core.rules import load_rules_yaml
    from huashu.storage.library import Library

    with Library.open(Path(db)) as lib:
        lib.conn.execute(
            "INSERT INTO packs (id, name, version, installed_at) VALUES ('p1', '总部', 1, 'now')"
        )
        lib.save_rule(Rule(uid="p1/x", patterns=("随便",), severity="warning", origin="pack", pack_id="p1"))
    out_file = tmp_path / "mine.yaml"
    code, out, _ = run(capsys, "--db", db, "rules", "export", str(out_file))
    assert code == 0
    assert all("/" not in r.uid for r in load_rules_yaml(out_file.read_text(encoding="utf-8")))
    assert "另有 1 条团队话术包的规则未导出" in out and "--all" in out  # what was left out is said


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "yaml"])
def test_rules_exported_with_all_import_again_skipping_the_pack_rules(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    from huashu.core.models import Rule
    from huashu.storage.library import Library

    with Library.open(Path(db)) as lib:
        lib.conn.execute(
            "INSERT INTO packs (id, name, version, installed_at) VALUES ('p1', '总部', 1, 'now')"
        )
        lib.save_rule(Rule(uid="p1/x", patterns=("随便",), severity="warning", origin="pack", pack_id="p1"))
        personal = sum(r.origin == "personal" for r in lib.rules())
    out_file = tmp_path / f"all.{suffix}"
    code, out, _ = run(capsys, "--db", db, "rules", "export", "--all", str(out_file))
    assert code == 0 and "1 条是团队话术包的规则，再导入时会跳过" in out
    code, out, err = run(capsys, "--db", db, "rules", "import", str(out_file))
    assert code == 0, err
    assert f"已导入 {personal} 条规则" in out
    assert "随便" in err and "p1" in err and "跳过" in err
    with Library.open(Path(db)) as lib:
        assert sum(r.origin == "personal" for r in lib.rules()) == personal  # no personal copy made


def test_rules_sheet_messages_use_the_leads_headers(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "忌语.csv"
    sheet.write_text("忌语,级别,备注\n,禁用,空的\n搞不定；弄不了,慎用,用中文分号分隔\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "rules", "import", str(sheet))
    assert code == 2
    assert "第 2 行: “忌语”列为空" in err and "pattern" not in err
    sheet.write_text("忌语,级别,例外\n搞不定；弄不了,慎用,\n亲,提示,亲自、亲切、父亲\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", db, "rules", "import", str(sheet))
    assert code == 0, err
    assert run(capsys, "--db", db, "check", stdin="这个我弄不了")[0] == 0  # 慎用: reported, exit 0
    code, out, _ = run(capsys, "--db", db, "check", "--json", stdin="这个我弄不了，我会亲自处理")
    assert [f["text"] for f in json.loads(out)] == ["弄不了"]
