"""Checks on the shipped default phrase library and the search dictionaries.

Standard library + pytest only, so these run before the package itself is importable.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARY_CSV = ROOT / "resources" / "library" / "default_library.csv"
SYNONYMS = ROOT / "resources" / "search" / "synonyms.txt"
JIEBA_DICT = ROOT / "resources" / "search" / "jieba_user.dict"

HEADER = ["category", "title", "text", "shortcut", "tags", "notes"]
SHORTCUT_RE = re.compile(r"^/[a-z0-9]{2,6}$")
LEGACY_MARKER_RE = re.compile(r"XX|××|\*\*|____")
NET_SLANG = ("亲", "哦", "~", "～", "你")

# Phrases the handbooks list as 服务忌语 / 禁忌词汇 / 绝对禁止说的话, plus vague promises.
_FORBIDDEN_WORDS = """
    我不知道 不知道 不清楚 没办法 不归我管 与我无关 你问我 公司的规定 你错了
    你必须 有什么问题吗 就这样 你是不是搞错 谁说的 喂 大声点 大点声 听不见
    打错了 我不能 我们不能 我不懂 我做不了 爱找谁找谁 不关我的事 这只能这样
    我没有空 我要下班了 明天再打来 急什么 你听我说 不是我的错 可能 大概
"""
FORBIDDEN = tuple(_FORBIDDEN_WORDS.split())

# Situations from the handbooks; each needs a phrase whose title/text/tags mention one keyword.
SITUATIONS = {
    "greeting": ("问候",),
    "restate": ("复述", "确认"),
    "wait": ("稍等",),
    "closing": ("结束", "再见"),
    "logistics": ("物流",),
    "transit hub": ("中转站",),
    "wrong goods": ("发错",),
    "damage": ("破损",),
    "refund": ("退款",),
    "invoice": ("发票",),
    "payment": ("支付",),
    "quality": ("质量",),
    "complaint": ("投诉",),
    "six steps": ("六步",),
    "escalation": ("升级", "转交"),
    "follow-up call": ("回访",),
    "satisfaction": ("满意度",),
    "silent call": ("无声",),
    "poor audio": ("听不清",),
    "transfer": ("转接",),
    "praise": ("称赞",),
    "privacy": ("隐私", "个人信息"),
    "unsupported": ("暂不提供",),
    "store welcome": ("欢迎光临",),
}


def _read_rows() -> tuple[list[str], list[dict[str, str]]]:
    raw = LIBRARY_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "default library must be UTF-8 without BOM"
    text = raw.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = [dict(zip(header, values, strict=True)) for values in reader]
    return header, rows


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read_rows()[1]


def bracket_errors(text: str) -> list[str]:
    """Errors in `[field]` syntax.

    `[[`/`]]` are escapes; a field is non-empty and closed before the next `[`.
    """
    errors: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if text.startswith("[[", i) or text.startswith("]]", i):
            i += 2
            continue
        if ch == "]":
            errors.append(f"unmatched ']' at {i}")
            i += 1
            continue
        if ch == "[":
            close = text.find("]", i + 1)
            nxt = text.find("[", i + 1)
            if close == -1 or (nxt != -1 and nxt < close):
                errors.append(f"unclosed '[' at {i}")
                i += 1
                continue
            if not text[i + 1 : close].strip():
                errors.append(f"empty field at {i}")
            i = close + 1
            continue
        i += 1
    return errors


def test_bracket_checker_itself() -> None:
    assert bracket_errors("您好[名字]，[[备注]]") == []
    assert bracket_errors("[称呼:先生|女士=先生]") == []
    assert bracket_errors("[]")
    assert bracket_errors("[名字")
    assert bracket_errors("名字]")
    assert bracket_errors("[名[字]")


def test_header_exact() -> None:
    header, _ = _read_rows()
    assert header == HEADER


def test_row_and_category_counts(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 180
    categories = {r["category"] for r in rows}
    assert len(categories) >= 18


def test_required_fields_and_category_paths(rows: list[dict[str, str]]) -> None:
    for r in rows:
        assert r["category"].strip(), r
        assert r["title"].strip(), r
        assert r["text"].strip(), r
        parts = r["category"].split("/")
        assert 1 <= len(parts) <= 2, r["category"]
        assert all(p.strip() == p and p for p in parts), r["category"]


def test_titles_unique_within_category(rows: list[dict[str, str]]) -> None:
    counts = Counter((r["category"], r["title"]) for r in rows)
    assert [k for k, c in counts.items() if c > 1] == []


def test_tags(rows: list[dict[str, str]]) -> None:
    for r in rows:
        tags = r["tags"].split(";")
        assert 2 <= len(tags) <= 4, (r["title"], r["tags"])
        assert all(t.strip() == t and t for t in tags), (r["title"], r["tags"])
        assert len(set(tags)) == len(tags), (r["title"], r["tags"])


def test_shortcuts_unique_and_well_formed(rows: list[dict[str, str]]) -> None:
    shortcuts = [r["shortcut"] for r in rows if r["shortcut"]]
    assert len(shortcuts) >= len(rows) // 3
    for sc in shortcuts:
        assert SHORTCUT_RE.match(sc), sc
    dupes = [sc for sc, c in Counter(shortcuts).items() if c > 1]
    assert dupes == []


@pytest.mark.parametrize("field", ["title", "text", "notes"])
def test_brackets_balanced(rows: list[dict[str, str]], field: str) -> None:
    bad = {r["title"]: bracket_errors(r[field]) for r in rows if bracket_errors(r[field])}
    assert bad == {}


def test_no_fullwidth_field_brackets(rows: list[dict[str, str]]) -> None:
    for r in rows:
        for field in HEADER:
            assert "【" not in r[field] and "】" not in r[field], (r["title"], field)


def test_no_legacy_markers(rows: list[dict[str, str]]) -> None:
    for r in rows:
        for field in HEADER:
            assert not LEGACY_MARKER_RE.search(r[field]), (r["title"], field, r[field])


def test_no_net_slang_and_always_nin(rows: list[dict[str, str]]) -> None:
    for r in rows:
        for field in ("title", "text", "tags", "notes"):
            for word in NET_SLANG:
                assert word not in r[field], (r["title"], field, word)


def test_no_forbidden_phrases(rows: list[dict[str, str]]) -> None:
    hits = [(r["title"], w) for r in rows for w in FORBIDDEN if w in r["text"]]
    assert hits == []


@pytest.mark.parametrize("situation", sorted(SITUATIONS))
def test_situation_covered(rows: list[dict[str, str]], situation: str) -> None:
    keywords = SITUATIONS[situation]
    assert any(kw in r["title"] or kw in r["text"] or kw in r["tags"] for r in rows for kw in keywords), (
        f"no phrase for {situation}: {keywords}"
    )


def test_synonym_groups() -> None:
    groups = []
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        terms = line.split(" ")
        assert all(terms), f"double space in: {line!r}"
        assert len(terms) >= 2, line
        assert len(set(terms)) == len(terms), f"repeated term in: {line!r}"
        groups.append(terms)
    assert len(groups) >= 60


def test_jieba_user_dict() -> None:
    lines = [ln for ln in JIEBA_DICT.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(lines) >= 150
    words = []
    for ln in lines:
        parts = ln.split(" ")
        assert len(parts) == 3, ln
        word, freq, tag = parts
        assert word and not word.isspace(), ln
        assert int(freq) > 0, ln
        assert re.fullmatch(r"[a-z]+", tag), ln
        words.append(word)
    assert len(set(words)) == len(words)
    for required in ("工号", "订单号", "物流单号", "中转站", "到付", "原路退回", "发票抬头", "全额退款"):
        assert required in words, required
