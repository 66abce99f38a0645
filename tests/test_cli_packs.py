"""The pack CLI contract: keygen, pack build/show/verify, import .huashu, trust, db, usage, channels."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from huashu import cli, cli_packs
from huashu.cli import main
from workbooks import write_workbook


@pytest.fixture(autouse=True)
def _pack_commands(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Until cli.py registers them itself, add the pack commands for these tests."""
    if cli_packs.register not in cli._EXTRA_COMMANDS:
        monkeypatch.setattr(cli, "_EXTRA_COMMANDS", [*cli._EXTRA_COMMANDS, cli_packs.register])
    yield


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        for table in ("categories", "phrases", "packs", "rules", "synonyms", "trusted_keys", "profile"):
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        conn.close()


@pytest.fixture
def lead(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, Path, str]:
    """A lead's key and library with a few phrases; returns (public key, key file, library)."""
    key_file = tmp_path / "lead.key"
    code, out, err = run(capsys, "keygen", "--out", str(key_file), "--publisher", "总部客服部")
    assert code == 0, err
    public = out.strip()
    db = str(tmp_path / "lead.db")
    assert run(capsys, "--db", db, "init", "--empty")[0] == 0
    for category, title, text in (
        ("问候", "开场白", "您好，我是[您的名字/工号]，很高兴为您服务"),
        ("售后/退款", "退款时效", "退款会在3个工作日内原路退回"),
        ("售后/换货", "换货流程", "请在订单页申请换货"),
    ):
        assert (
            run(capsys, "--db", db, "add", "--category", category, "--title", title, "--text", text)[0] == 0
        )
    return public, key_file, db


def build(
    capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str], out: Path, version: int, *extra: str
) -> None:
    _, key_file, db = lead
    args = ["--db", db, "pack", "build", "--out", str(out), "--key", str(key_file), "--name", "公司话术"]
    code, stdout, err = run(capsys, *args, "--version", str(version), *extra)
    assert code == 0, err
    assert f"v{version}" in stdout


def test_keygen_prints_the_public_key_and_protects_the_private_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "k.key"
    code, out, err = run(capsys, "keygen", "--out", str(key_file))
    assert code == 0
    assert len(out.strip()) == 44 and "指纹" in err
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    code, _, err = run(capsys, "keygen", "--out", str(key_file))
    assert code == 2 and "已存在" in err and err.count("\n") == 1
    code, out, _ = run(capsys, "keygen", "--out", str(key_file), "--force", "--json")
    assert code == 0 and set(json.loads(out)) == {"public_key", "fingerprint", "key_file"}


def test_build_show_verify_and_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    public, _, _ = lead
    v1 = tmp_path / "v1.huashu"
    build(capsys, lead, v1, 1)

    code, out, _ = run(capsys, "pack", "show", str(v1))
    assert code == 0
    assert "话术包: 公司话术" in out and "版本: 1" in out and "发布者: 总部客服部" in out
    assert "3 条话术" in out and f"公钥: {public}" in out
    code, out, _ = run(capsys, "pack", "show", str(v1), "--json", "--phrases")
    shown = json.loads(out)
    assert shown["counts"]["phrases"] == 3 and shown["version"] == 1 and len(shown["phrases"]) == 3

    agent = tmp_path / "agent.db"
    assert run(capsys, "--db", str(agent), "init", "--empty")[0] == 0
    # verify: 0 good, 1 untrusted or bad signature, 2 malformed
    assert run(capsys, "--db", str(agent), "pack", "verify", str(v1))[0] == 1
    assert run(capsys, "pack", "verify", str(v1), "--trust", public)[0] == 0
    other_key = tmp_path / "other.key"
    code, other_public, _ = run(capsys, "keygen", "--out", str(other_key))
    assert run(capsys, "pack", "verify", str(v1), "--trust", other_public.strip())[0] == 1
    data = v1.read_bytes()
    tampered = tmp_path / "tampered.huashu"
    tampered.write_bytes(data[:-3] + bytes([data[-3] ^ 1]) + data[-2:])
    code, _, err = run(capsys, "pack", "verify", str(tampered), "--trust", public)
    assert code == 1 and "签名无效" in err
    truncated = tmp_path / "truncated.huashu"
    truncated.write_bytes(data[:-10])
    code, _, err = run(capsys, "pack", "verify", str(truncated), "--trust", public)
    assert code == 2 and "已损坏" in err and "少 10 字节" in err
    junk = tmp_path / "junk.huashu"
    junk.write_bytes(b"PK\x03\x04junk")
    assert run(capsys, "pack", "verify", str(junk))[0] == 2
    assert run(capsys, "pack", "show", str(junk))[0] == 2

    before = digest(agent)
    code, _, err = run(capsys, "--db", str(agent), "import", str(v1))
    assert code == 1 and "未受信任" in err and "--trust" in err and err.count("\n") == 1
    code, out, _ = run(capsys, "--db", str(agent), "import", str(v1), "--dry-run", "--trust", public)
    assert code == 0 and "新增 3" in out and "+ 问候 › 开场白" in out and "未写入" in out
    assert digest(agent) == before
    code, out, _ = run(capsys, "--db", str(agent), "import", str(v1), "--trust", public)
    assert code == 0 and "已安装话术包“公司话术” v1" in out and "备份" in out
    assert run(capsys, "--db", str(agent), "pack", "verify", str(v1))[0] == 0

    # Downgrade / same version: refused, nothing changes.
    before = digest(agent)
    code, _, err = run(capsys, "--db", str(agent), "import", str(v1))
    assert code == 1 and "话术包“公司话术” v1 已经安装，不是更新，已拒绝" in err
    assert digest(agent) == before

    # The lead edits, publishes v2; the agent previews with --json, then applies.
    lead_db = lead[2]
    run(
        capsys,
        "--db",
        lead_db,
        "add",
        "--category",
        "发票",
        "--title",
        "发票说明",
        "--text",
        "电子发票会发送到邮箱",
    )
    v2 = tmp_path / "v2.huashu"
    build(capsys, lead, v2, 2)
    code, out, _ = run(capsys, "--db", str(agent), "import", str(v2), "--dry-run", "--json")
    preview = json.loads(out)
    assert preview["counts"]["added"] == 1 and preview["installed_version"] == 1 and not preview["applied"]
    code, out, _ = run(capsys, "--db", str(agent), "import", str(v2), "--json")
    assert code == 0 and json.loads(out)["applied"]
    code, out, _ = run(capsys, "--db", str(agent), "pack", "list", "--json")
    (listed,) = json.loads(out)
    assert (listed["name"], listed["version"], listed["phrases"]) == ("公司话术", 2, 4)
    code, out, _ = run(capsys, "--db", str(agent), "pack", "list")
    assert "公司话术  v2" in out
    before = digest(agent)
    code, _, err = run(capsys, "--db", str(agent), "import", str(v1))
    assert code == 1 and "话术包“公司话术”已安装 v2，这个文件是旧版本 v1，不是更新，已拒绝" in err
    assert digest(agent) == before

    # CSV import still works through the same command; --trust is only for packs.
    sheet = tmp_path / "mine.csv"
    sheet.write_text("category,title,text\n我的,自己的,我的话术\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(agent), "import", str(sheet), "--trust", public)
    assert code == 2 and "--trust" in err
    code, out, _ = run(capsys, "--db", str(agent), "import", str(sheet))
    assert code == 0 and "新增 1" in out

    code, out, _ = run(capsys, "--db", str(agent), "pack", "remove", "公司话术")
    assert code == 0 and "已移除" in out
    assert run(capsys, "--db", str(agent), "pack", "remove", "公司话术")[0] == 1


def test_build_names_phrases_the_packs_rules_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    from huashu.core.checker import load_default_rules
    from huashu.storage.library import Library

    _, key_file, db = lead
    with Library.open(Path(db)) as lib:
        lib.replace_rules(load_default_rules())
    sheet = tmp_path / "lead.csv"
    sheet.write_text("分类,标题,内容\n物流,催件,我不知道快递什么时候到。\n物流,到货,已到货。\n", encoding="utf-8")
    out = tmp_path / "p.huashu"
    args = ["--db", db, "pack", "build", "--out", str(out), "--key", str(key_file), "--name", "公司话术"]
    code, _, err = run(capsys, *args, "--version", "1", "--from", str(sheet))
    assert code == 0 and out.exists()  # built all the same: the lead decides
    assert "“催件”（物流）含服务忌语: 我不知道" in err and "到货" not in err


def test_build_from_sheet_and_categories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    sheet = tmp_path / "lead.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["分类", "标题", "内容", "快捷编码"])
        writer.writerow(["问候", "开场", "您好", "/kc"])
        writer.writerow(["售后/退款", "退款", "退款说明", ""])
    out = tmp_path / "sheet.huashu"
    build(capsys, lead, out, 1, "--from", str(sheet), "--no-rules", "--no-synonyms")
    code, shown, _ = run(capsys, "pack", "show", str(out), "--json", "--phrases")
    assert [p["title"] for p in json.loads(shown)["phrases"]] == ["开场", "退款"]
    build(capsys, lead, out, 2, "--from", str(sheet), "--category", "售后")
    code, shown, _ = run(capsys, "pack", "show", str(out), "--json", "--phrases")
    assert [p["title"] for p in json.loads(shown)["phrases"]] == ["退款"]

    _, key_file, db = lead
    rebuild = ["--db", db, "pack", "build", "--out", str(out), "--key", str(key_file), "--name", "公司话术"]
    # Rebuilding over the published v2 with the same version is refused (seats that installed v2
    # would refuse the new file as already installed), the published file stays; --force overrides.
    published = out.read_bytes()
    code, _, err = run(capsys, *rebuild, "--version", "2", "--from", str(sheet))
    assert code == 2 and "不大于" in err and "--force" in err and out.read_bytes() == published
    code, _, err = run(capsys, *rebuild, "--version", "1", "--from", str(sheet))
    assert code == 2 and out.read_bytes() == published
    code, _, err = run(capsys, *rebuild, "--version", "2", "--from", str(sheet), "--force")
    assert code == 0 and out.read_bytes() != published
    not_a_pack = tmp_path / "notes.huashu"
    not_a_pack.write_text("组长的笔记", encoding="utf-8")
    code, _, err = run(capsys, *rebuild[:5], str(not_a_pack), *rebuild[6:], "--version", "3")
    assert code == 2 and "不是可读的话术包" in err and not_a_pack.read_text(encoding="utf-8") == "组长的笔记"
    # A pack is a .huashu file: agents double-click it, channels look for it.
    code, _, err = run(capsys, *rebuild[:5], str(tmp_path / "x.csv"), *rebuild[6:], "--version", "3")
    assert code == 2 and ".huashu" in err and not (tmp_path / "x.csv").exists()

    only = tmp_path / "only.huashu"
    build(capsys, lead, only, 1, "--category", "售后")
    code, shown, _ = run(capsys, "pack", "show", str(only), "--json", "--phrases")
    assert sorted(p["title"] for p in json.loads(shown)["phrases"]) == ["换货流程", "退款时效"]

    bad = tmp_path / "bad.csv"
    bad.write_text("category,title,text\n问候,坏,未闭合[字段\n", encoding="utf-8")
    _, key_file, db = lead
    target = tmp_path / "bad.huashu"
    code, _, err = run(
        capsys,
        "--db",
        db,
        "pack",
        "build",
        "--out",
        str(target),
        "--key",
        str(key_file),
        "--name",
        "x",
        "--version",
        "1",
        "--from",
        str(bad),
    )
    assert code == 2 and "第 2 行" in err and not target.exists()
    code, _, err = run(
        capsys,
        "--db",
        db,
        "pack",
        "build",
        "--out",
        str(target),
        "--key",
        str(tmp_path / "nokey"),
        "--name",
        "x",
        "--version",
        "1",
    )
    assert code == 2 and not target.exists()
    code, _, err = run(
        capsys,
        "--db",
        db,
        "pack",
        "build",
        "--out",
        str(target),
        "--key",
        str(key_file),
        "--name",
        "x",
        "--version",
        "0",
    )
    assert code == 2


def test_trust_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    public = lead[0]
    db = str(tmp_path / "agent.db")
    run(capsys, "--db", db, "init", "--empty")
    code, out, _ = run(capsys, "--db", db, "trust", "add", public, "--name", "总部")
    assert code == 0 and "已信任" in out
    code, out, _ = run(capsys, "--db", db, "trust", "list", "--json")
    (entry,) = json.loads(out)
    assert entry["public_key"] == public and entry["name"] == "总部"
    code, out, _ = run(capsys, "--db", db, "trust", "list")
    assert entry["fingerprint"] in out
    assert run(capsys, "--db", db, "trust", "add", "not-a-key")[0] == 2
    assert run(capsys, "--db", db, "trust", "remove", public)[0] == 0
    assert run(capsys, "--db", db, "trust", "remove", public)[0] == 1
    assert run(capsys, "--db", db, "trust")[0] == 2
    # The fingerprint `trust list` shows is enough to remove a key.
    run(capsys, "--db", db, "trust", "add", public)
    assert run(capsys, "--db", db, "trust", "remove", entry["fingerprint"])[0] == 0
    assert json.loads(run(capsys, "--db", db, "trust", "list", "--json")[1]) == []


def test_a_key_trusted_without_a_name_shows_its_publisher_once_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    db = str(tmp_path / "agent.db")
    run(capsys, "--db", db, "init", "--empty")
    run(capsys, "--db", db, "trust", "add", lead[0])
    assert "（未命名）" in run(capsys, "--db", db, "trust", "list")[1]
    pack = tmp_path / "company.huashu"
    build(capsys, lead, pack, 1)
    assert run(capsys, "--db", db, "import", str(pack))[0] == 0
    out = run(capsys, "--db", db, "trust", "list")[1]
    assert "总部客服部" in out and "（未命名）" not in out


def test_channel_add_warns_about_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "agent.db")
    run(capsys, "--db", db, "init", "--empty")
    code, _, err = run(capsys, "--db", db, "channel", "add", str(tmp_path / "no-such-share"))
    assert code == 0 and "不存在" in err  # added all the same: a share may be offline
    code, _, err = run(capsys, "--db", db, "channel", "add", str(tmp_path))
    assert code == 0 and "不存在" not in err


def test_db_check_backup_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lib.db"
    run(capsys, "--db", str(db), "init", "--empty")
    run(capsys, "--db", str(db), "add", "--category", "a", "--title", "一", "--text", "第一版")
    code, out, _ = run(capsys, "--db", str(db), "db", "check")
    assert code == 0 and "完好" in out
    code, out, _ = run(capsys, "--db", str(db), "db", "backup")
    assert code == 0 and "backups" in out
    explicit = tmp_path / "copy.db"
    assert run(capsys, "--db", str(db), "db", "backup", str(explicit))[0] == 0 and explicit.exists()
    run(capsys, "--db", str(db), "add", "--category", "a", "--title", "二", "--text", "第二版")
    code, out, _ = run(capsys, "--db", str(db), "db", "backups", "--json")
    # The first open of an existing library each day also leaves a daily backup.
    assert [b["reason"] for b in json.loads(out)] == ["daily", "manual"]
    code, out, _ = run(capsys, "--db", str(db), "db", "restore")
    assert code == 0 and "恢复" in out
    code, out, _ = run(capsys, "--db", str(db), "list", "--json")
    assert [p["title"] for p in json.loads(out)] == ["一"]

    db.write_bytes(b"this is not a database" * 100)
    code, out, _ = run(capsys, "--db", str(db), "db", "check")
    assert code == 1 and "db restore" in out
    assert run(capsys, "--db", str(db), "db", "restore", str(explicit))[0] == 0
    assert run(capsys, "--db", str(db), "db", "check")[0] == 0
    assert run(capsys, "--db", str(db), "db", "restore", str(tmp_path / "missing.db"))[0] == 2


def test_usage_export_and_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    pack = tmp_path / "p.huashu"
    build(capsys, lead, pack, 1)
    reports = []
    for seat in range(3):
        db = str(tmp_path / f"seat{seat}.db")
        run(capsys, "--db", db, "init", "--empty")
        assert run(capsys, "--db", db, "import", str(pack), "--trust", lead[0])[0] == 0
        run(
            capsys,
            "--db",
            db,
            "add",
            "--category",
            "私人",
            "--title",
            f"小李{seat}的话术",
            "--text",
            "私人内容",
        )
        code, out, _ = run(capsys, "--db", db, "list", "--json")
        first = next(p for p in json.loads(out) if p["title"] == "开场白")
        for _ in range(seat):
            run(capsys, "--db", db, "fill", str(first["id"]), "--set", "您的名字/工号=小李")
        report = tmp_path / f"usage{seat}.csv"
        assert run(capsys, "--db", db, "usage", "export", str(report))[0] == 0
        text = report.read_text(encoding="utf-8-sig")
        assert "小李" not in text and "私人" not in text
        reports.append(str(report))
    merged = tmp_path / "report.csv"
    # The README's form: the inputs, then --out. An output that is one of the inputs is refused and
    # the seat's export stays as it was (the old form, output first, overwrote it with exit 0).
    before = Path(reports[0]).read_bytes()
    code, _, err = run(capsys, "usage", "merge", *reports)
    assert code == 2 and "--out" in err
    code, _, err = run(capsys, "usage", "merge", *reports, "--out", reports[0])
    assert code == 2 and "输入文件" in err and not merged.exists()
    assert Path(reports[0]).read_bytes() == before
    code, out, _ = run(capsys, "usage", "merge", *reports, "--out", str(merged))
    assert code == 0 and "3 份" in out
    with merged.open(encoding="utf-8-sig") as handle:
        rows = {r["title"]: r for r in csv.DictReader(handle)}
    assert rows["开场白"]["total_uses"] == "3" and rows["开场白"]["seats_used"] == "2"
    assert rows["退款时效"]["status"] == "never_used"


def test_channel_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    db = str(tmp_path / "agent.db")
    run(capsys, "--db", db, "init", "--empty")
    assert run(capsys, "--db", db, "channel", "add", str(share))[0] == 0
    assert run(capsys, "--db", db, "channel", "add", "http://example.com/m.json")[0] == 2
    code, out, _ = run(capsys, "--db", db, "channel", "check")
    assert code == 0 and "没有新的话术包" in out
    build(capsys, lead, share / "company.huashu", 1)
    code, out, err = run(capsys, "--db", db, "channel", "check", "--install")
    assert code == 1 and "有更新" in out and "未受信任" in err
    run(capsys, "--db", db, "trust", "add", lead[0])
    code, out, _ = run(capsys, "--db", db, "channel", "check", "--install")
    assert code == 0 and "已安装" in out
    code, out, _ = run(capsys, "--db", db, "channel", "check", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "--db", db, "channel", "list")
    assert str(share) in out
    assert run(capsys, "--db", db, "channel", "remove", "1")[0] == 0


def test_pack_manifest_for_https(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    pack = tmp_path / "p.huashu"
    build(capsys, lead, pack, 5)
    out_file = tmp_path / "manifest.json"
    code, _, _ = run(
        capsys,
        "pack",
        "manifest",
        str(pack),
        "--url",
        "https://files.example.com/p.huashu",
        "--out",
        str(out_file),
    )
    assert code == 0
    manifest = json.loads(out_file.read_text(encoding="utf-8"))
    assert manifest["version"] == 5 and manifest["url"] == "https://files.example.com/p.huashu"
    assert manifest["sha256"] == hashlib.sha256(pack.read_bytes()).hexdigest()
    assert run(capsys, "pack", "manifest", str(pack), "--url", "http://files.example.com/p.huashu")[0] == 2


def _pack_build(
    capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str], *extra: str
) -> tuple[int, str, str]:
    _, key_file, db = lead
    return run(capsys, "--db", db, "pack", "build", "--key", str(key_file), "--name", "公司话术", *extra)


def test_build_from_a_sheet_takes_what_the_import_takes_and_names_sheet_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    long_title = "关于订单延迟发货的致歉与补偿说明" * 20  # 320 characters: the import takes it
    sheet = tmp_path / "lead.csv"
    sheet.write_text(
        "\n\n分类,标题,内容,快捷编码\n"  # Excel leaves blank rows above the header: they count
        f"售后,{long_title},很抱歉，您的订单会晚一些发出,/yc\n"
        "售后,催件,工号XXXX为您服务，预计X月X日送达,坏 编码\n"
        "售后,补发,已为您补发,/yc\n",
        encoding="utf-8",
    )
    db = tmp_path / "import-check.db"
    assert run(capsys, "--db", str(db), "init", "--empty")[0] == 0
    code, imported, _ = run(capsys, "--db", str(db), "import", str(sheet), "--dry-run")
    assert code == 0 and "新增 3" in imported

    out = tmp_path / "p.huashu"
    code, stdout, err = _pack_build(
        capsys, lead, "--out", str(out), "--version", "1", "--from", str(sheet), "--no-rules", "--no-synonyms"
    )
    assert code == 0, err
    assert out.exists() and "3 条话术" in stdout
    # Listed as the import lists them, under the import's row numbers.
    conversion = "第 5 行 旧式占位符已转换: XXXX→[工号]、X月X日→[日期]"
    assert conversion in imported and conversion in stdout
    assert "第 5 行 提示: 快捷编码不能包含空格" in stdout and "已忽略快捷编码" in stdout
    assert "第 6 行 提示: 快捷编码 /yc 已被第 4 行使用，已忽略" in stdout
    code, shown, _ = run(capsys, "pack", "show", str(out), "--json", "--phrases")
    phrases = json.loads(shown)["phrases"]
    assert phrases[0]["title"] == long_title and phrases[1]["text"] == "工号[工号]为您服务，预计[日期]送达"
    assert [p["shortcut"] for p in phrases] == ["/yc", "", ""]

    code, as_json, _ = _pack_build(
        capsys, lead, "--out", str(out), "--version", "2", "--from", str(sheet), "--no-rules", "--json"
    )
    built = json.loads(as_json)
    assert code == 0 and built["converted"] == [
        {"row": 5, "message": "旧式占位符已转换: XXXX→[工号]、X月X日→[日期]"}
    ]
    assert [w["row"] for w in built["warnings"]] == [5, 6]

    # What a pack cannot carry is told by the sheet's row, never by its place among the phrases.
    bad = tmp_path / "bad.csv"
    bad.write_text("\n分类,标题,内容\n售后,好,内容\n售后,响\x07铃,内容\n", encoding="utf-8")
    target = tmp_path / "bad.huashu"
    code, _, err = _pack_build(capsys, lead, "--out", str(target), "--version", "1", "--from", str(bad))
    assert code == 2 and not target.exists()
    assert "第 4 行: 标题包含控制字符" in err and "第 2 条" not in err


def _team_workbook(path: Path, *, broken: bool = False) -> Path:
    """One sheet per team: a notes sheet first, a sheet without 分类 (its name is the category), a
    hidden template; `broken` leaves a row of the second sheet without its text."""
    sheets = [
        ("说明", [["本表由总部客服部维护"]]),
        ("售后", [["分类", "标题", "话术", "快捷编码"], ["售后/退款", "退款时效", "1-3个工作日到账", "/tk"]]),
        (
            "物流",
            [
                ["标题", "话术", "快捷编码"],
                ["查询物流", "您的订单XXXX已发出", "/tk"],
                ["催件", "" if broken else "我不知道快递什么时候到", ""],
            ],
        ),
        ("模板", [["分类", "标题", "话术"], ["模板", "示例", "请勿发布"]]),
    ]
    return write_workbook(path, sheets, hidden=("模板",))


def test_build_from_a_workbook_reads_every_sheet_the_import_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    from huashu.core.checker import load_default_rules
    from huashu.storage.library import Library

    _, _, lead_db = lead
    with Library.open(Path(lead_db)) as lib:
        lib.replace_rules(load_default_rules())
    book = _team_workbook(tmp_path / "teams.xlsx")
    db = tmp_path / "import-check.db"
    assert run(capsys, "--db", str(db), "init", "--empty")[0] == 0
    code, imported, _ = run(capsys, "--db", str(db), "import", str(book), "--dry-run")
    assert code == 0 and "新增 3" in imported

    out = tmp_path / "teams.huashu"
    code, stdout, err = _pack_build(capsys, lead, "--out", str(out), "--version", "1", "--from", str(book))
    assert code == 0, err
    code, shown, _ = run(capsys, "pack", "show", str(out), "--json", "--phrases")
    assert [(p["category"], p["title"]) for p in json.loads(shown)["phrases"]] == [
        ("售后/退款", "退款时效"),
        ("物流", "查询物流"),
        ("物流", "催件"),
    ]
    # Every note, warning and conversion the import lists, the build lists, by sheet and row.
    told = [line for line in imported.splitlines() if line.startswith("  ")]
    assert told and [line for line in stdout.splitlines() if line.startswith("  ")] == told
    assert "  工作表“模板” 提示: 隐藏的工作表，未读取" in told
    assert "  工作表“说明” 提示: 没有所需的列（分类、标题、内容），未读取" in told
    assert "  工作表“物流”第 1 行 提示: 没有“分类”列，本表的话术归入分类“物流”（工作表名）" in told
    assert "  工作表“物流”第 2 行 提示: 快捷编码 /tk 已被工作表“售后”第 2 行使用，已忽略" in told
    assert "  工作表“物流”第 2 行 旧式占位符已转换: XXXX→[订单号]" in told
    assert "警告: 工作表“物流”第 3 行 话术“催件”（物流）含服务忌语: 我不知道" in err

    code, as_json, _ = _pack_build(
        capsys, lead, "--out", str(out), "--version", "2", "--from", str(book), "--no-rules", "--json"
    )
    built = json.loads(as_json)
    _, report, _ = run(capsys, "--db", str(db), "import", str(book), "--dry-run", "--json")
    assert code == 0 and built["warnings"] == json.loads(report)["warnings"]
    assert built["converted"] == [{"row": 2, "sheet": "物流", "message": "旧式占位符已转换: XXXX→[订单号]"}]
    assert {"row": 0, "sheet": "模板", "message": "隐藏的工作表，未读取"} in built["warnings"]

    # Only the published phrases' rows are told of, never a same-numbered row of another sheet.
    code, stdout, _ = _pack_build(
        capsys, lead, "--out", str(out), "--version", "3", "--from", str(book), "--category", "售后"
    )
    assert code == 0 and "1 条话术" in stdout
    assert "旧式占位符" not in stdout and "快捷编码" not in stdout and "隐藏的工作表" in stdout

    broken = _team_workbook(tmp_path / "broken.xlsx", broken=True)
    target = tmp_path / "broken.huashu"
    code, _, err = _pack_build(capsys, lead, "--out", str(target), "--version", "1", "--from", str(broken))
    assert code == 2 and not target.exists()
    assert "huashu: 工作表“物流”第 3 行: 内容为空\n" in err


def test_build_from_a_csv_tells_the_categories_taken_from_the_row_above(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    sheet = tmp_path / "merged.csv"
    sheet.write_text("分类,标题,内容\n售后,退款,1-3天到账\n,换货,请在订单页申请\n,补发,已补发\n", encoding="utf-8")
    out = tmp_path / "p.huashu"
    code, stdout, err = _pack_build(
        capsys, lead, "--out", str(out), "--version", "1", "--from", str(sheet), "--no-rules", "--no-synonyms"
    )
    assert code == 0, err
    assert (
        "  第 3 行 提示: 分类为空，沿用第 2 行的分类“售后”（第 3–4 行；Excel 把合并的分类单元格另存为 CSV 时"
        "只在第一行写分类）" in stdout.splitlines()
    )
    code, shown, _ = run(capsys, "pack", "show", str(out), "--json", "--phrases")
    assert [p["category"] for p in json.loads(shown)["phrases"]] == ["售后", "售后", "售后"]


def test_an_update_that_renames_a_favourite_moves_its_shortcut_to_the_new_phrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    from huashu.storage.library import Library

    public = lead[0]
    sheet = tmp_path / "lead.csv"
    sheet.write_text("分类,标题,内容,快捷编码\n售后,退款时效,退款3天内到账,/tk\n", encoding="utf-8")
    v1, v2 = tmp_path / "v1.huashu", tmp_path / "v2.huashu"
    assert _pack_build(capsys, lead, "--out", str(v1), "--version", "1", "--from", str(sheet))[0] == 0
    agent = tmp_path / "agent.db"
    assert run(capsys, "--db", str(agent), "init", "--empty")[0] == 0
    assert run(capsys, "--db", str(agent), "import", str(v1), "--trust", public)[0] == 0
    with Library.open(agent, create=False) as lib:
        refund = lib.phrase_by_shortcut("/tk")
        assert refund is not None
        lib.set_favorite(refund.id, True)

    sheet.write_text("分类,标题,内容,快捷编码\n售后,退款到账时间,退款1-3天内到账,/tk\n", encoding="utf-8")
    assert _pack_build(capsys, lead, "--out", str(v2), "--version", "2", "--from", str(sheet))[0] == 0
    code, out, err = run(capsys, "--db", str(agent), "import", str(v2))
    assert code == 0, err
    code, shown, _ = run(capsys, "--db", str(agent), "show", "/tk", "--json")
    assert json.loads(shown)["title"] == "退款到账时间"
    code, listed, _ = run(capsys, "--db", str(agent), "list", "--json")
    assert {p["title"]: p["shortcut"] for p in json.loads(listed)} == {"退款时效": "", "退款到账时间": "/tk"}
    assert "快捷编码 /tk 改为打开“退款到账时间”，保留的“退款时效”不再使用它" in out
    code, checked, _ = run(capsys, "--db", str(agent), "db", "check")
    assert code == 0 and "完好" in checked


def test_db_check_names_shared_shortcuts_and_repair_fixes_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "lib.db"
    run(capsys, "--db", str(db), "init", "--empty")
    for title, text, *shortcut in (("退款时效", "甲", "--shortcut", "/tk"), ("退款说明", "乙")):
        run(capsys, "--db", str(db), "add", "--category", "售后", "--title", title, "--text", text, *shortcut)
    # Two phrases with one shortcut, as an earlier version's pack update could leave them.
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE phrases SET shortcut = '/tk' WHERE title = '退款说明'")
    conn.close()

    before = digest(db)
    code, out, _ = run(capsys, "--db", str(db), "db", "check")
    assert code == 1
    clash = "快捷编码 /tk 被 2 条话术同时使用: “退款时效”（售后，个人话术 #1）、“退款说明”（售后，个人话术 #2）"
    assert f"问题: {clash}" in out
    assert "db check --repair" in out
    assert digest(db) == before  # a check writes nothing

    code, out, _ = run(capsys, "--db", str(db), "db", "check", "--repair")
    assert code == 0
    assert "已修复: 快捷编码 /tk 只留给“退款时效”，“退款说明” 不再使用它" in out and "完好" in out
    code, backups, _ = run(capsys, "--db", str(db), "db", "backups", "--json")
    assert "pre-repair" in [b["reason"] for b in json.loads(backups)]
    code, shown, _ = run(capsys, "--db", str(db), "show", "/tk", "--json")
    assert json.loads(shown)["title"] == "退款时效"
    code, out, _ = run(capsys, "--db", str(db), "db", "check", "--repair")
    assert code == 0 and "已修复" not in out


def test_build_from_a_sheet_converts_markers_beside_fields_as_the_import_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    sheet = tmp_path / "lead.csv"
    sheet.write_text(
        "分类,标题,内容\n售后,发货通知,您好，我是[您的名字/工号]，您的订单XXXX已发货\n", encoding="utf-8"
    )
    out = tmp_path / "p.huashu"
    code, stdout, err = _pack_build(
        capsys, lead, "--out", str(out), "--version", "1", "--from", str(sheet), "--no-rules", "--no-synonyms"
    )
    assert code == 0, err
    assert "第 2 行 旧式占位符已转换: XXXX→[订单号]" in stdout
    code, shown, _ = run(capsys, "pack", "show", str(out), "--json", "--phrases")
    assert json.loads(shown)["phrases"][0]["text"] == "您好，我是[您的名字/工号]，您的订单[订单号]已发货"


def test_channel_check_names_damaged_and_spoofed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lead: tuple[str, Path, str]
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    db = str(tmp_path / "agent.db")
    run(capsys, "--db", db, "init", "--empty")
    build(capsys, lead, share / "company_v3.huashu", 3)
    assert run(capsys, "--db", db, "import", str(share / "company_v3.huashu"), "--trust", lead[0])[0] == 0
    run(capsys, "--db", db, "channel", "add", str(share))
    # Someone else's key claims the same pack id with a higher version.
    pack_id = json.loads(run(capsys, "--db", db, "pack", "list", "--json")[1])[0]["id"]
    other = tmp_path / "other.key"
    assert run(capsys, "keygen", "--out", str(other), "--publisher", "总部客服部")[0] == 0
    _, _, lead_db = lead
    code, _, err = run(
        capsys, "--db", lead_db, "pack", "build", "--out", str(share / "company_v9.huashu"), "--key", str(other),
        "--name", "公司话术", "--version", "9", "--id", pack_id,
    )  # fmt: skip
    assert code == 0, err
    (share / "broken.huashu").write_bytes((share / "company_v3.huashu").read_bytes()[:-20])
    code, out, err = run(capsys, "--db", db, "channel", "check")
    assert code == 1
    assert "有更新" not in out and "v9" not in out
    assert "company_v9.huashu" in err and "伪造" in err
    assert "broken.huashu" in err and "有问题" in out


def test_db_restore_refuses_while_the_app_has_the_library_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app's own single-instance lock (a real QLockFile) keeps `db restore` off its library."""
    from huashu.gui.single_instance import SingleInstance
    from huashu.paths import user_cache_dir
    from huashu.storage import packs as store

    db = tmp_path / "agent.db"
    run(capsys, "--db", str(db), "init", "--empty")
    assert run(capsys, "--db", str(db), "db", "backup")[0] == 0
    before = digest(db)
    app = SingleInstance(db, user_cache_dir(), listen_later=True)
    assert app.try_acquire()
    try:
        assert store.app_holding(db) == os.getpid()
        code, _, err = run(capsys, "--db", str(db), "db", "restore")
        assert code == 2 and "正在使用" in err and "退出" in err
        assert digest(db) == before and store.app_holding(tmp_path / "other.db") is None
    finally:
        app.release()
    assert store.app_holding(db) is None
    assert run(capsys, "--db", str(db), "db", "restore")[0] == 0


def test_db_restore_of_another_librarys_backup_needs_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = tmp_path / "agent1.db", tmp_path / "agent2.db"
    for db in (one, two):
        run(capsys, "--db", str(db), "init", "--empty")
    run(capsys, "--db", str(one), "add", "--category", "私人", "--title", "一号的话术", "--text", "一号")
    assert run(capsys, "--db", str(one), "db", "backup")[0] == 0
    from huashu.storage import packs as store

    backup = store.list_backups(one)[-1].path
    before = digest(two)
    code, _, err = run(capsys, "--db", str(two), "db", "restore", str(backup))
    assert code == 2 and "agent1" in err and "--force" in err and digest(two) == before
    assert run(capsys, "--db", str(two), "db", "restore", str(backup), "--force")[0] == 0
    assert digest(two) != before
    # Its own backups, and files not named as backups, restore as before.
    assert store.foreign_backup(two, backup.with_name(backup.name.replace("agent1", "agent2"))) is None
    assert store.foreign_backup(two, tmp_path / "lead_good.db") is None
