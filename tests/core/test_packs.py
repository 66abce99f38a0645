"""The .huashu pack format: keys, signing, every refusal, the update preview, usage reports, channels."""

from __future__ import annotations

import base64
import functools
import http.server
import io
import json
import os
import shutil
import ssl
import stat
import subprocess
import threading
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huashu.core import packs
from huashu.core.models import Rule
from huashu.core.packs import (
    InstalledPack,
    InstalledPhrase,
    PackAppTooOldError,
    PackError,
    PackFormatError,
    PackPhrase,
    PackSignatureError,
    UsageRow,
)
from huashu.core.spreadsheet import MAX_CELL_CHARS
from workbooks import write_workbook

KEY = packs.PrivateKey(seed=bytes(range(32)), publisher="总部客服部")
OTHER = packs.PrivateKey(seed=bytes(range(1, 33)), publisher="冒充者")


def phrase(uid: str, title: str = "", text: str = "", category: str = "问候") -> PackPhrase:
    return PackPhrase(uid=uid, category=category, title=title or f"标题{uid}", text=text or f"内容{uid}")


def sample_pack(version: int = 1, **overrides: object) -> packs.Pack:
    args: dict[str, object] = {
        "name": "公司话术",
        "version": version,
        "key": KEY,
        "phrases": [
            phrase("a", "开场", "您好，我是[您的名字/工号]，很高兴为您服务"),
            phrase("b", "退款", "退款会在[天数=3]个工作日内到账", category="售后/退款"),
        ],
        "rules": [Rule(uid="no-idk", patterns=("不知道",), severity="error", suggestions=("我帮您核实",))],
        "synonyms": [["退款", "退钱"]],
        "created": "2024-05-01T08:00:00+00:00",
    }
    args.update(overrides)
    return packs.make_pack(**args)  # type: ignore[arg-type]


def encoded(version: int = 1) -> bytes:
    return packs.encode_pack(sample_pack(version), KEY)


# -- keys ----------------------------------------------------------------------------------------


def test_key_file_is_private_and_roundtrips(tmp_path: Path) -> None:
    key = packs.generate_key("门店A")
    path = tmp_path / "lead.key"
    packs.write_private_key(path, key)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = packs.read_private_key(path)
    assert loaded.seed == key.seed and loaded.publisher == "门店A"
    assert not loaded.insecure_permissions
    assert loaded.public_key == key.public_key
    with pytest.raises(PackError, match="已存在"):
        packs.write_private_key(path, packs.generate_key())
    assert packs.read_private_key(path).seed == key.seed


def test_loose_key_permissions_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "lead.key"
    packs.write_private_key(path, KEY)
    path.chmod(0o644)
    assert packs.read_private_key(path).insecure_permissions == (os.name == "posix")


@pytest.mark.parametrize("content", ["", "not json", '{"type": "other"}', "x" * 100_000])
def test_bad_key_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.key"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PackError):
        packs.read_private_key(path)


def test_public_key_forms_and_fingerprint() -> None:
    text = KEY.public_key
    raw = base64.b64decode(text)
    assert packs.parse_public_key(text) == text
    assert packs.parse_public_key(raw.hex()) == text
    assert packs.parse_public_key(base64.urlsafe_b64encode(raw).decode()) == text
    assert packs.parse_public_key(f"  {text}\n") == text
    fp = packs.fingerprint(text)
    assert len(fp) == 19 and fp.count("-") == 3
    assert fp != packs.fingerprint(OTHER.public_key)
    for bad in ("", "abc", text[:-4], "z" * 64):
        with pytest.raises(PackError):
            packs.parse_public_key(bad)


# -- format --------------------------------------------------------------------------------------


def test_roundtrip_keeps_every_field(tmp_path: Path) -> None:
    pack = sample_pack()
    written = packs.write_pack(tmp_path / "p.huashu", pack, KEY)
    verified = packs.read_pack(tmp_path / "p.huashu")
    assert verified.pack == pack == written.pack
    assert verified.public_key == KEY.public_key
    assert verified.manifest.publisher == "总部客服部"
    assert verified.manifest.min_app == packs.DEFAULT_MIN_APP
    assert verified.pack.categories == ("问候", "售后/退款")
    assert verified.pack.counts() == {"categories": 2, "phrases": 2, "rules": 1, "synonyms": 1}
    data = (tmp_path / "p.huashu").read_bytes()
    assert data.startswith(b"HUASHU-PACK 1\n")
    header = json.loads(data.split(b"\n")[1])
    assert set(header) == {"alg", "compression", "key", "size", "sig"}


def test_builds_are_reproducible_and_ids_stable() -> None:
    assert encoded() == encoded()
    assert sample_pack(1).manifest.id == sample_pack(2).manifest.id
    assert sample_pack(1, name="另一个包").manifest.id != sample_pack(1).manifest.id
    assert sample_pack(1, pack_id="store-42").manifest.id == "store-42"


def test_uncompressed_payload_is_accepted() -> None:
    data = packs.encode_pack(sample_pack(), KEY, compress=False)
    assert packs.decode_pack(data).pack == sample_pack()


def test_make_pack_normalises() -> None:
    pack = packs.make_pack(
        name=" 包 ",
        version=1,
        key=KEY,
        phrases=[PackPhrase("x", " 甲 / 乙 ", " 标题 ", "内容\n", shortcut=" /AB ", tags=("t", " t ", ""))],
        synonyms=[["a"], ["b", "c", "b"]],
    )
    p = pack.phrases[0]
    assert (p.category, p.title, p.text, p.shortcut, p.tags) == ("甲/乙", "标题", "内容", "/ab", ("t",))
    assert pack.synonyms == (("b", "c"),)
    assert pack.manifest.name == "包"


@pytest.mark.parametrize(
    ("phrases", "message"),
    [
        ([phrase("a"), phrase("a")], "编号重复"),
        ([phrase("bad uid")], "编号无效"),
        ([phrase("a", text="未闭合[字段")], "占位符"),
        ([phrase("a", title="x" * (MAX_CELL_CHARS + 1))], "标题过长"),
        ([phrase("a", category="x" * (MAX_CELL_CHARS + 1))], "过长"),
        ([PackPhrase("a", "", "t", "x")], "分类"),
        ([PackPhrase("a", "c", "t", "x", shortcut="a b")], "快捷编码"),
        ([phrase("a", title="响\x07铃")], "控制字符"),
        ([phrase("a", category="a/../b")], "不能是"),
    ],
)
def test_invalid_content_is_refused_at_build(phrases: list[PackPhrase], message: str) -> None:
    with pytest.raises(PackFormatError, match=message):
        packs.make_pack(name="包", version=1, key=KEY, phrases=phrases)


@pytest.mark.parametrize("version", [0, -1, 2**60])
def test_version_must_be_a_positive_integer(version: int) -> None:
    with pytest.raises(PackFormatError, match="版本"):
        sample_pack(version)


def test_bad_regex_rule_is_refused() -> None:
    with pytest.raises(PackFormatError, match="正则"):
        sample_pack(rules=[Rule(uid="r", patterns=("([",), severity="error", is_regex=True)])


# -- refusals ------------------------------------------------------------------------------------


def test_every_single_byte_change_is_refused() -> None:
    data = encoded()
    for index in range(len(data)):
        corrupt = bytearray(data)
        corrupt[index] ^= 0x01
        with pytest.raises(PackError):
            packs.decode_pack(bytes(corrupt))


def test_tampered_body_is_a_bad_signature() -> None:
    data = bytearray(encoded())
    data[-5] ^= 0xFF
    with pytest.raises(PackSignatureError):
        packs.decode_pack(bytes(data))


def test_re_signed_by_another_key_in_the_header_is_refused() -> None:
    """Swapping in another key's header over the lead's payload fails: the payload names the lead."""
    mine = encoded()
    theirs = packs.encode_pack(
        packs.make_pack(name="公司话术", version=1, key=OTHER, phrases=[phrase("z")]), OTHER
    )
    body = mine.split(b"\n", 2)[2]
    header = json.loads(theirs.split(b"\n")[1])
    header["size"] = len(body)
    forged = packs.MAGIC + packs.canonical_json(header) + b"\n" + body
    with pytest.raises(PackSignatureError):
        packs.decode_pack(forged)
    # A pack properly signed by another key verifies, but names that key: trust decides (storage).
    assert packs.decode_pack(theirs).public_key == OTHER.public_key


def test_signature_key_must_match_manifest_key() -> None:
    pack = sample_pack()
    with pytest.raises(PackError, match="不一致"):
        packs.encode_pack(pack, OTHER)


def test_every_truncation_is_malformed() -> None:
    data = encoded()
    for cut in range(len(data)):
        with pytest.raises(PackFormatError):
            packs.decode_pack(data[:cut])


def test_trailing_garbage_is_refused() -> None:
    with pytest.raises(PackFormatError, match="多余"):
        packs.decode_pack(encoded() + b"\x00")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"PK\x03\x04 not a pack",
        b"HUASHU-PACK 1\n",
        b"HUASHU-PACK 1\n{}\n",
        b"HUASHU-PACK 1\n[1,2]\n",
        b"HUASHU-PACK 1\n" + b"{" * 10_000,
        b'HUASHU-PACK 1\n{"alg":"rsa"}\n',
        b"\xef\xbb\xbfHUASHU-PACK 1\n",
        b"SQLite format 3\x00",
    ],
)
def test_junk_is_malformed(data: bytes) -> None:
    with pytest.raises(PackFormatError):
        packs.decode_pack(data)


def test_newer_format_asks_for_an_upgrade() -> None:
    with pytest.raises(PackAppTooOldError, match="升级"):
        packs.decode_pack(b"HUASHU-PACK 2\n{}\nxx")


def _edit_payload(data: bytes) -> bytes:
    """A payload changed by hand: a run of bytes cut out of the middle of the body."""
    magic, header, body = data.split(b"\n", 2)
    return magic + b"\n" + header + b"\n" + body[:10] + body[25:]


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.replace(b"\n", b"\r\n"),  # a text-mode transfer
        lambda d: b"\xef\xbb\xbf" + d,  # an editor's BOM
        _edit_payload,
        lambda d: d[:-40],  # a copy cut short
        lambda d: d + b"\r\n",
        lambda d: d[:-5] + bytes(b ^ 0x20 for b in d[-5:]),  # bytes flipped in place
    ],
)
def test_damaged_files_say_they_are_damaged(damage: object) -> None:
    """Damage is told as damage: never as a newer format (a CRLF file used to be) or as a pack that is
    merely incomplete; "newer" is kept for a clean first line with a higher format number."""
    with pytest.raises(PackError) as caught:
        packs.decode_pack(damage(encoded()))  # type: ignore[operator]
    message = str(caught.value)
    assert "已损坏" in message and "重新获取" in message
    assert not isinstance(caught.value, PackAppTooOldError) and "新" not in message.replace("重新", "")
    assert "被截断" not in message and not any("a" <= ch.lower() <= "z" for ch in message)


def test_min_app_version_is_enforced() -> None:
    pack = sample_pack(min_app="9.0")
    packs.check_app_version(sample_pack().manifest, "0.1.0")
    with pytest.raises(PackAppTooOldError, match=r"9\.0"):
        packs.check_app_version(pack.manifest, "0.1.0")
    packs.check_app_version(pack.manifest, "9.0.1")
    with pytest.raises(PackFormatError):
        sample_pack(min_app="latest")


def test_zip_renamed_to_huashu_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/passwd", "x")
        archive.writestr("pack.huashu", encoded())
    path = tmp_path / "trick.huashu"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(PackFormatError, match="不是话术包"):
        packs.read_pack(path)


def test_huge_sparse_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.huashu"
    with path.open("wb") as handle:
        handle.write(encoded())
        handle.truncate(1024**3)  # sparse: 1 GB that takes no disk space

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(PackFormatError, match="过大"):
        packs.read_pack(path)


def test_directory_and_missing_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PackFormatError):
        packs.read_pack(tmp_path)
    with pytest.raises(PackFormatError, match="不存在"):
        packs.read_pack(tmp_path / "missing.huashu")


def _signed_raw(body: bytes, compression: str = "zlib") -> bytes:
    header: dict[str, object] = {"alg": "ed25519", "compression": compression, "key": KEY.public_key}
    header["size"] = len(body)
    header["sig"] = base64.b64encode(KEY.sign(packs._signed_message(header, body))).decode()
    return packs.MAGIC + packs.canonical_json(header) + b"\n" + body


def test_decompression_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs, "MAX_PAYLOAD_BYTES", 1024 * 1024)
    bomb = zlib.compress(b"[" + b" " * (4 * 1024 * 1024) + b"]", 9)
    assert len(bomb) < 10_000
    with pytest.raises(PackFormatError, match="解压后过大"):
        packs.decode_pack(_signed_raw(bomb))


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[]",
        b'{"format": 1}',
        b'{"format": 1, "pack": {}}',
        json.dumps({**sample_pack().to_json(), "phrases": [{"uid": 1}]}).encode(),
        json.dumps({**sample_pack().to_json(), "phrases": "x"}).encode(),
        json.dumps({**sample_pack().to_json(), "synonyms": [[1, 2]]}).encode(),
        json.dumps({**sample_pack().to_json(), "categories": ["a/../b", "/x"]}).encode(),
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_malformed_signed_payloads_are_refused(payload: bytes) -> None:
    with pytest.raises(PackFormatError):
        packs.decode_pack(_signed_raw(zlib.compress(payload)))


def test_signed_payload_naming_another_publisher_key_is_refused() -> None:
    data = sample_pack().to_json()
    data["pack"]["publisher_key"] = OTHER.public_key
    with pytest.raises(PackFormatError, match="不一致"):
        packs.decode_pack(_signed_raw(zlib.compress(packs.canonical_json(data))))


def test_unknown_payload_keys_are_ignored() -> None:
    data = sample_pack().to_json()
    data["future_field"] = {"x": 1}
    assert packs.decode_pack(_signed_raw(zlib.compress(packs.canonical_json(data)))).pack == sample_pack()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_damage_only_ever_raises_pack_errors(data: st.DataObject) -> None:
    original = encoded()
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if not damaged:
            break
        index = data.draw(st.integers(0, len(damaged) - 1))
        if action == "flip":
            damaged[index] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del damaged[index : index + data.draw(st.integers(1, 50))]
        else:
            damaged[index:index] = data.draw(st.binary(min_size=1, max_size=20))
    if bytes(damaged) == original:
        return
    with pytest.raises(PackError):
        packs.decode_pack(bytes(damaged))


def test_is_pack_file(tmp_path: Path) -> None:
    named = tmp_path / "x.HUASHU"
    named.write_bytes(b"")
    sniffed = tmp_path / "download.bin"
    sniffed.write_bytes(encoded())
    other = tmp_path / "a.csv"
    other.write_text("category,title,text\n", encoding="utf-8")
    assert packs.is_pack_file(named) and packs.is_pack_file(sniffed)
    assert not packs.is_pack_file(other)


# -- preview -------------------------------------------------------------------------------------


def installed(
    *items: InstalledPhrase, rules: tuple[Rule, ...] = (), synonyms: tuple[tuple[str, ...], ...] = ()
) -> InstalledPack:
    return InstalledPack(manifest=sample_pack(1).manifest, phrases=items, rules=rules, synonyms=synonyms)


def test_preview_counts_and_diffs() -> None:
    old_a = InstalledPhrase(phrase("a", "开场", "您好，很高兴为您服务"), phrase_id=1)
    old_gone = InstalledPhrase(phrase("gone", "旧话术", "旧"), phrase_id=2)
    old_fav = InstalledPhrase(phrase("fav", "收藏的", "旧"), phrase_id=3, favorite=True)
    old_same = InstalledPhrase(phrase("same", "不变", "不变"), phrase_id=4)
    new = packs.make_pack(
        name="公司话术",
        version=2,
        key=KEY,
        phrases=[
            phrase("a", "开场", "您好，我是[名字]，很高兴为您服务"),
            phrase("same", "不变", "不变"),
            phrase("n", "新"),
        ],
        rules=[Rule(uid="r2", patterns=("亲",), severity="warning")],
        synonyms=[["快递", "物流"]],
    )
    preview = packs.preview_pack(
        new,
        installed(
            old_a,
            old_gone,
            old_fav,
            old_same,
            rules=(Rule(uid="r1", patterns=("x",), severity="error"),),
            synonyms=(("退款", "退钱"),),
        ),
    )
    assert preview.installed_version == 1 and preview.is_update
    assert [p.uid for p in preview.added] == ["n"]
    assert [c.new.uid for c in preview.changed] == ["a"]
    assert preview.changed[0].fields == ("text",)
    # Old above new, marked － and ＋: readable for Chinese sentences (no {+…+}[-…-] inside words).
    assert preview.changed[0].diff_lines() == [
        "内容:",
        "  － 您好，很高兴为您服务",
        "  ＋ 您好，我是[名字]，很高兴为您服务",
    ]
    assert [(r.old.phrase.uid, r.keep) for r in preview.removed] == [("gone", False), ("fav", True)]
    assert preview.unchanged == 1
    assert (preview.rules_added, preview.rules_removed) == (["r2"], ["r1"])
    assert preview.synonyms_added == [("快递", "物流")] and preview.synonyms_removed == [("退款", "退钱")]
    summary = preview.summary()
    assert "新增 1" in summary and "修改 1" in summary and "删除 2" in summary and "1 条" in summary
    text = "\n".join(preview.lines())
    assert "+ 问候 › 新" in text and "- 问候 › 收藏的（已收藏或改过，移到个人话术）" in text
    # Rules are told by their words, not their internal ids.
    assert "+ 规则 “亲”" in text and "- 规则 “x”" in text and "r2" not in text
    as_json = json.loads(json.dumps(preview.to_json(), ensure_ascii=False))
    assert as_json["counts"]["added"] == 1 and as_json["changed"][0]["old"]["text"] == "您好，很高兴为您服务"


def test_preview_lines_say_how_many_rules_and_synonyms_are_not_listed() -> None:
    preview = packs.preview_pack(sample_pack(), None)
    preview.rules_added = [f"rule-{i}" for i in range(73)]
    preview.synonyms_removed = [("甲", f"乙{i}") for i in range(3)]
    text = "\n".join(preview.lines(limit=50))
    assert text.count("+ 规则 ") == 50 and "…… 另有 23 条" in text
    assert text.count("- 同义词 ") == 3
    assert "\n".join(preview.lines(limit=None)).count("+ 规则 ") == 73


def test_preview_of_first_install_and_rule_changes() -> None:
    preview = packs.preview_pack(sample_pack(), None)
    assert preview.installed_version is None and len(preview.added) == 2
    assert preview.rules_added == ["no-idk"] and preview.synonyms_added == [("退款", "退钱")]
    changed = packs.preview_pack(
        sample_pack(2),
        installed(rules=(Rule(uid="no-idk", patterns=("不知道",), severity="warning"),)),
    )
    assert changed.rules_changed == ["no-idk"]


def test_preview_edited_phrase_keeps_a_personal_copy() -> None:
    old = InstalledPhrase(phrase("a", "开场", "旧"), phrase_id=1, edited=True)
    preview = packs.preview_pack(
        packs.make_pack(name="公司话术", version=2, key=KEY, phrases=[phrase("a", "开场", "新")]),
        installed(old),
    )
    assert preview.changed[0].keeps_personal_copy
    assert preview.kept_as_personal == 1


def test_preview_adopts_default_copies_only_at_same_place() -> None:
    pack = packs.make_pack(
        name="公司话术",
        version=1,
        key=KEY,
        phrases=[phrase("d1", "开场", "新的开场"), phrase("d2", "结束", "再见")],
    )
    adoptable = {
        "d1": InstalledPhrase(phrase("d1", "开场", "旧的开场"), phrase_id=7, use_count=3),
        "d2": InstalledPhrase(phrase("d2", "改名了", "再见"), phrase_id=8),
    }
    preview = packs.preview_pack(pack, None, adoptable=adoptable)
    assert [c.old.phrase_id for c in preview.adopted] == [7]
    assert preview.adopted[0].fields == ("text",)
    assert [p.uid for p in preview.added] == ["d2"]


def test_inline_diff() -> None:
    assert packs.inline_diff("您好亲", "您好先生") == "您好[-亲-]{+先生+}"
    assert packs.inline_diff("same", "same") == "same"
    long_old, long_new = "甲\n" * 3000, "甲\n" * 2999 + "乙\n"
    assert "+乙" in packs.inline_diff(long_old, long_new)


# -- sheets --------------------------------------------------------------------------------------


def test_phrases_from_sheet_names_repeated_rows_like_the_import(tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "分类,标题,话术\n物流,催件回复,已为您催促。\n物流,催件回复,预计明天送达。\n物流,到货,已到货。\n",
        encoding="utf-8",
    )
    phrases, problems = packs.phrases_from_sheet(sheet)
    assert [p.title for p in phrases] == ["催件回复", "到货"]
    assert problems == [(3, "与第 2 行重复（同一分类下同名标题）")]


def test_phrases_from_sheet_with_and_without_uid(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("分类,标题,内容\n问候,开场,您好XX先生\n问候,坏,未闭合[字段\n", encoding="utf-8")
    phrases, problems = packs.phrases_from_sheet(plain)
    assert [p.title for p in phrases] == ["开场"]
    assert phrases[0].uid == packs.default_uid("问候", "开场")
    assert "[" in phrases[0].text  # legacy XX marker converted to a field
    assert problems and problems[0][0] == 3
    with_uid = tmp_path / "uid.csv"
    with_uid.write_text("uid,category,title,text\nu-1,问候,开场,您好\n", encoding="utf-8")
    assert packs.phrases_from_sheet(with_uid)[0][0].uid == "u-1"


def _lead_sheet(path: Path) -> Path:
    """A lead's sheet as Excel leaves it: blank rows above the header, then rows that a pack used
    to refuse or tell by entry number (a long title, a tab in a title, a bad shortcut, a shared
    shortcut), legacy markers, and rows that neither the import nor a pack takes."""
    long_title = "关于订单延迟发货的致歉与补偿说明" * 20  # 320 characters
    rows = [
        [],
        [],
        ["分类", "标题", "内容", "快捷编码"],
        ["售后", long_title, "很抱歉，您的订单会晚一些发出", "/yc"],
        ["售后", "退款\t时效", "退款会在3个工作日内到账", "/tk"],
        ["售后", "催件", "工号XXXX为您服务，预计X月X日送达", "坏 编码"],
        ["售后", "补发", "已为您补发", "/yc"],
        ["售后", "坏占位符", "未闭合[字段", ""],
        ["售后", "响铃", "内容\x07", ""],
    ]
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                # openpyxl refuses control characters in cells; Excel has none either.
                sheet.cell(row=index, column=column, value=value.replace("\x07", ""))
        book.save(path)
    else:
        path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_sheet_builds_what_the_import_takes_told_by_the_imports_rows(tmp_path: Path, suffix: str) -> None:
    from huashu.storage.library import Library

    path = _lead_sheet(tmp_path / f"lead{suffix}")
    with Library.open(tmp_path / "lib.db", empty=True) as lib:
        report = lib.import_file(path, dry_run=True)
    sheet = packs.read_sheet_phrases(path)
    # The same rows are refused, converted and warned about, under the same row numbers
    # (the header is row 3: two blank rows above it count).
    refused = [line for line, _ in sheet.problems]
    assert [line for line, _ in report.skipped] == [8]
    assert refused == ([8, 9] if suffix == ".csv" else [8])  # a pack carries no bell character
    assert sheet.problems[0] == report.skipped[0]
    assert sheet.converted == report.converted == [(6, "旧式占位符已转换: XXXX→[工号]、X月X日→[日期]")]
    assert [line for line, _ in sheet.warnings] == [line for line, _ in report.warnings] == [6, 7]
    assert sheet.warnings[1] == (7, "快捷编码 /yc 已被第 4 行使用，已忽略")
    bell = [] if suffix == ".csv" else [9]
    assert [p.title[:5] for p in sheet.phrases] == ["关于订单延", "退款\t时效", "催件", "补发", "响铃"][: 4 + len(bell)]
    assert sheet.rows == [4, 5, 6, 7, *bell]
    assert [p.shortcut for p in sheet.phrases][:4] == ["/yc", "/tk", None, None]
    pack = packs.make_pack(name="公司话术", version=1, key=KEY, phrases=sheet.phrases)
    assert len(pack.phrases[0].title) == 320
    assert packs.decode_pack(packs.encode_pack(pack, KEY)).pack == pack


def _team_workbook(path: Path, *, uid: bool = False) -> Path:
    """One sheet per team as leads keep them: a notes sheet first, a sheet without 分类 (its name is
    the category), a hidden template, and the same row numbers on every sheet."""
    head = ["编号"] if uid else []
    sheets: list[tuple[str, list[list[str]]]] = [
        ("说明", [["本表由总部客服部维护"], ["每个工作表一个小组"]]),
        (
            "售后",
            [
                [*head, "分类", "标题", "话术", "快捷编码"],
                [*(["u-refund"] if uid else []), "售后/退款", "退款时效", "1-3个工作日到账", "/tk"],
                [*(["u-swap"] if uid else []), "售后/换货", "换货", "", ""],
            ],
        ),
        (
            "物流",
            [
                [*head, "标题", "话术", "快捷编码"],
                [*(["u-track"] if uid else []), "查询物流", "您的订单XXXX已发出", "/tk"],
                [*(["u-late"] if uid else []), "催件", "已为您催促", ""],
            ],
        ),
        ("模板", [["分类", "标题", "话术"], ["模板", "示例", "请勿发布"]]),
    ]
    return write_workbook(path, sheets, hidden=("模板",))


def test_a_workbook_builds_every_sheet_the_import_reads_told_by_sheet_and_row(tmp_path: Path) -> None:
    from huashu.core.models import row_label
    from huashu.storage.library import Library

    path = _team_workbook(tmp_path / "teams.xlsx")
    with Library.open(tmp_path / "lib.db", empty=True) as lib:
        report = lib.import_file(path, dry_run=True)
    sheet = packs.read_sheet_phrases(path)
    assert sheet.sheets == ["售后", "物流"]
    assert [(p.category, p.title) for p in sheet.phrases] == [
        ("售后/退款", "退款时效"),
        ("物流", "查询物流"),
        ("物流", "催件"),
    ]
    assert report.added == len(sheet.phrases)
    # Every problem, warning and conversion names its sheet, exactly as the import names it.
    assert (
        [(row_label(line), m) for line, m in sheet.problems]
        == [(row_label(line), m) for line, m in report.skipped]
        == [("工作表“售后”第 3 行", "内容为空")]
    )
    warnings, converted = sheet.told()
    assert [(row_label(line), m) for line, m in warnings] == [
        (row_label(line), m) for line, m in report.warnings
    ]
    told = [f"{row_label(line)}: {m}" for line, m in warnings]
    assert "工作表“物流”第 1 行: 没有“分类”列，本表的话术归入分类“物流”（工作表名）" in told
    assert "工作表“模板”: 隐藏的工作表，未读取" in told
    assert "工作表“说明”: 没有所需的列（分类、标题、内容），未读取" in told
    # Row 2 of 物流 is not row 2 of 售后: its shortcut clashes with that row, named by its sheet.
    assert "工作表“物流”第 2 行: 快捷编码 /tk 已被工作表“售后”第 2 行使用，已忽略" in told
    assert (
        [(row_label(line), m) for line, m in converted]
        == [(row_label(line), m) for line, m in report.converted]
        == [("工作表“物流”第 2 行", "旧式占位符已转换: XXXX→[订单号]")]
    )
    assert [p.shortcut for p in sheet.phrases] == ["/tk", None, None]
    # Only the rows a pack publishes are told about, never a same-numbered row of another sheet;
    # how the file was read is always told.
    warnings, converted = sheet.told(sheet.rows[:1])
    assert converted == [] and all("快捷编码" not in m for _line, m in warnings)
    assert any("隐藏的工作表" in m for _line, m in warnings)
    assert sheet.told_json()["converted"] == report.to_json()["converted"]
    assert sheet.told_json()["warnings"] == report.to_json()["warnings"]
    assert {"row": 0, "sheet": "模板", "message": "隐藏的工作表，未读取"} in sheet.told_json()["warnings"]


def test_uids_of_a_workbook_are_read_from_the_row_of_their_own_sheet(tmp_path: Path) -> None:
    sheet = packs.read_sheet_phrases(_team_workbook(tmp_path / "teams.xlsx", uid=True))
    assert [p.uid for p in sheet.phrases] == ["u-refund", "u-track", "u-late"]


def test_a_csv_tells_the_categories_taken_from_the_row_above(tmp_path: Path) -> None:
    path = tmp_path / "merged.csv"
    path.write_text(
        "分类,标题,内容\n售后,退款,1-3天到账\n,换货,请在订单页申请\n,补发,已补发\n", encoding="utf-8"
    )
    sheet = packs.read_sheet_phrases(path)
    assert [p.category for p in sheet.phrases] == ["售后", "售后", "售后"]
    warnings, _ = sheet.told(sheet.rows)
    filled = "分类为空，沿用第 2 行的分类“售后”（第 3–4 行；Excel 把合并的分类单元格另存为 CSV 时只在第一行写分类）"
    assert warnings == [(3, filled)]


def test_phrase_problem_names_what_a_pack_cannot_carry() -> None:
    assert packs.phrase_problem(phrase("a", title="好" * MAX_CELL_CHARS)) is None
    assert packs.phrase_problem(phrase("a", title="换\n行")) is None  # a cell may hold a line break
    assert "标题过长" in str(packs.phrase_problem(phrase("a", title="好" * (MAX_CELL_CHARS + 1))))
    assert str(packs.phrase_problem(phrase("a", text="未闭合[字段"))).startswith("占位符错误（第 4 个字符）: ")
    many_tags = PackPhrase("a", "问候", "t", "x", tags=tuple(f"标签{i}" for i in range(500)))
    assert packs.phrase_problem(many_tags) is None


def test_a_shortcut_given_twice_in_a_pack_goes_to_its_first_phrase() -> None:
    pack = packs.make_pack(
        name="公司话术",
        version=1,
        key=KEY,
        phrases=[
            PackPhrase("a", "问候", "开场", "您好", shortcut="/kc"),
            PackPhrase("b", "问候", "开场二", "您好呀", shortcut="/kc"),
        ],
    )
    preview = packs.preview_pack(pack, None)
    assert [p.shortcut for p in preview.added] == ["/kc", None]
    assert [p.uid for p in preview.shortcuts_dropped] == ["b"]


def test_sheet_uid_matches_the_library_default_uid() -> None:
    from huashu.storage.library import default_uid

    assert packs.default_uid("问候", "开场") == default_uid("问候", "开场")


# -- usage ---------------------------------------------------------------------------------------


def test_usage_export_and_merge(tmp_path: Path) -> None:
    seat1 = tmp_path / "s1.csv"
    seat2 = tmp_path / "s2.csv"
    packs.write_usage_csv(
        seat1,
        [
            UsageRow("a", "开场", 10, True, 0),
            UsageRow("b", "退款", 0, False),
            UsageRow("c", "=改", 5, False, 4),
        ],
    )
    packs.write_usage_csv(seat2, [UsageRow("a", "开场", 3, False), UsageRow("c", "=改", 1, False, 1)])
    rows = packs.read_usage_csv(seat1)
    assert rows[2].title == "=改"  # formula-looking titles survive the round trip
    summaries = {s.uid: s for s in packs.merge_usage([rows, packs.read_usage_csv(seat2)])}
    assert summaries["a"].total_uses == 13 and summaries["a"].seats == 2 and summaries["a"].favorites == 1
    assert summaries["a"].status == "used"
    assert summaries["b"].status == "never_used"
    assert summaries["c"].status == "often_edited"
    report = tmp_path / "report.csv"
    packs.write_usage_report(report, summaries.values())
    text = report.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ",".join(packs.REPORT_COLUMNS)


def test_usage_with_bad_numbers_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("uid,title,use_count\na,t,many\n", encoding="utf-8")
    with pytest.raises(PackError, match="数字"):
        packs.read_usage_csv(path)


# -- channels ------------------------------------------------------------------------------------


def test_check_folder_finds_newest_valid_pack(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    assert packs.check_folder(folder) is None
    for version in (1, 3, 2):
        packs.write_pack(folder / f"company-v{version}.huashu", sample_pack(version), KEY)
    other = packs.make_pack(name="门店话术", version=7, key=KEY, phrases=[phrase("s")])
    packs.write_pack(folder / "store.huashu", other, KEY)
    (folder / "broken.huashu").write_bytes(encoded(9)[:-10])
    (folder / "notes.txt").write_text("ignore me", encoding="utf-8")
    (folder / ".partial.huashu").write_bytes(b"junk")
    scan = packs.scan_folder(folder)
    assert sorted((f.manifest.name, f.manifest.version) for f in scan.found) == [
        ("公司话术", 3),
        ("门店话术", 7),
    ]
    assert [p.name for p, _ in scan.problems] == ["broken.huashu"]
    found = packs.check_folder(folder, sample_pack().manifest.id)
    assert found is not None and found.path.name == "company-v3.huashu"
    newest = packs.check_folder(folder)
    assert newest is not None and newest.manifest.version == 7
    with pytest.raises(packs.ChannelError):
        packs.scan_folder(tmp_path / "unplugged-usb")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/manifest.json",
        "file:///etc/passwd",
        "ftp://example.com/m.json",
        "https://user:pw@example.com/m.json",
        "/local/path.json",
    ],
)
def test_check_url_refuses_anything_but_https(url: str) -> None:
    with pytest.raises(packs.ChannelError):
        packs.check_url(url)


def test_check_url_refuses_unverified_context() -> None:
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with pytest.raises(packs.ChannelError, match="证书"):
        packs.check_url("https://127.0.0.1:9/m.json", context=context)


def test_manifest_for_names_version_and_digest() -> None:
    verified = packs.decode_pack(encoded(4))
    data = packs.manifest_for(verified, "https://files.example.com/company.huashu")
    assert data["version"] == 4 and data["sha256"] == verified.sha256 and data["id"] == verified.manifest.id


# -- HTTPS channel against a local server (127.0.0.1 only) ---------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/redirect.json":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/manifest.json")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, ssl.SSLContext, Path]]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert)),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl could not make a certificate: {made.stderr[:200]!r}")
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(root))
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield (
            f"https://127.0.0.1:{server.server_address[1]}",
            ssl.create_default_context(cafile=str(cert)),
            root,
        )
    finally:
        server.shutdown()
        server.server_close()


def test_https_manifest_download_and_digest(
    https_server: tuple[str, ssl.SSLContext, Path], tmp_path: Path
) -> None:
    base, context, root = https_server
    verified = packs.write_pack(root / "company.huashu", sample_pack(3), KEY)
    manifest_json = packs.manifest_for(verified, "company.huashu")  # relative to the manifest URL
    (root / "manifest.json").write_text(json.dumps(manifest_json), encoding="utf-8")
    manifest = packs.check_url(f"{base}/manifest.json", context=context)
    assert manifest.version == 3 and manifest.url == f"{base}/company.huashu"
    cache = tmp_path / "cache"
    path = packs.download_pack(manifest, cache, context=context)
    assert packs.read_pack(path).pack == sample_pack(3)

    # A file swapped on the server after the manifest was written is refused and not kept.
    packs.write_pack(root / "company.huashu", sample_pack(4), KEY)
    with pytest.raises(packs.ChannelError, match="SHA-256"):
        packs.download_pack(manifest, tmp_path / "cache2", context=context)
    assert list((tmp_path / "cache2").iterdir()) == []

    # Without the test certificate the server is not trusted; redirects to http are refused.
    with pytest.raises(packs.ChannelError):
        packs.check_url(f"{base}/manifest.json")
    with pytest.raises(packs.ChannelError, match="https"):
        packs.check_url(f"{base}/redirect.json", context=context)
    with pytest.raises(packs.ChannelError):
        packs.check_url(f"{base}/missing.json", context=context)
    (root / "bad.json").write_text('{"version": 1, "sha256": "zz", "url": "x"}', encoding="utf-8")
    with pytest.raises(packs.ChannelError, match="sha256"):
        packs.check_url(f"{base}/bad.json", context=context)
    (root / "http.json").write_text(
        json.dumps({**manifest_json, "url": "http://127.0.0.1/company.huashu"}), encoding="utf-8"
    )
    with pytest.raises(packs.ChannelError, match="https"):
        packs.check_url(f"{base}/http.json", context=context)
