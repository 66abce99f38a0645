"""Search: text processing, query safety, the index kept in step with edits, ranking and suggestions."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huashu.core import search as core
from huashu.core import textproc
from huashu.core.search import SearchResult
from huashu.storage import search_index

MIGRATIONS = Path(__file__).resolve().parents[2] / "db" / "migrations"

LIBRARY = [
    (
        "退款与退换货",
        "退款进度查询",
        "您的退款申请已审核通过，预计[到账日期]前到账。",
        "/tkjd",
        ["退款", "进度"],
    ),
    ("退款与退换货", "退款到账时间", "退款会原路退回，1至3个工作日内到账。", "/dzsj", ["退款", "到账"]),
    (
        "退款与退换货",
        "退货地址",
        "退货地址是[退货地址]，寄出后请把物流单号告诉我。",
        "/thdz",
        ["退货", "地址"],
    ),
    ("发票", "开具发票", "可以为您开具发票，请提供发票抬头和税号。", "/kp", ["发票", "开票"]),
    ("物流配送", "查询物流进度", "您的包裹由[快递公司]配送，目前到达[当前位置]。", "/wl", ["物流", "查询"]),
    ("物流配送", "已过中转站", "您的包裹昨天已经过了中转站，今天正在派送。", None, ["物流"]),
    (
        "投诉处理/物流超期",
        "物流超期安抚",
        "非常抱歉让您久等了，运输时间有所延长。",
        "/wlcq",
        ["物流", "超期"],
    ),
    ("咨询解答", "营业时间答复", "您好，我们的营业时间是每天9点至21点。", "/yysj", ["营业时间", "门店"]),
    ("倾听与确认", "不知道订单号", "没关系，如果您不知道订单号，提供手机号也可以查询。", None, ["订单号"]),
    ("质量与资质", "维修登记", "已为您登记维修，工单号是[工单号]。", "/wx", ["维修", "质量"]),
]


def open_db() -> sqlite3.Connection:
    """A library database as the app has it: every migration applied, autocommit connection."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    for script in sorted(MIGRATIONS.glob("*.sql")):
        conn.executescript(script.read_text(encoding="utf-8"))
    return conn


def category_id(conn: sqlite3.Connection, path: str) -> int:
    parent: int | None = None
    for name in path.split("/"):
        row = conn.execute(
            "SELECT id FROM categories WHERE name = ? AND parent_id IS ?", (name, parent)
        ).fetchone()
        if row is None:
            cursor = conn.execute("INSERT INTO categories (name, parent_id) VALUES (?, ?)", (name, parent))
            parent = int(cursor.lastrowid or 0)
        else:
            parent = int(row[0])
    assert parent is not None
    return parent


def add(
    conn: sqlite3.Connection,
    category: str,
    title: str,
    text: str,
    shortcut: str | None = None,
    tags: list[str] | None = None,
    *,
    index: bool = True,
) -> int:
    cursor = conn.execute(
        "INSERT INTO phrases (uid, category_id, title, text, shortcut, tags, created, updated) "
        "VALUES (?, ?, ?, ?, ?, ?, '2024-01-01', '2024-01-01')",
        (str(uuid.uuid4()), category_id(conn, category), title, text, shortcut, json.dumps(tags or [])),
    )
    pid = int(cursor.lastrowid or 0)
    if index:
        search_index.reindex(conn, [pid])
    return pid


def fill(conn: sqlite3.Connection) -> dict[str, int]:
    conn.execute("BEGIN")
    ids = {row[1]: add(conn, *row, index=False) for row in LIBRARY}
    search_index.reindex(conn, ids.values())
    conn.execute("COMMIT")
    return ids


def titles(results: list[SearchResult]) -> list[str]:
    return [r.title for r in results]


@pytest.fixture(scope="module", autouse=True)
def _jieba_loaded() -> None:
    assert textproc.wait_jieba(120), textproc.jieba_error()


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    conn = open_db()
    fill(conn)
    yield conn
    conn.close()


_SHARED: list[sqlite3.Connection] = []


def shared_db() -> sqlite3.Connection:
    """One filled database for the property tests (hypothesis runs the body many times)."""
    if not _SHARED:
        conn = open_db()
        fill(conn)
        _SHARED.append(conn)
    return _SHARED[0]


# -- text processing --------------------------------------------------------------------------------


def test_normalize_folds_width_case_and_traditional() -> None:
    assert textproc.normalize("ＶＩＰ　會員　退貨") == "vip 会员 退货"
    assert textproc.normalize("發票抬頭") == "发票抬头"
    assert textproc.normalize("  a\x00b\tc  ") == "a b c"
    assert textproc.normalize("x" * 50, max_chars=10) == "x" * 10


def test_clean_drops_lone_surrogates_and_controls() -> None:
    assert textproc.clean("退\ud800款\x00") == "退款 "
    conn = sqlite3.connect(":memory:")
    conn.execute("SELECT ?", (textproc.clean("\udfff😀"),)).fetchone()  # encodable for SQLite


def test_char_table_agrees_with_opencc() -> None:
    import opencc

    converter = opencc.OpenCC("t2s")
    sample = "退貨發票運費維修質量問題營業時間優惠券貨到付款顏色發錯補開電子中轉站進度聯繫賬號"
    assert textproc.to_simplified(sample) == converter.convert(sample)


def test_bigrams_and_word_runs() -> None:
    assert textproc.bigrams("过了中转站") == ["过了", "了中", "中转", "转站"]
    assert textproc.bigrams("钱 a 退款") == ["钱", "退款"]
    assert textproc.word_runs("a4纸，EMS!顺丰") == ["a4", "纸", "EMS", "顺丰"]


def test_pinyin_is_read_by_phrase() -> None:
    assert textproc.pinyin_of("银行") == ("yinhang", "yh")
    assert textproc.pinyin_of("不知道") == ("buzhidao", "bzd")
    assert textproc.pinyin_of("绿色") == ("lvse", "ls")
    assert textproc.pinyin_of_words(["退款", "进度"]) == ("tuikuanjindu", "tkjd")


def test_segmentation_keeps_domain_words_and_search_subwords() -> None:
    words = textproc.segment_for_search(textproc.normalize("过了中转站还没到，发票抬头"))
    assert words is not None
    assert {"中转站", "中转", "发票抬头", "发票", "抬头", "还没到"} <= set(words)


def test_jieba_cache_round_trip(tmp_path: Path) -> None:
    freq = {"退": 0, "退款": 30, "中转站": 12, "中": 99}
    path = tmp_path / "jieba.cache"
    textproc._write_cache(path, freq, 141)
    assert textproc._read_cache(path) == (freq, 141)
    path.write_bytes(b"not a cache")
    assert textproc._read_cache(path) is None


def test_jieba_cache_lives_in_the_user_cache_dir() -> None:
    assert textproc.jieba_load_info()["ready"] is True
    from huashu.paths import user_cache_dir

    assert textproc._cache_path(textproc._jieba_dict_path()).parent == user_cache_dir()


def test_synonym_table_merges_file_and_library_groups() -> None:
    table = textproc.build_synonyms([["退钱", "返现"], ["投诉", "告你们"]])
    assert "退款" in table.alternatives("退钱")  # from resources/search/synonyms.txt
    assert "返现" in table.alternatives("退钱")  # from the library's own group
    assert table.heads("还没到") == ("超期",)
    assert table.alternatives("不存在的词") == ()
    spans = table.spans("我的快递都三天了还没到")
    assert [term for _, _, term in spans] == ["还没到", "快递"]  # longest first, 没到 inside 还没到


def test_synonym_file_format() -> None:
    groups = textproc.parse_synonym_lines("# comment\n物流 快递 包裹  # trailing\n\n退款 退钱\n")
    assert groups == [("物流", "快递", "包裹"), ("退款", "退钱")]


# -- query parsing ------------------------------------------------------------------------------------


def test_parse_query_kinds_shortcuts_and_stopwords() -> None:
    parsed = core.parse_query("／ＷＬ")
    assert parsed.shortcut == "/wl"
    assert [t.text for t in parsed.terms] == ["wl"]
    parsed = core.parse_query("我想查退款进度")
    assert [t.text for t in parsed.terms] == ["查", "退款进度"]  # 我 and 想 carry no intent
    assert [t.text for t in core.parse_query("我").terms] == ["我"]  # unless nothing else is left
    assert [t.kind for t in core.parse_query("tk 退款 12315").terms] == ["latin", "cjk", "other"]
    assert core.parse_query("").empty and core.parse_query("  ，。!!").empty


def test_spaced_pinyin_syllables_are_read_as_one_word() -> None:
    assert textproc.join_syllables(["tui", "kuan", "jin", "du"]) == ["tuikuanjindu"]
    assert textproc.join_syllables(["tui", "k"]) == ["tuik"]  # the next syllable being typed
    assert textproc.join_syllables(["tuikuan", "jin", "du"]) == ["tuikuan", "jindu"]
    assert textproc.join_syllables(["tuikuan", "daozhang"]) == ["tuikuan", "daozhang"]  # words stay words
    assert textproc.join_syllables(["wl", "cx"]) == ["wl", "cx"]  # initials are no syllables
    assert textproc.join_syllables(["tui", "退款", "kuan"]) == ["tui", "退款", "kuan"]
    assert textproc.join_syllables(["lv", "se"]) == ["lvse"]
    assert [t.text for t in core.parse_query("Tui Kuan 进度").terms] == ["tuikuan", "进度"]


def test_match_expression_is_only_quoted_tokens() -> None:
    parsed = core.parse_query('退款" OR title:* NEAR(a b) -x AND (')
    expression = core.match_expression(parsed.terms, operator="AND", synonyms=True)
    assert expression is not None
    outside = expression
    for token in ('"退款"', '"or"', '"title"', '"near"', '"a"', '"b"', '"x"', '"and"'):
        outside = outside.replace(token, "")
    assert "NEAR" not in outside and "*" not in outside and "-" not in outside


def test_to_json_carries_the_fields() -> None:
    result = SearchResult(1, "标题", "正文", "分类/子类", "/bt", 1.23456, ("退款",))
    assert result.to_json() == {
        "id": 1,
        "title": "标题",
        "text": "正文",
        "category": "分类/子类",
        "shortcut": "/bt",
        "score": 1.2346,
        "matched": ["退款"],
    }


# -- searching ----------------------------------------------------------------------------------------


def test_initials_of_words_in_another_order(db: sqlite3.Connection) -> None:
    # The agent recalls 物流查询 / 发票开具; the titles read 查询物流进度 / 开具发票.
    assert "wlcx" not in textproc.pinyin_of("查询物流进度")[1]
    assert titles(search_index.search(db, "wlcx"))[0] == "查询物流进度"
    assert titles(search_index.search(db, "fpkj"))[0] == "开具发票"
    assert search_index.search(db, "qqqq") == []  # nothing there: still nothing, and no loop


def test_two_character_keywords_pinyin_traditional_and_shortcuts(db: sqlite3.Connection) -> None:
    assert set(titles(search_index.search(db, "退款"))[:2]) == {"退款进度查询", "退款到账时间"}
    assert titles(search_index.search(db, "发票"))[0] == "开具发票"
    assert titles(search_index.search(db, "發票"))[0] == "开具发票"
    assert titles(search_index.search(db, "tuikuan"))[0] in {"退款进度查询", "退款到账时间"}
    assert titles(search_index.search(db, "tk"))[0] in {"退款进度查询", "退款到账时间"}
    assert titles(search_index.search(db, "tkjd"))[0] == "退款进度查询"
    assert titles(search_index.search(db, "bzd"))[0] == "不知道订单号"
    assert titles(search_index.search(db, "/wl"))[0] == "查询物流进度"
    assert titles(search_index.search(db, "wl"))[0] == "查询物流进度"


def test_word_inside_a_longer_word(db: sqlite3.Connection) -> None:
    assert "已过中转站" in titles(search_index.search(db, "中转站"))
    assert "已过中转站" in titles(search_index.search(db, "过了中转"))  # not a word: character pairs


def test_several_words_narrow(db: sqlite3.Connection) -> None:
    assert titles(search_index.search(db, "退款 进度")) == ["退款进度查询"]
    assert titles(search_index.search(db, "退货 地址")) == ["退货地址"]
    assert titles(search_index.search(db, "退款 到账"))[:2] == ["退款到账时间", "退款进度查询"]
    assert search_index.search(db, "退k") == []  # half-typed: no phrase has both
    # No phrase has every word: the closest ones, each word one vote, rather than nothing.
    assert titles(search_index.search(db, "退款 维修"))[0] in {"维修登记", "退款进度查询", "退款到账时间"}


def test_synonyms_in_search(db: sqlite3.Connection) -> None:
    results = search_index.search(db, "关门")
    assert titles(results)[0] == "营业时间答复"
    assert results[0].matched == ("关门→营业时间",)
    assert titles(search_index.search(db, "坏了"))[0] == "维修登记"


def test_matched_words_explain_pinyin(db: sqlite3.Connection) -> None:
    result = search_index.search(db, "tkjd")[0]
    assert result.matched == ("tkjd→退款进度",)
    assert result.category == "退款与退换货"
    assert result.shortcut == "/tkjd"


def test_spaced_syllables_find_what_the_joined_word_finds(db: sqlite3.Connection) -> None:
    for spaced, joined in (("tui kuan", "tuikuan"), ("wu liu", "wuliu"), ("tui kuan jin du", "tuikuanjindu")):
        assert titles(search_index.search(db, spaced)) == titles(search_index.search(db, joined)), spaced
        assert search_index.search(db, spaced)
    assert titles(search_index.search(db, "tui k")) == titles(search_index.search(db, "tuik"))
    assert titles(search_index.search(db, "tuikuan jin du"))[0] == "退款进度查询"


def test_pinyin_finds_words_of_the_text_after_the_titles(db: sqlite3.Connection) -> None:
    flaw = add(db, "售后", "商品瑕疵处理", "核实后为您换货或退款，由您选择。", None, ["瑕疵"])
    cjk = titles(search_index.search(db, "退款", limit=50))
    assert "商品瑕疵处理" in cjk
    for query in ("tk", "tuikuan", "tui kuan", "tuik", "TK"):
        results = search_index.search(db, query, limit=50)
        assert sorted(titles(results)) == sorted(cjk), query
        assert titles(results)[-1] == "商品瑕疵处理", query  # the title matches first
        assert results[-1].matched == (f"{query.lower().replace(' ', '')}→退款",)
    assert flaw in {r.phrase_id for r in search_index.search(db, "xiaci")}  # 瑕疵 of a tag, too


def test_initials_stand_only_for_words_titles_and_tags_are_recalled_by(db: sqlite3.Connection) -> None:
    # wl spells 为了 as well as 物流, but no title or tag holds 为了: initials never stand for it,
    # while its full pinyin, typed by an agent who means it, does.
    pid = add(db, "隐私", "身份核验", "为了保障您的账户安全，需要先核实身份。", None, ["隐私"])
    assert pid not in {r.phrase_id for r in search_index.search(db, "wl", limit=50)}
    assert pid in {r.phrase_id for r in search_index.search(db, "weile", limit=50)}
    assert titles(search_index.search(db, "wl"))[0] == "查询物流进度"  # the /wl shortcut


def test_pinyin_of_a_synonym_expands_like_the_word(db: sqlite3.Connection) -> None:
    # 快递 is in no title or tag of these phrases, only in a text and in the synonym group of 物流.
    for query in ("kuaidi", "kuai di", "kd"):
        assert sorted(titles(search_index.search(db, query))) == sorted(
            titles(search_index.search(db, "快递"))
        ), query
    results = search_index.search(db, "kuaidi")
    assert "物流超期安抚" in titles(results)
    assert {r.matched for r in results} >= {("kuaidi→快递",), ("kuaidi→物流",)}


def test_readings_are_never_completions(db: sqlite3.Connection) -> None:
    marks = (core.READING_FULL, core.READING_INITIALS)
    rows = [r[0] for r in db.execute("SELECT term FROM phrase_terms")]
    assert any(r.startswith(core.READING_FULL) for r in rows)
    assert any(r.startswith(core.READING_INITIALS) for r in rows)
    for prefix in ("tui", "wul", "退"):
        (term,) = core.parse_query(prefix).terms
        completed = search_index._completions(db, [term]).get(term.text, ())
        assert completed and not any(c.startswith(marks) for c in completed), prefix


def test_category_filter(db: sqlite3.Connection) -> None:
    cid = db.execute("SELECT id FROM categories WHERE name = '物流配送'").fetchone()[0]
    assert set(titles(search_index.search(db, "物流", category_ids=[cid]))) == {"查询物流进度", "已过中转站"}
    assert search_index.search(db, "退款", category_ids=[cid]) == []
    assert search_index.search(db, "退款", category_ids=[]) == []


def test_favorites_and_use_lift_a_phrase(db: sqlite3.Connection) -> None:
    before = titles(search_index.search(db, "退款"))
    second = before[1]
    pid = db.execute("SELECT id FROM phrases WHERE title = ?", (second,)).fetchone()[0]
    now = datetime.now(UTC)
    db.execute(
        "UPDATE phrases SET favorite = 1, use_count = 5, last_used = ? WHERE id = ?", (now.isoformat(), pid)
    )
    search_index.reindex(db, [pid])
    assert titles(search_index.search(db, "退款", now=now))[0] == second


def test_frecency_decays() -> None:
    now = datetime(2024, 6, 1, tzinfo=UTC)
    fresh = core.usage_boost(False, 10, now.isoformat(), now)
    old = core.usage_boost(False, 10, (now - timedelta(days=120)).isoformat(), now)
    assert fresh > old > 1.0
    assert core.usage_boost(True, 0, None, now) == 1.0 + core.FAVORITE_BOOST
    assert core.usage_boost(False, 10**9, now.isoformat(), now) <= core.MAX_BOOST


# -- the index kept in step ---------------------------------------------------------------------------


def test_edit_reindexes_and_unchanged_rows_are_skipped(db: sqlite3.Connection) -> None:
    pid = db.execute("SELECT id FROM phrases WHERE title = '开具发票'").fetchone()[0]
    db.execute("UPDATE phrases SET text = '可以为您开具收据。' WHERE id = ?", (pid,))
    assert pid in search_index.pending(db)  # the trigger marked it stale
    search_index.reindex(db, [pid])
    assert search_index.pending(db) == []
    assert "开具发票" in titles(search_index.search(db, "收据"))
    assert "开具发票" not in titles(search_index.search(db, "税号"))
    tokens = db.execute("SELECT tokens FROM phrase_search WHERE phrase_id = ?", (pid,)).fetchone()[0]
    search_index.reindex(db, [pid])  # nothing changed: the row is left as it is
    assert db.execute("SELECT tokens FROM phrase_search WHERE phrase_id = ?", (pid,)).fetchone()[0] == tokens


def test_use_only_moves_the_row_without_segmenting(
    db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = db.execute("SELECT id FROM phrases WHERE title = '退货地址'").fetchone()[0]
    db.execute("UPDATE phrases SET use_count = use_count + 1, last_used = '2024-05-01' WHERE id = ?", (pid,))

    def no_segmenting(*args: object, **kwargs: object) -> None:
        raise AssertionError("a use must not re-segment the phrase")

    monkeypatch.setattr(search_index, "document", no_segmenting)
    search_index.reindex(db, [pid])
    rowid = db.execute("SELECT fts_rowid FROM phrase_search WHERE phrase_id = ?", (pid,)).fetchone()[0]
    assert rowid == pid  # prior 0: the agent's own phrases come first in every window
    assert "退货地址" in titles(search_index.search(db, "退货"))


def test_delete_by_any_path_leaves_no_result(db: sqlite3.Connection) -> None:
    pid = db.execute("SELECT id FROM phrases WHERE title = '维修登记'").fetchone()[0]
    db.execute("DELETE FROM phrases WHERE id = ?", (pid,))  # without remove(): the trigger marks it
    assert "维修登记" not in titles(search_index.search(db, "维修"))
    assert pid in search_index.pending(db)
    assert search_index.sync(db) >= 1
    assert db.execute("SELECT count(*) FROM phrase_search WHERE phrase_id = ?", (pid,)).fetchone()[0] == 0
    other = db.execute("SELECT id FROM phrases WHERE title = '退货地址'").fetchone()[0]
    search_index.remove(db, [other])
    db.execute("DELETE FROM phrases WHERE id = ?", (other,))
    assert "退货地址" not in titles(search_index.search(db, "退货"))
    db.execute("INSERT INTO phrase_fts (phrase_fts) VALUES ('integrity-check')")


def test_an_unreadable_index_row_does_not_block_edits(db: sqlite3.Connection) -> None:
    pid = db.execute("SELECT id FROM phrases WHERE title = '开具发票'").fetchone()[0]
    db.execute("UPDATE phrase_search SET tokens = x'00' WHERE phrase_id = ?", (pid,))
    db.execute("UPDATE phrases SET text = '可以为您开具收据。' WHERE id = ?", (pid,))
    search_index.reindex(db, [pid])
    assert "开具发票" in titles(search_index.search(db, "收据"))
    search_index.rebuild(db)
    db.execute("INSERT INTO phrase_fts (phrase_fts) VALUES ('integrity-check')")
    assert titles(search_index.search(db, "收据")) == ["开具发票"]


def test_category_rename_reaches_the_index(db: sqlite3.Connection) -> None:
    cid = db.execute("SELECT id FROM categories WHERE name = '咨询解答'").fetchone()[0]
    db.execute("UPDATE categories SET name = '门店服务' WHERE id = ?", (cid,))
    ids = [r[0] for r in db.execute("SELECT id FROM phrases WHERE category_id = ?", (cid,))]
    search_index.reindex(db, ids)
    result = search_index.search(db, "门店服务")[0]
    assert (result.title, result.category) == ("营业时间答复", "门店服务")


def test_rebuild_gives_the_same_answers(db: sqlite3.Connection) -> None:
    queries = ["退款", "tk", "/wl", "中转站", "关门", "發票"]
    before = [titles(search_index.search(db, q)) for q in queries]
    search_index.rebuild(db)
    assert [titles(search_index.search(db, q)) for q in queries] == before
    db.execute("INSERT INTO phrase_fts (phrase_fts) VALUES ('integrity-check')")


def test_without_jieba_rows_are_marked_and_rebuilt_later(monkeypatch: pytest.MonkeyPatch) -> None:
    conn = open_db()
    monkeypatch.setattr(textproc, "jieba_ready", lambda: False)
    monkeypatch.setattr(textproc, "segment", lambda text: None)
    monkeypatch.setattr(textproc, "segment_for_search", lambda text: None)
    pid = add(conn, "物流配送", "已过中转站", "您的包裹昨天已经过了中转站。", None, ["物流"], index=False)
    search_index.reindex(conn, [pid], wait=0)
    assert conn.execute("SELECT sig FROM phrase_search").fetchone()[0].startswith("n")
    assert titles(search_index.search(conn, "中转站")) == ["已过中转站"]  # answers before jieba
    monkeypatch.undo()
    assert search_index.pending(conn) == [pid]
    assert search_index.sync(conn) == 1
    assert conn.execute("SELECT sig FROM phrase_search").fetchone()[0].startswith("j")
    assert titles(search_index.search(conn, "中转站")) == ["已过中转站"]


def test_an_index_of_an_older_format_is_rebuilt(db: sqlite3.Connection) -> None:
    """Rows written by an older version (format 3: no readings, no format tag in the signature) are
    found by missing(), which Library.repair_search_index() rebuilds on open."""
    body_only = add(db, "售后", "商品瑕疵处理", "核实后为您换货或退款。", None, ["瑕疵"])
    vocab = "SELECT doc, cnt FROM phrase_vocab WHERE term = 'tk'"
    before = db.execute(vocab).fetchone()
    db.execute(
        "UPDATE phrase_search SET sig = substr(sig, 1, 1) || substr(sig, ?)", (len(core.SIGNATURE_TAG) + 2,)
    )
    marks = (core.READING_FULL, core.READING_INITIALS)
    db.execute("DELETE FROM phrase_terms WHERE substr(term, 1, 1) IN (?, ?)", marks)
    assert body_only not in {r.phrase_id for r in search_index.search(db, "tk", limit=50)}  # as before
    stale = search_index.missing(db)
    assert sorted(stale) == sorted(r[0] for r in db.execute("SELECT id FROM phrases"))
    assert sorted(search_index.pending(db)) == sorted(stale)
    db.execute("BEGIN")
    search_index.reindex(db, stale)
    db.execute("COMMIT")
    assert search_index.missing(db) == [] and search_index.pending(db) == []
    assert body_only in {r.phrase_id for r in search_index.search(db, "tk", limit=50)}
    db.execute("INSERT INTO phrase_fts (phrase_fts) VALUES ('integrity-check')")
    assert db.execute(vocab).fetchone() == before  # the old rows' tokens were deleted, not left behind


def test_migrated_library_gets_indexed_by_sync() -> None:
    conn = open_db()
    add(conn, "发票", "开具发票", "可以为您开具发票。", "/kp", index=False)
    assert search_index.search(conn, "发票") == []
    assert search_index.sync(conn) == 1
    assert titles(search_index.search(conn, "发票")) == ["开具发票"]


# -- suggestions --------------------------------------------------------------------------------------


def test_suggest_customer_messages_with_explanations(db: sqlite3.Connection) -> None:
    results = search_index.suggest(db, "我的快递都三天了还没到")
    assert results[0].title == "物流超期安抚"
    assert set(results[0].matched) == {"快递→物流", "还没到→超期"}
    assert search_index.suggest(db, "你们几点关门")[0].title == "营业时间答复"
    assert search_index.suggest(db, "钱什么时候能退回来")[0].title in {"退款到账时间", "退款进度查询"}
    assert search_index.suggest(db, "你好") == []  # a greeting: this library has no greeting reply


def test_keywords_prefer_synonym_terms_over_straddling_words() -> None:
    table = textproc.build_synonyms()
    found = core.extract_keywords("能开发票吗", synonyms=table)
    assert "发票" in [k.text for k in found.keywords]
    assert "开发" not in [k.text for k in found.keywords]  # 开 + 发票, not 开发
    found = core.extract_keywords("你好，在吗？能开专票吗", synonyms=table)
    assert [k.text for k in found.keywords][:1] == ["专票"]  # greetings are filler here


EXCHANGE_LIBRARY = [
    (
        "退款与退换货",
        "换货流程",
        "换货流程是：第一步，在订单页提交换货申请；第二步，审核通过后把商品寄回；第三步，我们收到后"
        "[工作日数=2]个工作日内发出新商品。",
        "/hh",
        ["换货", "流程", "退换货"],
    ),
    (
        "投诉处理/发错货",
        "型号发错换发",
        "非常抱歉，您订购的是[订购型号]，收到的是[收到型号]，是我们发货时出了差错。我们为您换发正确型号，"
        "往返运费由我们承担。",
        None,
        ["发错", "型号", "换货"],
    ),
    ("特殊客户", "引导客户尝试操作", "您可以尝试这样操作：[操作步骤]，看看是否可以。", None, []),
    (
        "业务范围",
        "功能暂不支持",
        "非常抱歉，目前暂不支持[功能名称]。您可以通过[替代方案]来实现，我来教您操作。",
        "/bzc",
        [],
    ),
    (
        "电话礼仪/通话质量",
        "背景声音较大",
        "您那边环境声音比较大，请您换到安静一点的地方，方便我准确记录您的问题。",
        None,
        [],
    ),
    ("咨询解答/产品信息", "推荐合适型号", "根据您的需求，推荐您选择[产品型号]。您看是否合适？", "/tj", []),
]
SIZE_EXCHANGE = "你好，我买的衣服尺码不对，想换一个大一号的，怎么操作？"


def indexed_db(rows: list[tuple[str, ...]]) -> Iterator[sqlite3.Connection]:
    """A library of `rows`, indexed in one pass, for the length of a test."""
    conn = open_db()
    conn.execute("BEGIN")
    ids = [add(conn, *row, index=False) for row in rows]
    search_index.reindex(conn, ids)
    conn.execute("COMMIT")
    yield conn
    conn.close()


@pytest.fixture
def exchange_db() -> Iterator[sqlite3.Connection]:
    yield from indexed_db(EXCHANGE_LIBRARY)


def test_a_pasted_request_ranks_the_reply_to_it_before_a_presumed_mishap(
    exchange_db: sqlite3.Connection,
) -> None:
    """The customer asks to exchange for a bigger size: the exchange process first, not the reply
    admitting a wrong model was sent ("是我们发货时出了差错"), and 不 / 大 explain no match."""
    for results in (
        search_index.suggest(exchange_db, SIZE_EXCHANGE),
        search_index.search(exchange_db, SIZE_EXCHANGE, limit=5),
    ):
        got = titles(results)
        assert got[0] == "换货流程"
        assert got.index("型号发错换发") > 0
        assert set(results[0].matched) == {"换一个→换货", "怎么操作→流程"}
        for result in results:
            assert not {"不", "大", "操作"} & set(result.matched), result
        assert "功能暂不支持" not in got and "背景声音较大" not in got


def test_a_mishap_the_customer_reports_is_not_presumed(exchange_db: sqlite3.Connection) -> None:
    assert titles(search_index.suggest(exchange_db, "你们给我发错型号了，我要换货"))[0] == "型号发错换发"


def test_what_the_customer_asks_for_is_a_candidate_among_many_copies_of_a_rarer_word() -> None:
    """In a big library 换货 is everywhere (tags, texts) and the character 换 rare (仍听不清请换电话):
    the best matches of the message's words were all copies of that reply, and 换货流程, whose title
    names what the customer asks for, was never scored at all."""
    conn = open_db()
    conn.execute("BEGIN")
    ids = [add(conn, *EXCHANGE_LIBRARY[0], index=False)]
    for n in range(search_index.SUGGEST_CANDIDATES):
        text = "信号不好，请您换个电话再打过来。"
        ids.append(add(conn, "电话礼仪", f"请换电话{n}", text, None, ["通话质量"], index=False))
    for n in range(6 * search_index.SUGGEST_CANDIDATES):
        text = f"核实后为您换货或退款，由您选择。编号{n}"
        ids.append(add(conn, "售后", f"商品瑕疵处理{n}", text, None, ["瑕疵", "换货"], index=False))
    search_index.reindex(conn, ids)
    conn.execute("COMMIT")
    assert titles(search_index.suggest(conn, "鞋子买小了，能换大一码吗？"))[0] == "换货流程"


def test_keywords_weigh_the_request_over_the_scene() -> None:
    table = textproc.build_synonyms()
    found = {k.text: k for k in core.extract_keywords(SIZE_EXCHANGE, synonyms=table).keywords}
    assert not {"不", "对", "大", "买", "操作"} & set(found)  # function characters, and 操作 of 怎么操作
    assert found["换一个"].weight == core.INTENT_WEIGHT  # 想[换一个大一号的]: what the customer asks for
    assert found["尺码"].weight == 1.0  # 我买的衣服尺码不对: the scene
    assert found["怎么操作"].alternatives == ("流程", "步骤")
    assert "怎么办" not in found  # 怎么办理 is not 怎么办
    assert "怎么办" not in {k.text for k in core.extract_keywords("怎么办理会员", synonyms=table).keywords}


@pytest.mark.parametrize(
    ("message", "verb", "replies"),
    [
        ("鞋子买小了，能换大一码吗？", "换", ("换货",)),
        ("可不可以帮我换一下", "换", ("换货",)),
        ("东西坏了能修吗", "修", ("维修",)),
        ("刚下单，地址写错了想改一下", "改", ("修改",)),
        ("我想修改一下密码", "修改", ()),  # a word of its own, not 修 (维修)
    ],
)
def test_a_one_character_request_verb_stands_for_its_replies(
    message: str, verb: str, replies: tuple[str, ...]
) -> None:
    found = core.extract_keywords(message, synonyms=textproc.build_synonyms())
    keywords = {k.text: k for k in found.keywords}
    assert keywords[verb].alternatives == replies and keywords[verb].heads == replies
    assert keywords[verb].weight == core.INTENT_WEIGHT
    assert not {"小", "大", "码", "买", "不能", "可不", "帮"} & set(keywords)


def test_function_characters_count_only_when_nothing_else_is_said() -> None:
    table = textproc.build_synonyms()
    assert [k.text for k in core.extract_keywords("不", synonyms=table).keywords] == ["不"]
    assert "碎" in [k.text for k in core.extract_keywords("收到的杯子是碎的", synonyms=table).keywords]


def test_a_reply_presuming_an_unmentioned_mishap_weighs_less() -> None:
    table = textproc.build_synonyms()
    mishaps = core.mishap_groups(table)
    assert "发错" in mishaps and "破损" in mishaps and "退款" not in mishaps
    body = {"body": "我们为您换货。"}  # titles of one length: only the mishap tells them apart
    candidates = [
        core.Candidate(1, {"title": "发错补救", **body}),
        core.Candidate(2, {"title": "售后补救", **body}),
    ]

    def scores(message: str) -> dict[int, float]:
        keywords = core.extract_keywords(message, synonyms=table).keywords
        scored = core.score_candidates(keywords, candidates, {}, 100, mishaps=mishaps)
        return {pid: score for pid, (score, _) in scored.items()}

    plain = scores("想换货")
    assert plain[1] == pytest.approx(core.PRESUMED_FACTOR * plain[2])
    for told in ("发错了，想换货", "货不对，想换货"):  # the mishap or a word of its group
        reported = scores(told)
        assert reported[1] > reported[2]  # not halved, and the title's 发错 matches
    # Said in words the groups do not know: 破损 holds 碎了, 碎 is the customer's word for it.
    cracked = [core.Keyword("碎")]
    damaged = [core.Candidate(3, {"title": "收到商品破损", "body": "碎"})]
    undamaged = [core.Candidate(3, {"title": "收到商品", "body": "碎"})]
    assert core.score_candidates(cracked, damaged, {}, 100, mishaps=mishaps) == core.score_candidates(
        cracked, undamaged, {}, 100, mishaps=mishaps
    )


def keywords_of(message: str) -> dict[str, core.Keyword]:
    return {k.text: k for k in core.extract_keywords(message, synonyms=textproc.build_synonyms()).keywords}


@pytest.mark.parametrize(
    ("message", "verb"),
    [("换个颜色", "换"), ("那就换个尺码吧", "换"), ("帮我换个黑色的", "换"), ("可以换成白色的吗", "换成")],
)
def test_a_request_may_start_with_its_verb_or_carry_its_result(message: str, verb: str) -> None:
    """No cue before it (换个颜色), a cue jieba cut in two (帮 我), a result after it (换成): the verb
    of a request all the same, standing for the exchange."""
    found = keywords_of(message)
    assert found[verb].heads == ("换货",) and found[verb].asked
    assert "帮" not in found


def test_a_verb_telling_what_happened_is_no_request() -> None:
    found = keywords_of("我换了手机号")
    assert not found["换"].asked and found["换"].heads == ()


def test_what_goods_are_chosen_by_weighs_less_in_a_clause_about_the_goods() -> None:
    assert keywords_of("想换个颜色")["颜色"].weight == core.ATTRIBUTE_WEIGHT  # which goods, not the topic
    assert not keywords_of("想换个颜色")["颜色"].asked
    assert keywords_of("我买的是黑色的，能换吗")["黑色"].weight == 1.0  # another clause: the scene
    assert keywords_of("拍错型号了")["型号"].weight == core.ATTRIBUTE_WEIGHT  # what was chosen wrongly
    assert keywords_of("这个颜色有什么讲究")["颜色"].weight == 1.0  # nothing done to the goods


def test_the_customers_own_reason_is_asked_for() -> None:
    changed_mind = keywords_of("不想要了")["不想要了"]
    assert changed_mind.asked and changed_mind.heads == ("七天无理由",)  # a return, not an exchange
    mistake = keywords_of("我拍错了")["拍错了"]
    assert mistake.asked and mistake.heads == ("七天无理由", "换货")  # the right goods, or the money
    own = keywords_of("是我自己选的尺码错了")
    assert own[core.OWN_MISTAKE_WORD].heads == ("七天无理由", "换货") and own[core.OWN_MISTAKE_WORD].asked
    assert own["尺码"].weight == core.ATTRIBUTE_WEIGHT
    assert core.OWN_MISTAKE_WORD not in keywords_of("我自己看了是你们发错了")  # 错 of 发错: the shop's


def test_a_fault_counts_only_with_what_it_is_said_of() -> None:
    """写错 → 有误 finds 发票信息有误重开 for a wrong invoice title, and nothing for a wrong phone number."""
    assert keywords_of("发票抬头写错了怎么办")["写错了"].said_of == "发票抬头"
    assert keywords_of("写错了")["写错了"].said_of is None  # said of nothing: it counts on its own
    reply = [core.Candidate(1, {"title": "发票信息有误重开", "body": "请把正确的抬头和税号发给我。"})]

    def scored(message: str) -> dict[int, tuple[float, tuple[str, ...]]]:
        found = core.extract_keywords(message, synonyms=textproc.build_synonyms()).keywords
        return core.score_candidates(found, reply, {}, 100)

    assert scored("手机号填错了") == {}
    assert [m.split("→")[0] for m in scored("发票抬头写错了")[1][1]] == ["发票抬头", "写错了"]
    assert [m.split("→")[0] for m in scored("填错了")[1][1]] == ["填错了"]


COLOUR_LIBRARY = [
    EXCHANGE_LIBRARY[0],  # 换货流程
    EXCHANGE_LIBRARY[1],  # 型号发错换发
    EXCHANGE_LIBRARY[5],  # 推荐合适型号
    (
        "投诉处理/破损与色差",
        "色差复述确认",
        "您是说收到的商品颜色是[实际颜色]，和页面展示的[页面颜色]差别较大，对吗？",
        None,
        ["颜色", "色差", "复述"],
    ),
    (
        "投诉处理/破损与色差",
        "颜色发错致歉",
        "非常抱歉，确实是我们发货时把颜色发错了，向您致歉！我们为您换发[正确颜色]。",
        "/ysfc",
        ["颜色", "发错", "换货"],
    ),
    (
        "退款与退换货",
        "七天无理由退货",
        "商品签收后7天内，在不影响二次销售的情况下，可以申请七天无理由退货。",
        "/qtwly",
        ["退货", "七天无理由", "政策"],
    ),
    (
        "退款与退换货",
        "退货运费说明",
        "因质量问题退货，运费由我们承担；无理由退货的寄回运费需要您承担。",
        None,
        ["退货", "运费", "政策"],
    ),
]


@pytest.fixture
def colour_db() -> Iterator[sqlite3.Connection]:
    yield from indexed_db(COLOUR_LIBRARY)


def test_a_colour_to_exchange_for_finds_the_exchange_not_the_colour_complaint(
    colour_db: sqlite3.Connection,
) -> None:
    for message in ("想换个颜色", "换个颜色", "能换个黑色的吗"):
        for found in (search_index.suggest(colour_db, message), search_index.search(colour_db, message)):
            assert titles(found)[0] == "换货流程", (message, titles(found))
    # The colour as the complaint, and colours named in a wrong-goods complaint, still find theirs.
    assert titles(search_index.suggest(colour_db, "收到的颜色和图片不一样"))[0] == "色差复述确认"
    wrong = search_index.suggest(colour_db, "你们发错货了，我买的是黑色的收到是白色")
    assert titles(wrong)[0] == "颜色发错致歉"
    assert "黑色→颜色" in wrong[0].matched


def test_the_customers_own_mistake_finds_the_no_reason_policy_never_the_shops_mistake(
    colour_db: sqlite3.Connection,
) -> None:
    for message in ("我自己拍错型号", "是我自己选错了型号", "拍错颜色了，能换吗"):
        got = titles(search_index.suggest(colour_db, message, limit=3))
        assert got[0] in {"七天无理由退货", "换货流程"}, (message, got)
        assert "换货流程" in got and "型号发错换发" not in got and "颜色发错致歉" not in got, (message, got)
    assert titles(search_index.suggest(colour_db, "不想要了能退吗"))[:2] == ["七天无理由退货", "退货运费说明"]


def test_a_reply_presuming_the_shops_mistake_contradicts_the_customers_own_reason() -> None:
    table = textproc.build_synonyms()
    body = {"body": "我们为您换货。"}
    candidates = [
        core.Candidate(1, {"title": "发错补救", **body}),
        core.Candidate(2, {"title": "售后补救", **body}),
    ]

    def scores(message: str) -> dict[int, float]:
        found = core.extract_keywords(message, synonyms=table).keywords
        scored = core.score_candidates(found, candidates, {}, 100, mishaps=core.mishap_groups(table))
        return {pid: score for pid, (score, _) in scored.items()}

    assert scores("想换货")[1] == pytest.approx(core.PRESUMED_FACTOR * scores("想换货")[2])
    own = scores("我拍错了，想换货")
    assert own[1] == pytest.approx(core.CONTRADICTED_FACTOR * own[2])


def test_a_sentence_in_the_search_box_is_ranked_as_a_customer_message(colour_db: sqlite3.Connection) -> None:
    assert core.parse_query("想换个颜色").sentence  # 想, 个: stop words said in a sentence
    for typed in ("换 颜色", "退款进度", "tk", "/wl", "退k", "我", "tuikuan 的"):
        assert not core.parse_query(typed).sentence, typed
    assert not core.parse_query("想换个颜色", segmenter=lambda text: None).sentence  # before jieba
    for message in ("想换个颜色", "我自己拍错型号"):
        searched = search_index.search(colour_db, message, limit=5)
        suggested = search_index.suggest(colour_db, message, limit=5)
        assert [(r.title, r.matched) for r in searched] == [(r.title, r.matched) for r in suggested]


def test_a_fault_names_its_reply_among_many_copies_sharing_the_other_words() -> None:
    """Short-titled phrases that hold 发票抬头 and 有误 fill the window of the pair and OR queries in
    rowid order; the reply whose title names the fault (发票信息有误重开) is looked up by it."""
    conn = open_db()
    conn.execute("BEGIN")
    ids = [
        add(
            conn,
            "发票",
            "发票信息有误重开",
            "发票信息有误可以重开。请把正确的抬头和税号发给我。",
            None,
            ["发票", "重开", "抬头"],
            index=False,
        )
    ]
    filler = "我们会认真核对您提交的每一项信息，处理完成后第一时间通知您，感谢您的耐心等待与理解。" * 3
    for n in range(search_index.SUGGEST_WINDOW + 50):
        text = f"开票前请核对发票抬头。{filler}如有误请联系客服。编号{n}"
        ids.append(add(conn, "发票", f"开票{n}", text, None, ["发票"], index=False))
    search_index.reindex(conn, ids)
    conn.execute("COMMIT")
    assert titles(search_index.suggest(conn, "发票抬头写错了怎么办"))[0] == "发票信息有误重开"


def test_a_fault_alone_brings_no_candidates_that_cannot_count() -> None:
    """有误 is rarer than 收货地址 here, so the replies titled after it filled every place of the OR
    query, and none of them counts for 收货地址填错了: the reply about the address was never scored."""
    conn = open_db()
    conn.execute("BEGIN")
    text = "请把新的收货地址发给我，我马上为您更改。"
    ids = [add(conn, "物流配送", "发货前修改地址", text, "/xgdz", ["地址", "修改"], index=False)]
    for n in range(2 * search_index.SUGGEST_CANDIDATES):
        text = f"发票信息有误可以重开，请把正确的抬头和税号发给我。编号{n}"
        ids.append(add(conn, "发票", f"有误重开{n}", text, None, ["发票", "重开"], index=False))
    filler = (
        "为了您能顺利收到包裹，请您在下单前仔细核对收件人姓名、联系电话和收货地址，谢谢您的配合。"
        + "祝您购物愉快。" * 5
    )
    for n in range(3 * search_index.SUGGEST_CANDIDATES):
        ids.append(add(conn, "物流配送", f"下单前核对收件信息{n}", filler, None, ["核对"], index=False))
    search_index.reindex(conn, ids)
    conn.execute("COMMIT")
    assert titles(search_index.suggest(conn, "收货地址填错了"))[0] == "发货前修改地址"


# -- hostile input --------------------------------------------------------------------------------------

HOSTILE = [
    '"',
    '""',
    "'",
    "(",
    ")",
    "()",
    "*",
    "退款*",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(退款 发票, 2)",
    "-退款",
    "退款 -发票",
    "title:退款",
    "{title}:退款",
    "^退款",
    "退款 AND OR NOT",
    '"退款" OR "',
    "",
    " ",
    "\x00",
    "退\x00款",
    "😀",
    "退款😀🚚",
    "\ud800",
    "退款\udfff",
    "%_\\",
    "/",
    "//",
    "/ wl",
    "x" * 10_000,
    "退款" * 5_000,
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(db: sqlite3.Connection, query: str) -> None:
    start = time.perf_counter()
    assert isinstance(search_index.search(db, query), list)
    assert isinstance(search_index.suggest(db, query), list)
    assert time.perf_counter() - start < 2.0


def test_hostile_query_still_finds_the_word(db: sqlite3.Connection) -> None:
    assert titles(search_index.search(db, '"退款" AND (进度)*'))[0] == "退款进度查询"
    assert titles(search_index.search(db, "退\x00款"))  # NUL is a separator, never an error


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_any_text_is_a_safe_query(query: str) -> None:
    conn = shared_db()
    results = search_index.search(conn, query, limit=5)
    assert all(isinstance(r, SearchResult) for r in results)
    assert isinstance(search_index.suggest(conn, query, limit=3), list)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ['"', "(", ")", "*", "AND", "OR", "NOT", "NEAR", "-", "^", ":", "{", "}", "退款", "tk"]
        )
        | st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
        max_size=12,
    )
)
def test_syntax_soup_is_a_safe_query(parts: list[str]) -> None:
    conn = shared_db()
    assert isinstance(search_index.search(conn, " ".join(parts)), list)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(max_size=200))
def test_any_phrase_text_can_be_indexed_and_found_by_its_title(title: str, text: str) -> None:
    conn = open_db()
    if not title.strip():
        title = "标题"
    if not text.strip():
        text = "正文"
    safe_title, safe_text = textproc.clean(title), textproc.clean(text)
    pid = add(conn, "测试", safe_title, safe_text, index=False)
    search_index.reindex(conn, [pid])
    conn.execute("INSERT INTO phrase_fts (phrase_fts) VALUES ('integrity-check')")
    runs = textproc.split_words(textproc.normalize(safe_title))
    if runs:
        assert pid in [r.phrase_id for r in search_index.search(conn, runs[0], limit=50)]
    search_index.remove(conn, [pid])
    conn.close()


# -- with the Library ---------------------------------------------------------------------------------


def test_library_keeps_the_index_in_step() -> None:
    library = pytest.importorskip("huashu.storage.library")
    lib = library.Library.memory(empty=True)
    try:
        changes = lib.add_phrase("物流配送", "查询物流进度", "请您耐心等候。", shortcut="/wl", tags=("物流",))
        (pid,) = changes.phrases
        assert [r.phrase_id for r in lib.search("wuliu")] == [pid]
        assert [r.phrase_id for r in lib.search("/wl")] == [pid]
        lib.update_phrase(pid, text="您的快件已到驿站。")
        assert [r.phrase_id for r in lib.search("驿站")] == [pid]
        assert lib.search("耐心") == []
        lib.delete_phrase(pid)
        assert lib.search("驿站") == []
    finally:
        lib.close()


def test_library_rebuilds_an_index_of_an_older_format_when_repairing() -> None:
    library = pytest.importorskip("huashu.storage.library")
    lib = library.Library.memory(empty=True)
    try:
        changes = lib.add_phrase("售后", "商品瑕疵处理", "核实后为您换货或退款。", tags=("瑕疵",))
        (pid,) = changes.phrases
        with lib.transaction():
            lib.conn.execute("UPDATE phrase_search SET sig = substr(sig, 1, 1) || substr(sig, 4)")
        assert lib.repair_search_index() == 1
        assert [r.phrase_id for r in lib.search("tk")] == [pid]
        assert lib.repair_search_index() == 0
    finally:
        lib.close()


def test_a_whole_library_reindexed_is_merged_and_compacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rebuilding every row (a new index format) used to leave the file a fifth bigger, with its
    FTS segments unmerged; the repair now merges them and gives the free pages back."""
    from huashu.core.models import PhraseRow
    from huashu.storage import library

    monkeypatch.setattr(library, "COMPACT_AFTER_REINDEXED", 500)
    path = tmp_path / "big.db"
    with library.Library.open(path) as lib:
        rows = [
            (
                n,
                PhraseRow(
                    category=f"店铺{n % 7}/售后", title=f"退款说明{n}", text=f"您的退款{n}元已原路退回。"
                ),
            )
            for n in range(3000)
        ]
        lib.import_rows(rows)
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = path.stat().st_size
        with lib.transaction():  # every row as an older version wrote it
            lib.conn.execute("UPDATE phrase_search SET sig = substr(sig, 1, 1) || substr(sig, 4)")
        assert lib.repair_search_index() == lib.count_phrases()
        pages = lib.conn.execute("PRAGMA page_count").fetchone()[0]
        assert lib.conn.execute("PRAGMA freelist_count").fetchone()[0] < pages * 0.1
        segments = lib.conn.execute("SELECT count(*) FROM phrase_fts_data").fetchone()[0]
        assert segments < 200  # one merged segment's pages (and the structure rows), not thousands
        assert [r.title for r in lib.search("退款说明2999")][:1] == ["退款说明2999"]
        assert lib.repair_search_index() == 0
    assert path.stat().st_size <= before * 1.05
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size < before * 0.1
