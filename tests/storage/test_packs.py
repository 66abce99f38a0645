"""Installing and updating team packs: merge semantics, every refusal, backups, restore, channels, kills."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from huashu.core import models
from huashu.core import packs as core
from huashu.core.models import PhraseRow, Rule
from huashu.core.packs import (
    PackAppTooOldError,
    PackDowngradeError,
    PackError,
    PackFormatError,
    PackKeyMismatchError,
    PackPhrase,
    PackSignatureError,
    PackUntrustedError,
)
from huashu.storage import packs as store
from huashu.storage.library import Library, LibraryError, NotFoundError

LEAD = core.PrivateKey(seed=b"L" * 32, publisher="总部客服部")
STORE_LEAD = core.PrivateKey(seed=b"S" * 32, publisher="南京门店")
MALLORY = core.PrivateKey(seed=b"M" * 32, publisher="总部客服部")

TABLES = (
    "categories",
    "phrases",
    "packs",
    "rules",
    "synonyms",
    "profile",
    "settings",
    "trusted_keys",
    "pack_channels",
    "phrase_search",
)


def logical_hash(path: Path) -> str:
    """A digest of the file's logical content (every user-visible table and the search index)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for table in TABLES:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def build(
    tmp: Path, version: int, phrases: list[PackPhrase], key: core.PrivateKey = LEAD, **kw: object
) -> Path:
    pack = core.make_pack(
        name=str(kw.pop("name", "公司话术")), version=version, key=key, phrases=phrases, **kw
    )  # type: ignore[arg-type]
    out = tmp / f"{pack.manifest.name}-v{version}-{key.fingerprint}.huashu"
    core.write_pack(out, pack, key)
    return out


def p(uid: str, title: str, text: str, category: str = "售后/退款", **kw: object) -> PackPhrase:
    return PackPhrase(uid=uid, category=category, title=title, text=text, **kw)  # type: ignore[arg-type]


V1 = [
    p("open", "开场白", "您好，我是[您的名字/工号]，很高兴为您服务", category="问候"),
    p("refund", "退款时效", "退款会在3个工作日内原路退回"),
    p("fav-gone", "旧活动说明", "双十一满减活动已结束，感谢关注", category="活动"),
    p("gone", "旧物流话术", "因天气原因顺丰停运", category="活动"),
    p("move", "换货流程", "请在订单页申请换货"),
]
RULES_V1 = [Rule(uid="no-idk", patterns=("不知道",), severity="error", suggestions=("我帮您核实一下",))]


@pytest.fixture
def agent(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "agent.db", empty=True)
    yield lib
    lib.close()


def install(lib: Library, path: Path, trust: str | None = None) -> store.ApplyResult:
    return store.apply_install(lib, store.preview_file(lib, path, trust=trust))


def by_uid(lib: Library) -> dict[str, object]:
    return {ph.uid: ph for ph in lib.phrases()}


def test_publish_install_use_update_keeps_everything_personal(tmp_path: Path, agent: Library) -> None:
    v1 = build(tmp_path, 1, V1, rules=RULES_V1, synonyms=[["退款", "退钱"]])
    first = install(agent, v1, trust=LEAD.public_key)
    assert first.preview.counts()["added"] == 5 and first.backup is not None and first.backup.exists()
    assert store.is_trusted(agent, LEAD.public_key)
    pack_id = first.preview.manifest.id
    phrases = {ph.title: ph for ph in agent.phrases()}
    assert all(
        ph.origin == "pack" and ph.pack_id == pack_id and ph.pack_version == 1 for ph in phrases.values()
    )
    assert {c.path: c.pack_id for c in agent.categories()}["售后/退款"] == pack_id

    # The agent works: personal phrases (also inside a pack category), favorites, uses, own rules.
    agent.add_phrase("我的/常用", "我的开场", "亲，在的哦～")
    agent.add_phrase("售后/退款", "我的退款补充", "退款到账后请查看银行卡短信")
    agent.save_rule(Rule(uid="my-rule", patterns=("亲",), severity="info"))
    agent.set_profile({"名字": "小李"})
    refund, fav_gone = phrases["退款时效"], phrases["旧活动说明"]
    agent.set_favorite(refund.id, True)
    agent.set_favorite(fav_gone.id, True)
    for _ in range(3):
        agent.record_use(refund.id)
    store.record_edited_copy(agent, refund.id)
    personal_before = [ph for ph in agent.phrases() if ph.origin == "personal"]
    personal_rules_before = [r for r in agent.rules() if r.origin == "personal"]

    # The lead edits one, moves one, removes two, adds one, changes a rule and the synonyms.
    v2_phrases = [
        V1[0],
        p("refund", "退款时效", "退款会在1-3个工作日内原路退回，请留意到账短信"),
        p("move", "换货流程", "请在订单页申请换货", category="售后/换货"),
        p("new", "发票说明", "电子发票会在签收后发送到您的邮箱", category="发票"),
    ]
    rules_v2 = [
        Rule(uid="no-idk", patterns=("不知道", "不清楚"), severity="error"),
        Rule(uid="wait", patterns=("等着",), severity="warning"),
    ]
    v2 = build(tmp_path, 2, v2_phrases, rules=rules_v2, synonyms=[["发票", "票据"]])
    before_preview = logical_hash(Path(str(agent.path)))
    pending = store.preview_file(agent, v2)
    assert logical_hash(Path(str(agent.path))) == before_preview  # the preview writes nothing
    preview = pending.preview
    assert [x.title for x in preview.added] == ["发票说明"]
    assert sorted(c.new.title for c in preview.changed) == ["换货流程", "退款时效"]
    refund_change = next(c for c in preview.changed if c.new.uid == "refund")
    assert refund_change.fields == ("text",)
    assert refund_change.diff_lines()[1:] == [
        "  － 退款会在3个工作日内原路退回",
        "  ＋ 退款会在1-3个工作日内原路退回，请留意到账短信",
    ]
    assert {r.old.phrase.title: r.keep for r in preview.removed} == {"旧活动说明": True, "旧物流话术": False}
    assert preview.unchanged == 1
    assert preview.rules_added == ["wait"] and preview.rules_changed == ["no-idk"]
    assert preview.synonyms_added == [("发票", "票据")] and preview.synonyms_removed == [("退款", "退钱")]

    result = store.apply_install(agent, pending)
    assert result.backup is not None and result.backup != first.backup

    after = {ph.uid: ph for ph in agent.phrases()}
    new_refund = agent.phrase(refund.id)  # same row: favorites, counts and anything keyed by id survive
    assert new_refund.text.startswith("退款会在1-3个工作日内")
    assert new_refund.favorite and new_refund.use_count == 3 and new_refund.pack_version == 2
    kept = agent.phrase(fav_gone.id)
    assert kept.origin == "personal" and kept.pack_id is None and kept.favorite and kept.title == "旧活动说明"
    assert not any(ph.title == "旧物流话术" for ph in after.values())
    moved = next(ph for ph in after.values() if ph.title == "换货流程")
    assert moved.category == "售后/换货" and moved.id == phrases["换货流程"].id
    assert [ph for ph in agent.phrases() if ph.origin == "personal" and ph.id != kept.id] == personal_before
    assert [r for r in agent.rules() if r.origin == "personal"] == personal_rules_before
    assert agent.profile() == {"名字": "小李"}
    pack_rules = {r.uid: r for r in agent.rules() if r.origin == "pack"}
    assert pack_rules[f"{pack_id}/no-idk"].patterns == ("不知道", "不清楚")
    assert f"{pack_id}/wait" in pack_rules
    assert ("发票", "票据") in agent.synonym_groups() and ("退款", "退钱") not in agent.synonym_groups()
    assert [r.title for r in agent.search("电子发票")][:1] == ["发票说明"]
    assert not any(r.title == "旧物流话术" for r in agent.search("顺丰停运"))
    assert any(r.title == "退款时效" for r in agent.search("到账短信"))
    assert "活动" in {c.path for c in agent.categories()}  # still holds the kept phrase
    assert store.check_library(agent) == []
    info = store.installed_pack(agent, pack_id)
    assert info is not None and info.version == 2 and info.phrases == 4
    usage = {row.uid: row for row in store.usage_rows(agent)}
    assert usage["refund"].use_count == 3 and usage["refund"].favorite and usage["refund"].edit_count == 1

    # db restore rolls back to the state before the update.
    path = Path(str(agent.path))
    restored, outcome = store.restore(agent, result.backup)
    try:
        assert outcome.saved_current is not None and outcome.saved_current.exists()
        assert store.installed_pack(restored, pack_id).version == 1  # type: ignore[union-attr]
        assert restored.phrase(refund.id).text == "退款会在3个工作日内原路退回"
        assert restored.phrase(refund.id).use_count == 3
    finally:
        restored.close()
    assert logical_hash(path) == before_preview


def refused_without_change(lib: Library, path: Path, error: type[PackError], **kw: object) -> PackError:
    """The pack is refused with `error`, and neither the library nor its backups change."""
    db = Path(str(lib.path))
    before = logical_hash(db)
    backups = store.list_backups(db)
    with pytest.raises(error) as caught:
        store.install_file(lib, path, **kw)  # type: ignore[arg-type]
    assert logical_hash(db) == before
    assert store.list_backups(db) == backups
    assert str(caught.value)
    return caught.value


def test_refusals_leave_the_library_unchanged(tmp_path: Path, agent: Library) -> None:
    v1 = build(tmp_path, 1, V1, rules=RULES_V1)
    install(agent, v1, trust=LEAD.public_key)
    v2 = build(tmp_path, 2, V1[:2])
    data = v2.read_bytes()

    tampered = tmp_path / "tampered.huashu"
    tampered.write_bytes(data[:-20] + bytes([data[-20] ^ 0x40]) + data[-19:])
    refused_without_change(agent, tampered, PackSignatureError)

    truncated = tmp_path / "truncated.huashu"
    truncated.write_bytes(data[: len(data) // 2])
    refused_without_change(agent, truncated, PackFormatError)

    huge = tmp_path / "huge.huashu"
    with huge.open("wb") as handle:
        handle.write(data)
        handle.truncate(1024**3)
    refused_without_change(agent, huge, PackFormatError)

    junk = tmp_path / "junk.huashu"
    junk.write_bytes(b"PK\x03\x04" + os.urandom(500))
    refused_without_change(agent, junk, PackFormatError)

    # Same pack id, same name, signed by someone else: untrusted, and even trusted never accepted.
    forged = build(tmp_path, 3, V1[:1], key=MALLORY, pack_id=core.read_pack(v1).manifest.id)
    err = refused_without_change(agent, forged, PackUntrustedError)
    assert isinstance(err, PackUntrustedError) and err.fingerprint == MALLORY.fingerprint
    refused_without_change(agent, forged, PackUntrustedError, trust=LEAD.public_key)  # wrong key given
    refused_without_change(agent, forged, PackKeyMismatchError, trust=MALLORY.public_key)

    refused_without_change(agent, v1, PackDowngradeError)  # the same version again
    install(agent, v2)
    refused_without_change(agent, v1, PackDowngradeError)  # older

    too_new = build(tmp_path, 5, V1, min_app="99.0")
    refused_without_change(agent, too_new, PackAppTooOldError)


def test_unknown_key_needs_explicit_trust(tmp_path: Path, agent: Library) -> None:
    v1 = build(tmp_path, 1, V1)
    refused_without_change(agent, v1, PackUntrustedError)
    store.trust_key(agent, LEAD.public_key, "总部")
    result = install(agent, v1)
    assert not result.preview.new_key
    assert [k.name for k in store.trusted_keys(agent)] == ["总部"]
    assert store.untrust_key(agent, LEAD.public_key) == ["公司话术"]
    with pytest.raises(NotFoundError):
        store.untrust_key(agent, LEAD.public_key)
    refused_without_change(agent, build(tmp_path, 2, V1), PackUntrustedError)


def test_two_packs_side_by_side(tmp_path: Path, agent: Library) -> None:
    company = build(tmp_path, 3, V1)
    local = build(
        tmp_path,
        1,
        [p("s1", "门店地址", "门店位于新街口", category="售后/退款")],
        key=STORE_LEAD,
        name="门店话术",
    )
    install(agent, company, trust=LEAD.public_key)
    install(agent, local, trust=STORE_LEAD.public_key)
    listed = {(x.name, x.version, x.phrases) for x in store.installed_packs(agent)}
    assert listed == {("公司话术", 3, 5), ("门店话术", 1, 1)}
    # Updating the company pack never touches the store's phrases in the shared category.
    install(agent, build(tmp_path, 4, V1[:1]))
    assert any(ph.title == "门店地址" for ph in agent.phrases())
    assert "售后/退款" in {c.path for c in agent.categories()}
    assert store.check_library(agent) == []


def test_default_library_copies_are_adopted_not_duplicated(tmp_path: Path, agent: Library) -> None:
    rows = [(2, PhraseRow("问候", "开场白", "您好，在的")), (3, PhraseRow("问候", "改过的", "旧"))]
    uids = {"开场白": "d-open", "改过的": "d-edited"}
    agent.import_rows(rows, uid_for=lambda row: uids[row.title])
    pristine = next(ph for ph in agent.phrases() if ph.title == "开场白")
    agent.set_favorite(pristine.id, True)
    agent.record_use(pristine.id)
    edited = next(ph for ph in agent.phrases() if ph.title == "改过的")
    agent.conn.execute(
        "UPDATE phrases SET text = '我改的', updated = '2999-01-01T00:00:00+00:00' WHERE id = ?", (edited.id,)
    )
    pack = build(
        tmp_path,
        1,
        [
            p("d-open", "开场白", "您好，我是[您的名字/工号]", category="问候"),
            p("d-edited", "改过的", "新", category="问候"),
        ],
    )
    result = install(agent, pack, trust=LEAD.public_key)
    assert [c.old.phrase_id for c in result.preview.adopted] == [pristine.id]
    adopted = agent.phrase(pristine.id)
    assert adopted.origin == "pack" and adopted.favorite and adopted.use_count == 1
    assert adopted.text == "您好，我是[您的名字/工号]"
    mine = agent.phrase(edited.id)
    assert mine.origin == "personal" and mine.text == "我改的" and mine.uid == "d-edited"
    copies = [ph for ph in agent.phrases() if ph.title == "改过的"]
    assert len(copies) == 2 and len({ph.uid for ph in copies}) == 2


def test_pack_rules_take_over_the_seats_default_copies(tmp_path: Path, agent: Library) -> None:
    from huashu.core.checker import load_default_rules

    defaults = load_default_rules()
    agent.replace_rules(defaults)  # what a new library holds; a lead's library holds the same
    mine = defaults[1]._replace(suggestions=("我自己的说法",))
    agent.save_rule(mine)  # this agent changed one: it is theirs and stays
    pack = build(tmp_path, 1, V1, rules=defaults[:3])  # a lead who kept the defaults republishes them
    install(agent, pack, trust=LEAD.public_key)
    rules = agent.rules()
    assert len(rules) == len(defaults) + 1  # not twice each: only the changed copy stays beside its pack rule
    assert {r.uid for r in rules if r.origin == "personal"} == {r.uid for r in defaults[3:]} | {mine.uid}
    assert agent.setting(store.RETIRED_DEFAULTS_KEY) == sorted([defaults[0].uid, defaults[2].uid])
    store.uninstall_pack(agent, store.installed_packs(agent)[0].id, backup=False)
    rules = agent.rules()
    assert sorted(r.uid for r in rules) == sorted(r.uid for r in defaults)  # the copies come back
    assert next(r for r in rules if r.uid == mine.uid).suggestions == ("我自己的说法",)
    assert agent.setting(store.RETIRED_DEFAULTS_KEY) == []


def test_edited_pack_phrase_is_kept_when_changed_or_removed(tmp_path: Path, agent: Library) -> None:
    install(agent, build(tmp_path, 1, V1), trust=LEAD.public_key)
    refund = next(ph for ph in agent.phrases() if ph.title == "退款时效")
    gone = next(ph for ph in agent.phrases() if ph.title == "旧物流话术")
    agent.conn.execute(
        "UPDATE phrases SET edited = 1, text = '我的版本' WHERE id IN (?, ?)", (refund.id, gone.id)
    )
    result = install(agent, build(tmp_path, 2, [*V1[:1], p("refund", "退款时效", "组长的新版本")]))
    assert result.preview.kept_as_personal == 2
    assert agent.phrase(refund.id).origin == "personal" and agent.phrase(refund.id).text == "我的版本"
    assert agent.phrase(gone.id).origin == "personal"
    current = [ph for ph in agent.phrases() if ph.title == "退款时效" and ph.origin == "pack"]
    assert [ph.text for ph in current] == ["组长的新版本"]
    assert store.check_library(agent) == []


def test_uninstall_keeps_favorites_and_cleans_up(tmp_path: Path, agent: Library) -> None:
    first = install(
        agent, build(tmp_path, 1, V1, rules=RULES_V1, synonyms=[["a", "b"]]), trust=LEAD.public_key
    )
    fav = next(ph for ph in agent.phrases() if ph.title == "开场白")
    agent.set_favorite(fav.id, True)
    agent.add_phrase("售后/退款", "我的", "我的话术")
    changes = store.uninstall_pack(agent, first.preview.manifest.id)
    assert changes.phrases == {fav.id} and len(changes.deleted_phrases) == 4
    assert [ph.title for ph in agent.phrases()] == ["开场白", "我的"]
    assert all(ph.origin == "personal" for ph in agent.phrases())
    assert not [r for r in agent.rules() if r.origin == "pack"] and agent.synonym_groups() == []
    paths = {c.path: c.pack_id for c in agent.categories()}
    assert paths == {"问候": None, "售后": None, "售后/退款": None}
    assert store.installed_packs(agent) == [] and store.check_library(agent) == []
    with pytest.raises(NotFoundError):
        store.uninstall_pack(agent, first.preview.manifest.id)


def test_library_content_for_building(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lead.db", empty=True) as lead:
        lead.add_phrase("问候", "开场", "您好")
        lead.add_phrase("售后/退款", "退款", "退款说明")
        lead.add_category("空分类")
        lead.save_rule(Rule(uid="r", patterns=("x",), severity="error"))
        lead.replace_synonyms([["甲", "乙"]])
        everything = store.library_content(lead)
        assert [x.title for x in everything.phrases] == ["开场", "退款"]
        assert "空分类" in everything.categories and [r.uid for r in everything.rules] == ["r"]
        assert everything.synonyms == [("甲", "乙")]
        some = store.library_content(lead, ["售后"], rules=False, synonyms=False)
        assert [x.title for x in some.phrases] == ["退款"] and some.rules == [] and some.synonyms == []
        with pytest.raises(NotFoundError):
            store.library_content(lead, ["不存在"])
        # A pack built from the library installs elsewhere and keeps the lead's uids.
        pack = core.make_pack(
            name="包", version=1, key=LEAD, phrases=everything.phrases, categories=everything.categories
        )
        core.write_pack(tmp_path / "lead.huashu", pack, LEAD)
        lead_uids = {ph.uid for ph in lead.phrases()}
    with Library.open(tmp_path / "agent.db", empty=True) as agent:
        install(agent, tmp_path / "lead.huashu", trust=LEAD.public_key)
        assert {ph.uid for ph in agent.phrases()} == lead_uids
        assert "空分类" in {c.path for c in agent.categories()}
        # A pack republishes only the lead's own phrases, never those installed from other packs.
        assert store.library_content(agent).phrases == []


# -- backups and restore -------------------------------------------------------------------------


def test_backups_keep_the_last_n(tmp_path: Path, agent: Library) -> None:
    made = [store.make_backup(agent, keep=3) for _ in range(5)]
    listed = [b.path for b in store.list_backups(Path(str(agent.path)))]
    assert listed == made[-3:]
    explicit = store.make_backup(agent, tmp_path / "elsewhere" / "copy.db")
    assert explicit.exists() and len(store.list_backups(Path(str(agent.path)))) == 3
    with pytest.raises(LibraryError):
        store.make_backup(Library.memory())


def test_restore_newest_by_default_and_refuse_broken_backups(tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    with Library.open(path, empty=True) as lib:
        lib.add_phrase("a", "一", "第一版")
        store.make_backup(lib)
        lib.add_phrase("a", "二", "第二版")
    state = logical_hash(path)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    with pytest.raises(LibraryError, match="备份"):
        store.restore_file(path, broken)
    not_db = tmp_path / "notes.db"
    not_db.write_text("hello", encoding="utf-8")
    with pytest.raises(LibraryError):
        store.restore_file(path, not_db)
    assert logical_hash(path) == state
    result = store.restore_file(path)
    with Library.open(path, create=False, backup=False) as lib:  # no daily backup of this state
        assert [ph.title for ph in lib.phrases()] == ["一"]
    # The pre-restore state is kept, and is not what a second plain restore picks.
    assert result.saved_current is not None
    again = store.restore_file(path)
    assert again.restored_from == result.restored_from
    store.restore_file(path, result.saved_current)
    assert logical_hash(path) == state
    with pytest.raises(LibraryError, match="没有找到备份"):
        store.restore_file(tmp_path / "other.db")


def test_restore_over_a_damaged_library(tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    with Library.open(path, empty=True) as lib:
        lib.add_phrase("a", "一", "内容")
        store.make_backup(lib)
    good = logical_hash(path)
    path.write_bytes(b"garbage" * 1000)
    Path(f"{path}-wal").write_bytes(b"stale wal")
    result = store.restore_file(path)
    assert result.saved_current is not None and ".corrupt-" in result.saved_current.name
    assert result.saved_current.parent == path.parent
    assert result.saved_current.read_bytes() == b"garbage" * 1000
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").read_bytes() != b"stale wal"
    assert logical_hash(path) == good
    with Library.open(path, create=False) as lib:
        assert lib.integrity_problems() == []


def test_check_library_finds_pack_bookkeeping_problems(tmp_path: Path, agent: Library) -> None:
    install(agent, build(tmp_path, 1, V1), trust=LEAD.public_key)
    assert store.check_library(agent) == []
    agent.conn.execute("PRAGMA foreign_keys = OFF")
    agent.conn.execute("UPDATE phrases SET pack_id = 'nope' WHERE title = '开场白'")
    agent.conn.execute("PRAGMA foreign_keys = ON")
    assert any("不属于" in problem for problem in store.check_library(agent))


# -- channels ------------------------------------------------------------------------------------


def test_folder_channel_offers_and_installs_updates(tmp_path: Path, agent: Library) -> None:
    share = tmp_path / "share"
    share.mkdir()
    channel = store.add_channel(agent, str(share))
    assert channel.kind == "folder"
    assert store.check_channels(agent)[0].updates == []
    build(share, 1, V1)
    (share / "half-copied.huashu").write_bytes(build(tmp_path, 9, V1).read_bytes()[:100])
    check = store.check_channels(agent)[0]
    # A first pack from a key not yet trusted is offered: installing it asks to trust the key.
    assert [(u.name, u.version, u.installed_version) for u in check.updates] == [("公司话术", 1, None)]
    assert check.problems and check.error == ""
    store.trust_key(agent, LEAD.public_key)
    store.install_file(agent, store.fetch_update(check.updates[0]))
    assert store.check_channels(agent)[0].updates == []
    build(share, 2, V1[:3])
    assert [u.version for u in store.check_channels(agent)[0].updates] == [2]
    with pytest.raises(Exception, match="已存在"):
        store.add_channel(agent, str(share))
    store.remove_channel(agent, str(share))
    assert store.channels(agent) == []


def test_offline_channels_never_break_the_app(tmp_path: Path, agent: Library) -> None:
    store.add_channel(agent, str(tmp_path / "usb-stick-not-plugged-in"))
    store.add_channel(agent, "https://127.0.0.1:9/manifest.json")
    checks = store.check_channels(agent)
    assert all(c.error and not c.updates for c in checks)
    assert all(c.last_error for c in store.channels(agent))
    with pytest.raises(core.ChannelError):
        store.add_channel(agent, "http://example.com/manifest.json")


def test_usage_rows_and_edit_counts(tmp_path: Path, agent: Library) -> None:
    install(agent, build(tmp_path, 1, V1), trust=LEAD.public_key)
    agent.add_phrase("我的", "私人话术", "小李的专属开场")
    assert {row.uid for row in store.usage_rows(agent)} == {x.uid for x in V1}
    assert "私人话术" in {row.title for row in store.usage_rows(agent, include_personal=True)}
    with pytest.raises(NotFoundError):
        store.record_edited_copy(agent, 99999)


# -- killing the process in the middle of an import ------------------------------------------------

_CHILD = r"""
import sys
from huashu.storage import packs as store
from huashu.storage.library import Library
from huashu.storage import search_index
from huashu.core import textproc
lib = Library.open(sys.argv[1], create=False)
pending = store.preview_file(lib, sys.argv[2])
textproc.wait_jieba(60)
print("READY", flush=True)
store.apply_install(lib, pending)
print("DONE", flush=True)
"""


def _content(path: Path) -> tuple[object, ...]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        version = conn.execute("SELECT version FROM packs").fetchall()
        phrases = conn.execute(
            "SELECT pack_uid, title, text, favorite, use_count, origin, pack_version FROM phrases ORDER BY id"
        ).fetchall()
        rules = conn.execute("SELECT uid, patterns FROM rules ORDER BY uid").fetchall()
        indexed = conn.execute("SELECT count(*) FROM phrase_search").fetchone()[0]
        return (version, phrases, rules, indexed)
    finally:
        conn.close()


def test_killing_an_import_never_leaves_a_half_applied_pack(tmp_path: Path) -> None:
    long_run = os.environ.get("HUASHU_LONG_TESTS") == "1"
    budget = 300.0 if long_run else 18.0
    count = 1500
    v1 = [p(f"u{i}", f"话术{i}", f"您好，这是第{i}条话术", category=f"组{i % 20}") for i in range(count)]
    v2 = [p(x.uid, x.title, x.text + "（新版）", category=x.category) for x in v1[: count - 150]]
    v2 += [p(f"n{i}", f"新话术{i}", f"新增内容{i}", category="新增") for i in range(150)]
    base = tmp_path / "base.db"
    with Library.open(base, empty=True) as lib:
        install(lib, build(tmp_path, 1, v1, rules=RULES_V1), trust=LEAD.public_key)
        ids = [ph.id for ph in lib.phrases()[:50]]
        for pid in ids:
            lib.set_favorite(pid, True)
        lib.add_phrase("我的", "私人", "我的话术")
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pack2 = build(
        tmp_path, 2, v2, rules=[Rule(uid="no-idk", patterns=("不知道", "不晓得"), severity="error")]
    )
    before = _content(base)

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "desktop")}

    def run(target: Path, kill_after: float | None) -> float:
        """Run the import; kill it `kill_after` seconds after it starts applying. Returns the time
        from starting to apply until it finished (full runs)."""
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(target), str(pack2)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"READY"
        started = time.monotonic()
        if kill_after is None:
            assert child.stdout.readline().strip() == b"DONE"
            elapsed = time.monotonic() - started
            child.wait(timeout=120)
            return elapsed
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        return kill_after

    def fresh(name: str) -> Path:
        target = tmp_path / name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.write_bytes(base.read_bytes())
        return target

    # One full run tells how long applying takes and what the finished state is.
    full = fresh("full.db")
    duration = run(full, None)
    after = _content(full)
    assert after != before

    rng = random.Random(1234)
    deadline = time.monotonic() + budget
    outcomes = {"old": 0, "new": 0}
    iterations = 0
    while time.monotonic() < deadline and iterations < (400 if long_run else 40):
        target = fresh("killed.db")
        run(target, rng.uniform(0, duration * 1.1))
        state = _content(target)
        assert state in (before, after), "a killed import left a half-applied pack"
        outcomes["old" if state == before else "new"] += 1
        # The library opens normally afterwards.
        with Library.open(target, create=False) as lib:
            assert store.check_library(lib) == []
        iterations += 1
    print(f"kill test: {iterations} kills, outcomes {outcomes}, apply takes {duration:.2f} s")
    assert iterations >= 5
    assert outcomes["old"] > 0


def test_agent_shortcuts_win_over_pack_shortcuts(tmp_path: Path, agent: Library) -> None:
    agent.add_phrase("我的", "我的开场", "亲，在的", shortcut="/kc")
    pack = build(
        tmp_path,
        1,
        [p("a", "开场", "您好", category="问候", shortcut="/kc"), p("b", "退款", "退款说明", shortcut="/tk")],
    )
    pending = store.preview_file(agent, pack, trust=LEAD.public_key)
    assert [x.uid for x in pending.preview.shortcuts_dropped] == ["a"]
    assert "快捷编码" in pending.preview.summary()
    store.apply_install(agent, pending)
    assert agent.phrase_by_shortcut("/kc").title == "我的开场"  # type: ignore[union-attr]
    assert agent.phrase_by_shortcut("/tk").title == "退款"  # type: ignore[union-attr]
    mine = next(ph for ph in agent.phrases() if ph.title == "我的开场")
    agent.update_phrase(mine.id, text="亲，在的呢")  # the agent can still edit their phrase
    again = store.preview_file(
        agent, build(tmp_path, 2, [p("a", "开场", "您好", category="问候", shortcut="/kc")])
    )
    assert again.preview.changed == [] and again.preview.unchanged == 1


# -- shortcuts stay unique; a removed pack comes back without duplicates ----------------------------


def shortcut_owners(lib: Library) -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for ph in lib.phrases():
        if ph.shortcut:
            owners.setdefault(ph.shortcut, []).append(ph.title)
    return owners


def test_a_renamed_favourite_gives_its_shortcut_to_the_pack_phrase(tmp_path: Path, agent: Library) -> None:
    # Built from a sheet, a phrase's uid comes from its category and title: a rename is a new phrase.
    old_uid, new_uid = core.default_uid("售后/退款", "退款时效"), core.default_uid("售后/退款", "退款到账时间")
    v1 = [
        p(old_uid, "退款时效", "退款会在3个工作日内原路退回", shortcut="/tk"),
        p("swap", "换货流程", "请在订单页申请换货", shortcut="/hh"),
    ]
    install(agent, build(tmp_path, 1, v1), trust=LEAD.public_key)
    titles = {ph.title: ph for ph in agent.phrases()}
    agent.set_favorite(titles["退款时效"].id, True)
    agent.record_use(titles["退款时效"].id)
    # An edited phrase the update changes is kept as well (the same hand-over applies to it).
    agent.conn.execute("UPDATE phrases SET edited = 1 WHERE id = ?", (titles["换货流程"].id,))

    v2 = [
        p(new_uid, "退款到账时间", "退款会在1-3个工作日内原路退回", shortcut="/tk"),
        p("swap", "换货流程", "请在订单页点击“申请换货”", shortcut="/hh"),
    ]
    result = install(agent, build(tmp_path, 2, v2))

    assert shortcut_owners(agent) == {"/tk": ["退款到账时间"], "/hh": ["换货流程"]}
    assert agent.phrase_by_shortcut("/tk").origin == "pack"  # type: ignore[union-attr]
    kept = agent.phrase(titles["退款时效"].id)
    assert kept.origin == "personal" and kept.favorite and kept.use_count == 1 and kept.shortcut is None
    assert agent.phrase(titles["换货流程"].id).origin == "personal"
    assert agent.phrase(titles["换货流程"].id).shortcut is None
    assert store.check_library(agent) == []
    # The update says so, before (the preview is the same) and after.
    moves = {m.shortcut: (m.kept.phrase.title, m.to.title) for m in result.preview.shortcuts_moved}
    assert moves == {"/tk": ("退款时效", "退款到账时间"), "/hh": ("换货流程", "换货流程")}
    assert "2 个快捷编码改由团队话术使用" in result.preview.summary()
    text = "\n".join(result.preview.lines())
    assert "快捷编码 /tk 改为打开“退款到账时间”，保留的“退款时效”不再使用它" in text
    assert result.preview.to_json()["counts"]["shortcuts_moved"] == 2


def test_a_kept_favourite_whose_shortcut_no_pack_phrase_takes_keeps_it(tmp_path: Path, agent: Library) -> None:
    install(agent, build(tmp_path, 1, [p("a", "旧活动", "活动已结束", shortcut="/hd"), V1[1]]), trust=LEAD.public_key)
    old = next(ph for ph in agent.phrases() if ph.title == "旧活动")
    agent.set_favorite(old.id, True)
    result = install(agent, build(tmp_path, 2, [V1[1]]))
    assert result.preview.shortcuts_moved == []
    assert agent.phrase(old.id).shortcut == "/hd" and agent.phrase(old.id).origin == "personal"


def test_reinstalling_a_removed_pack_takes_back_its_kept_phrases(tmp_path: Path, agent: Library) -> None:
    phrases = [
        p("refund", "退款时效", "退款会在3个工作日内原路退回", shortcut="/tk", tags=("退款",)),
        p("open", "开场白", "您好，我是[您的名字/工号]", category="问候", shortcut="/kc"),
        p("bye", "结束语", "感谢您的耐心等待，祝您生活愉快", category="问候", shortcut="/js"),
        p("plain", "换货流程", "请在订单页申请换货"),
    ]
    pack = build(tmp_path, 1, phrases)
    install(agent, pack, trust=LEAD.public_key)
    titles = {ph.title: ph for ph in agent.phrases()}
    for title in ("退款时效", "开场白", "结束语"):
        agent.set_favorite(titles[title].id, True)
    agent.record_use(titles["退款时效"].id)
    time.sleep(1.1)  # removed later than installed, as in real use (timestamps are in seconds)
    store.uninstall_pack(agent, core.read_pack(pack).manifest.id, backup=False)
    # After the removal the agent makes one kept phrase their own.
    agent.update_phrase(titles["结束语"].id, text="感谢您的耐心等待，小李祝您生活愉快")

    result = install(agent, pack)
    counts: dict[str, int] = {}
    for ph in agent.phrases():
        counts[ph.title] = counts.get(ph.title, 0) + 1
    assert counts == {"退款时效": 1, "开场白": 1, "结束语": 2, "换货流程": 1}
    reclaimed = {c.new.title for c in result.preview.reclaimed}
    assert reclaimed == {"退款时效", "开场白"}
    assert "个人话术中保留的 2 条回到话术包" in result.preview.summary()
    assert [x.title for x in result.preview.added] == ["结束语", "换货流程"]
    refund = agent.phrase(titles["退款时效"].id)  # the same row: favourite and count survive
    assert refund.origin == "pack" and refund.favorite and refund.use_count == 1 and refund.shortcut == "/tk"
    mine = agent.phrase(titles["结束语"].id)
    assert mine.origin == "personal" and mine.shortcut == "/js" and "小李" in mine.text
    theirs = next(ph for ph in agent.phrases() if ph.title == "结束语" and ph.origin == "pack")
    assert theirs.shortcut is None  # the agent's own keeps its shortcut
    assert store.check_library(agent) == []
    assert store.installed_pack(agent, result.preview.manifest.id).phrases == 4  # type: ignore[union-attr]

    # Removed and installed once more: still one of each.
    time.sleep(1.1)
    store.uninstall_pack(agent, result.preview.manifest.id, backup=False)
    install(agent, pack)
    assert len([ph for ph in agent.phrases() if ph.title == "退款时效"]) == 1
    assert store.check_library(agent) == []


def test_db_check_names_shared_shortcuts_and_repair_keeps_what_the_shortcut_brings(
    tmp_path: Path, agent: Library
) -> None:
    install(agent, build(tmp_path, 1, [p("refund", "退款时效", "退款说明", shortcut="/tk")]), trust=LEAD.public_key)
    agent.add_phrase("我的", "我的退款话术", "亲，退款已提交")
    mine = next(ph for ph in agent.phrases() if ph.title == "我的退款话术")
    # What a library updated by an earlier version can hold (the editor and the import refuse it).
    agent.conn.execute("UPDATE phrases SET shortcut = '/tk' WHERE id = ?", (mine.id,))
    problems = store.check_library(agent)
    assert len(problems) == 1
    assert "快捷编码 /tk 被 2 条话术同时使用" in problems[0]
    assert problems[0].index("“我的退款话术”") < problems[0].index("“退款时效”")  # the one /tk brings first
    before = agent.phrase_by_shortcut("/tk")

    repair = store.repair_shortcuts(agent)
    assert [c.shortcut for c in repair.fixed] == ["/tk"]
    assert repair.fixed[0].repaired() == "快捷编码 /tk 只留给“我的退款话术”，“退款时效” 不再使用它"
    assert repair.backup is not None and "-pre-repair-" in repair.backup.name
    assert agent.phrase_by_shortcut("/tk") == before
    assert shortcut_owners(agent) == {"/tk": ["我的退款话术"]}
    assert store.check_library(agent) == []
    assert store.repair_shortcuts(agent).fixed == []


def test_a_lead_installing_their_own_pack_keeps_their_edited_phrases(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lead.db", empty=True) as lead:
        lead.add_phrase("售后", "退款时效", "退款3天内到账", shortcut="/tk")
        mine = lead.phrases()[0]
        time.sleep(1.1)  # edited later than created
        lead.update_phrase(mine.id, text="退款1-3天内到账")
        content = store.library_content(lead)
        pack = core.make_pack(name="包", version=1, key=LEAD, phrases=content.phrases)
        core.write_pack(tmp_path / "own.huashu", pack, LEAD)
        result = install(lead, tmp_path / "own.huashu", trust=LEAD.public_key)
        # Identical, but the lead's own: never turned into a read-only pack phrase (it would drop
        # out of the next pack built from this library).
        assert result.preview.reclaimed == [] and lead.phrase(mine.id).origin == "personal"
        assert [x.uid for x in store.library_content(lead).phrases] == [mine.uid]
        assert store.check_library(lead) == []


# -- the same phrase, however the lead builds the pack ---------------------------------------------


def _pack_uids(lib: Library) -> dict[str, str | None]:
    return {
        title: uid
        for title, uid in lib.conn.execute("SELECT title, pack_uid FROM phrases WHERE origin = 'pack'")
    }


def test_a_pack_built_another_way_updates_the_same_phrases(tmp_path: Path, agent: Library) -> None:
    """v1 from the lead's library (row uids), v2 from the exported sheet (uids from 分类+标题), v3
    from a library rebuilt on a new PC (new row uids), v4 with a phrase moved to another 分类:
    every seat keeps the same rows, favourites and counts, and nothing is removed and re-added."""
    rows = [
        PhraseRow("售后/退款", "退款进度", "您的退款已原路退回，1-3个工作日到账。", "/tkjd"),
        PhraseRow("物流", "催件回复", "已为您联系快递催件。", "/cj"),
    ]
    with Library.open(tmp_path / "lead.db", empty=True) as lead:
        lead.import_rows(list(enumerate(rows, start=2)))
        v1 = core.make_pack(name="团队话术", version=1, key=LEAD, phrases=store.library_content(lead).phrases)
        library_uids = {ph.title: ph.uid for ph in lead.phrases()}
    core.write_pack(tmp_path / "v1.huashu", v1, LEAD)
    install(agent, tmp_path / "v1.huashu", trust=LEAD.public_key)
    ids = {ph.title: ph.id for ph in agent.phrases()}
    agent.set_favorite(ids["催件回复"], True)
    agent.record_use(ids["催件回复"])

    sheet = tmp_path / "lead_export.csv"
    sheet.write_text(
        "分类,标题,话术,快捷编码\n"
        + "".join(f"{r.category},{r.title},{r.text},{r.shortcut}\n" for r in rows),
        encoding="utf-8",
    )
    from_sheet = core.read_sheet_phrases(sheet).phrases
    assert {x.uid for x in from_sheet}.isdisjoint(library_uids.values())  # the two routes differ
    v2 = build(tmp_path, 2, from_sheet, name="团队话术")
    preview = store.preview_file(agent, v2).preview
    counts = preview.counts()
    assert (counts["added"], counts["changed"], counts["removed"], counts["unchanged"]) == (0, 0, 0, 2)
    assert "新增 0，修改 0，删除 0，未变 2" in preview.summary()
    install(agent, v2)
    assert {ph.title: ph.id for ph in agent.phrases()} == ids
    assert _pack_uids(agent) == {x.title: x.uid for x in from_sheet}  # later updates match by these
    chase = agent.phrase(ids["催件回复"])
    assert chase.favorite and chase.use_count == 1 and chase.origin == "pack" and chase.shortcut == "/cj"

    # A new PC: the library is built again from the sheet, every row gets a new uid.
    with Library.open(tmp_path / "lead_newpc.db", empty=True) as lead:
        lead.import_rows(list(enumerate(rows, start=2)))
        rebuilt = store.library_content(lead).phrases
    assert {x.uid for x in rebuilt}.isdisjoint({x.uid for x in from_sheet})
    install(agent, build(tmp_path, 3, rebuilt, name="团队话术"))
    assert {ph.title: ph.id for ph in agent.phrases()} == ids
    assert sum(1 for ph in agent.phrases() if ph.origin == "personal") == 0

    # The lead moves 催件回复 to another 分类 in the sheet (so its uid from 分类+标题 changes).
    moved = [x for x in from_sheet if x.title != "催件回复"]
    moved.append(replace(from_sheet[1], uid=models.default_uid("售后/物流", "催件回复"), category="售后/物流"))
    preview = store.preview_file(agent, build(tmp_path, 4, moved, name="团队话术")).preview
    assert [c.fields for c in preview.changed] == [("category",)] and not preview.removed and not preview.added
    install(agent, build(tmp_path, 4, moved, name="团队话术"))
    chase = agent.phrase(ids["催件回复"])
    assert chase.category == "售后/物流" and chase.favorite and chase.use_count == 1
    assert store.check_library(agent) == []


def test_ambiguous_titles_are_not_guessed(tmp_path: Path, agent: Library) -> None:
    """Title alone matches only when the title is unique on both sides; otherwise the change is told
    as a removal and an addition (a favourite moves to personal), never as the wrong phrase."""
    v1 = [p("a1", "说明", "甲", category="A"), p("b1", "说明", "乙", category="B")]
    install(agent, build(tmp_path, 1, v1), trust=LEAD.public_key)
    v2 = [p("a2", "说明", "甲", category="C"), p("b2", "说明", "乙", category="D")]
    preview = store.preview_file(agent, build(tmp_path, 2, v2)).preview
    assert len(preview.added) == 2 and len(preview.removed) == 2 and not preview.changed


def test_a_spoofed_pack_on_a_channel_is_not_offered_and_does_not_hide_the_real_one(
    tmp_path: Path, agent: Library
) -> None:
    """Another key claiming the installed pack's id (v9) is named as a problem, not offered, and the
    real publisher's newer version beside it is still offered."""
    share = tmp_path / "share"
    share.mkdir()
    store.add_channel(agent, str(share))
    v1 = build(share, 1, V1)
    install(agent, v1, trust=LEAD.public_key)
    pack_id = store.installed_packs(agent)[0].id
    spoof = build(tmp_path, 9, V1[:1], key=MALLORY, pack_id=pack_id)
    (share / "公司话术-v9.huashu").write_bytes(spoof.read_bytes())
    check = store.check_channels(agent)[0]
    assert check.updates == []
    assert len(check.problems) == 1 and MALLORY.fingerprint in check.problems[0]
    assert "公司话术-v9.huashu" in check.problems[0] and "伪造" in check.problems[0]
    build(share, 2, V1[:2])
    check = store.check_channels(agent)[0]
    assert [(u.version, u.installed_version) for u in check.updates] == [(2, 1)]
    assert store.check_channels(agent)[0].updates[0].path != share / "公司话术-v9.huashu"
