"""The forbidden-phrase checker: matching, allowed contexts, overlaps, positions, rebuilds, accuracy."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from huashu.core.checker import (
    SEVERITY_RANK,
    Checker,
    Finding,
    check_phrases,
    fit_suggestion,
    load_default_rules,
    replacement_end,
    rule_label,
    rule_words,
)
from huashu.core.models import Phrase, Rule, Severity
from huashu.core.normalize import normalize, normalize_pattern, utf16_len

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LABELLED = HERE / "checker_labelled.yaml"


def rule(uid: str, *patterns: str, severity: Severity = "error", **kw: Any) -> Rule:
    return Rule(uid=uid, patterns=patterns, severity=severity, **kw)


@pytest.fixture(scope="module")
def default_rules() -> list[Rule]:
    return load_default_rules()


@pytest.fixture(scope="module")
def default_checker(default_rules: list[Rule]) -> Checker:
    return Checker(default_rules)


def spans(findings: list[Finding]) -> list[tuple[int, int, str, str]]:
    return [(f.start, f.end, f.text, f.rule_uid) for f in findings]


# -- matching ------------------------------------------------------------------------------------


def test_finds_a_phrase_with_its_suggestions() -> None:
    checker = Checker(
        [rule("dont-know", "我不知道", category="推诿", suggestions=("很抱歉，请您稍等一下，我帮您核实。",))]
    )
    [finding] = checker.check("这个我不知道啊")
    assert (finding.start, finding.end, finding.text) == (2, 6, "我不知道")
    assert finding.severity == "error" and finding.category == "推诿"
    assert finding.suggestions == ("很抱歉，请您稍等一下，我帮您核实。",)
    assert finding.message


@pytest.mark.parametrize(
    "text, found",
    [
        ("我 不 知 道", "我 不 知 道"),
        ("我*不*知*道", "我*不*知*道"),
        ("我·不-知_道", "我·不-知_道"),
        ("我~不~知~道", "我~不~知~道"),
        ("我\u200b不\u200b知\u200b道", "我\u200b不\u200b知\u200b道"),
        ("我　不　知　道", "我　不　知　道"),
        ("  我不知道  ", "我不知道"),
        ("這個我不知道", "我不知道"),
        ("我不知道！", "我不知道"),
    ],
)
def test_noise_and_traditional_variants(text: str, found: str) -> None:
    checker = Checker([rule("dont-know", "我不知道")])
    assert [f.text for f in checker.check(text)] == [found]


def test_sentence_punctuation_and_newlines_are_never_skipped() -> None:
    checker = Checker([rule("dont-know", "我不知道")])
    for text in ("我，不知道", "我。不知道", "我不\n知道", "我不?知道", "我不、知道"):
        assert checker.check(text) == [], text


def test_patterns_may_contain_punctuation_in_either_width() -> None:
    checker = Checker([rule("ask-who", "你问我，我问谁")])
    assert spans(checker.check("你问我,我问谁")) == [(0, 7, "你问我,我问谁", "ask-who")]
    assert spans(checker.check("你問我，我問誰？")) == [(0, 7, "你問我，我問誰", "ask-who")]


def test_case_and_width_are_folded() -> None:
    checker = Checker([rule("thx", "3q")])
    assert [f.text for f in checker.check("好的３Ｑ")] == ["３Ｑ"]
    assert [f.text for f in checker.check("好的3Q")] == ["3Q"]


def test_allowed_contexts_drop_hits_wholly_inside_them() -> None:
    checker = Checker([rule("qin", "亲", severity="info", allow=("亲自", "亲切", "父亲", "母亲", "亲属"))])
    assert checker.check("我会亲自跟进，感谢您的亲切问候，您父亲和母亲的亲属卡已办好") == []
    assert [f.start for f in checker.check("亲，我会亲自跟进")] == [0]
    assert checker.check("亲 自") == []  # the allowed context is matched through noise too
    assert [f.text for f in checker.check("親，在的")] == ["親"]


def test_allowed_context_of_one_rule_does_not_hide_another() -> None:
    checker = Checker(
        [
            rule("a", "不知道", severity="warning", allow=("客户不知道",)),
            rule("b", "客户", severity="info"),
        ]
    )
    assert spans(checker.check("客户不知道")) == [(0, 2, "客户", "b")]


def test_overlapping_hits_resolve_to_the_longest() -> None:
    checker = Checker(
        [
            rule("short", "不知道", severity="warning"),
            rule("long", "我不知道", severity="error"),
            rule("ni", "你", severity="info"),
            rule("diy", "你自己去看", severity="error"),
        ]
    )
    assert spans(checker.check("我不知道，你自己去看")) == [
        (0, 4, "我不知道", "long"),
        (5, 10, "你自己去看", "diy"),
    ]
    assert spans(checker.check("不知道，你呢")) == [(0, 3, "不知道", "short"), (4, 5, "你", "ni")]


def test_equal_length_overlaps_prefer_severity_then_position() -> None:
    checker = Checker([rule("w", "abc", severity="warning"), rule("e", "bcd", severity="error")])
    assert spans(checker.check("abcd")) == [(1, 4, "bcd", "e")]
    checker = Checker([rule("x", "abc"), rule("y", "bcd")])
    assert spans(checker.check("abcd")) == [(0, 3, "abc", "x")]


def test_same_pattern_in_two_rules_reports_the_more_severe_once() -> None:
    checker = Checker([rule("i", "差劲", severity="info"), rule("w", "差劲", severity="warning")])
    assert spans(checker.check("很差劲")) == [(1, 3, "差劲", "w")]


def test_regex_rules_run_on_folded_text_with_noise_kept() -> None:
    tilde = rule("tilde", r"~(?:(?<![0-9]~)~*|~*(?![~0-9]))", severity="info", is_regex=True)
    checker = Checker([tilde, rule("dont-know", "我不知道")])
    assert [f.text for f in checker.check("明天发～")] == ["～"]
    assert [f.text for f in checker.check("好的~~")] == ["~~"]
    assert checker.check("预计1~3天送达") == []
    # Inside a literal match the tildes are noise, and the longer hit wins.
    assert spans(checker.check("我~不~知~道")) == [(0, 7, "我~不~知~道", "dont-know")]


def test_regex_source_is_folded_like_the_text() -> None:
    checker = Checker([rule("vague", "可能.{0,4}會到", severity="info", is_regex=True)])
    assert [f.text for f in checker.check("可能明天会到")] == ["可能明天会到"]
    checker = Checker([rule("paren", "（备注）", is_regex=True)])
    assert [f.text for f in checker.check("见(备注)")] == ["(备注)"]


def test_regex_hits_never_span_a_newline_and_respect_allow() -> None:
    checker = Checker([rule("r", "a.b", is_regex=True, allow=("xaxbx",))])
    assert checker.check("a\nb") == []
    assert checker.check("xaxbx") == []
    assert [f.text for f in checker.check("axb")] == ["axb"]


def test_utf16_offsets_for_qt() -> None:
    checker = Checker([rule("dont-know", "我不知道")])
    [finding] = checker.check("😀😀我 不知道")
    assert (finding.start, finding.end) == (2, 7)
    assert (finding.start_utf16, finding.end_utf16) == (4, 9)
    assert finding.to_json() == {
        "start": 2,
        "end": 7,
        "start_utf16": 4,
        "end_utf16": 9,
        "text": "我 不知道",
        "rule": "dont-know",
        "severity": "error",
        "category": "",
        "message": "禁用用语",
        "suggestions": [],
    }


def test_disabled_rules_and_empty_input() -> None:
    checker = Checker([rule("off", "我不知道", enabled=False)])
    assert checker.check("我不知道") == []
    assert Checker([]).check("我不知道") == []
    assert Checker([rule("a", "我")]).check("") == []


def test_unusable_patterns_are_reported_not_raised() -> None:
    checker = Checker(
        [
            rule("bad-regex", "(", is_regex=True),
            rule("empty-regex", "x*", is_regex=True),
            rule("noise-only", "~ *"),
            rule("good", "好", allow=("坏人",)),
        ]
    )
    kinds = {(p.uid, p.kind, p.fatal) for p in checker.problems}
    assert ("bad-regex", "regex", True) in kinds
    assert ("empty-regex", "regex", True) in kinds
    assert ("noise-only", "pattern", True) in kinds
    assert ("good", "allow", False) in kinds
    assert [f.rule_uid for f in checker.check("好")] == ["good"]


def test_problems_name_the_rule_by_its_words_not_a_generated_id() -> None:
    generated = Rule(uid="rule-109298f4e1", patterns=("~ *",), severity="info")
    own = Rule(uid="vague", patterns=("(",), severity="info", is_regex=True)
    many = Rule(uid="rule-0000000000", patterns=("甲", "乙", "丙", "丁"), severity="info", allow=("坏人",))
    messages = [str(p) for p in Checker([generated, own, many]).problems]
    assert messages[0] == "规则“~ *”: 匹配词只有空白或分隔符号: “~ *”"
    assert messages[1].startswith("规则“(”（vague）: 正则表达式有误")
    assert messages[2].startswith("规则“甲、乙、丙 等 4 个”: 例外词不包含任何匹配词")
    assert all("rule-" not in m for m in messages)
    assert rule_label(Rule(uid="x", patterns=(), severity="info")) == "x"


def test_rule_words_give_a_ui_the_words_and_the_count_to_frame_itself() -> None:
    many = Rule(uid="u", patterns=("甲", " ", "乙", "丙", "丁"), severity="info")
    assert rule_words(many, 2) == (("甲", "乙"), 4)
    assert rule_words(Rule(uid="u", patterns=("甲",), severity="info")) == (("甲",), 1)
    assert rule_words(Rule(uid="x", patterns=(), severity="info")) == ((), 0)
    # The command line and pack previews keep their Chinese framing, built from the same words.
    assert rule_label(many, 2) == "甲、乙 等 4 个" and rule_label(many, 4) == "甲、乙、丙、丁"


def test_rule_hits_are_per_rule_before_resolution() -> None:
    checker = Checker([rule("short", "不知道"), rule("long", "我不知道")])
    assert checker.rule_hits("我不知道") == {"long": [(0, 4)], "short": [(1, 4)]}


# -- paragraphs and rebuilds ---------------------------------------------------------------------


def test_check_paragraphs_matches_check_and_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = Checker([rule("dont-know", "我不知道"), rule("ni", "你", severity="info")])
    text = "第一段：你好\n😀第二段我不知道\n\n第三段我 不 知 道"
    assert checker.check_paragraphs(text) == checker.check(text)
    calls: list[str] = []
    original = checker._check

    def counting(state: Any, paragraph: str) -> list[Finding]:
        calls.append(paragraph)
        return original(state, paragraph)

    monkeypatch.setattr(checker, "_check", counting)
    edited = text.replace("第二段", "第二段改")
    assert checker.check_paragraphs(edited) == checker.check(edited)
    assert calls.count("😀第二段改我不知道") == 1
    assert "第一段：你好" not in calls[:1]
    calls.clear()
    checker.check_paragraphs(edited)
    assert calls == []
    checker.rebuild(checker.rules)
    checker.check_paragraphs(edited)
    assert len(calls) == 3  # a rebuild forgets the cache


def test_rebuild_uses_an_overlay_and_matches_a_fresh_build() -> None:
    rules = [rule("a", "我不知道"), rule("b", "不清楚", severity="warning"), rule("c", "亲", allow=("亲自",))]
    checker = Checker(rules)
    base = checker._state.base
    edited = [rules[0], rules[1]._replace(patterns=("不清楚", "不明白")), rules[2], rule("d", "没办法")]
    checker.rebuild(edited)
    assert checker._state.base is base and checker._state.overlay is not None
    text = "我不知道，不明白，没办法，亲自，亲"
    assert spans(checker.check(text)) == spans(Checker(edited).check(text))
    assert checker.rules == edited
    checker.rebuild([edited[1], edited[3]])  # removals too
    assert spans(checker.check(text)) == spans(Checker([edited[1], edited[3]]).check(text))
    checker.compact()
    assert checker._state.overlay is None
    assert spans(checker.check(text)) == spans(Checker([edited[1], edited[3]]).check(text))


_WORDS = ["我", "你", "不", "知道", "亲", "亲自", "不清楚", "没办法", "喂", "喂养", "~", " ", "，", "\n"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.sampled_from(_WORDS[:10]), st.booleans()), max_size=12))
def test_random_rebuild_sequences_match_fresh_builds(edits: list[tuple[int, str, bool]]) -> None:
    rules = [rule(f"r{i}", _WORDS[i]) for i in range(6)]
    checker = Checker(rules)
    text = "我不知道你亲自亲喂养，没办法不清楚\n喂 你~不 知 道"
    for index, word, enabled in edits:
        if index < len(rules):
            rules[index] = rules[index]._replace(patterns=(*rules[index].patterns, word), enabled=enabled)
        else:
            rules.append(rule(f"new{len(rules)}", word, severity="warning", allow=("亲自",)))
        checker.rebuild(rules)
        assert spans(checker.check(text)) == spans(Checker(rules).check(text))


def _reference(rules: list[Rule], text: str) -> list[tuple[int, int, str]]:
    """A slow, obvious implementation of the literal matcher to compare against."""
    norm = normalize(text)
    compact = norm.compact
    hits: list[tuple[int, int, int]] = []
    for slot, r in enumerate(rules):
        allow_spans = []
        for word in {normalize_pattern(a) for a in r.allow} - {""}:
            allow_spans += [(i, i + len(word)) for i in range(len(compact)) if compact.startswith(word, i)]
        for pattern in {normalize_pattern(p) for p in r.patterns} - {""}:
            for i in range(len(compact)):
                if compact.startswith(pattern, i):
                    j = i + len(pattern)
                    if not any(a <= i and j <= b for a, b in allow_spans):
                        s, e = norm.span_to_original(i, j)
                        hits.append((s, e, slot))
    hits.sort(key=lambda h: (h[0] - h[1], SEVERITY_RANK[rules[h[2]].severity], h[0], h[2]))
    taken: list[tuple[int, int, int]] = []
    for s, e, slot in hits:
        if all(e <= ts or te <= s for ts, te, _ in taken):
            taken.append((s, e, slot))
    return sorted((s, e, rules[slot].uid) for s, e, slot in taken)


_PATTERN = st.text(alphabet="ab亲不知 ~", min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(_PATTERN, min_size=1, max_size=3),
            st.sampled_from(["error", "warning", "info"]),
            st.lists(st.text(alphabet="ab亲不知", min_size=2, max_size=4), max_size=2),
        ),
        min_size=1,
        max_size=5,
    ),
    st.text(alphabet="ab亲不知 ~*,\n", max_size=30),
)
def test_matches_the_reference_implementation(
    specs: list[tuple[list[str], Severity, list[str]]], text: str
) -> None:
    rules = [
        rule(f"r{i}", *patterns, severity=severity, allow=tuple(allow))
        for i, (patterns, severity, allow) in enumerate(specs)
    ]
    got = sorted((f.start, f.end, f.rule_uid) for f in Checker(rules).check(text))
    assert got == _reference(rules, text)


_FRAGMENTS = [
    "您好，",
    "我不知道",
    "我 不 知 道",
    "亲，",
    "亲自",
    "你",
    "～",
    "1~3天",
    "😀",
    "\n",
    "可能明天会到",
    "喂养",
    "喂，",
    "這事與我無關",
    "。",
]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12))
def test_check_paragraphs_equals_check(parts: list[str]) -> None:
    checker = _shared_default_checker()
    text = "".join(parts)
    assert checker.check_paragraphs(text) == checker.check(text)
    for f in checker.check(text):
        assert text[f.start : f.end] == f.text
        assert f.start_utf16 == utf16_len(text[: f.start]) and f.end_utf16 == utf16_len(text[: f.end])


_cached: list[Checker] = []


def _shared_default_checker() -> Checker:
    """For hypothesis tests, which cannot take function-scoped fixtures."""
    if not _cached:
        _cached.append(Checker(load_default_rules()))
    return _cached[0]


# -- library check ---------------------------------------------------------------------------------


def _phrase(pid: int, text: str) -> Phrase:
    return Phrase(id=pid, uid=f"p{pid}", category_id=1, category="测试", title=f"话术{pid}", text=text)


def test_check_phrases_returns_only_phrases_with_findings(default_checker: Checker) -> None:
    phrases = [
        _phrase(1, "您好，请问有什么可以帮您？"),
        _phrase(2, "这个我不知道，你自己去问吧"),
        _phrase(3, "[称呼:先生|女士]，您好！"),
    ]
    result = check_phrases(default_checker, phrases)
    assert [p.id for p, _ in result] == [2]
    assert {f.rule_uid for f in result[0][1]} == {"push-off-dont-know", "push-off-do-it-yourself"}


def test_default_library_breaks_none_of_the_default_rules(default_checker: Checker) -> None:
    with open(ROOT / "resources" / "library" / "default_library.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    phrases = [_phrase(i, row["text"]) for i, row in enumerate(rows, 1)]
    bad = [
        (p.text, [(f.text, f.rule_uid) for f in fs])
        for p, fs in check_phrases(default_checker, phrases)
        if any(f.severity != "info" for f in fs)
    ]
    assert bad == []


def test_self_test_sentences(default_checker: Checker) -> None:
    assert default_checker.check("这个我不知道，你自己去问吧")
    assert default_checker.check("您好，很高兴为您服务。") == []


# -- the default rules against the seeds ------------------------------------------------------------

# Every forbidden phrase listed in the source handbooks (resources of the default rules).
SEED_FORBIDDEN = [
    # 服务忌语
    *["喂", "打错了", "不知道", "大声点", "我问你贵姓", "你听清楚没", "你快点讲啦"],
    "喂，你出声啦",
    "你问我，我问谁",
    "慢慢讲，急什么",
    *["有本事就投诉我", "你怎么不早说", "你到底有没有听我讲"],
    "听不见，再讲一次",
    *["刚才不是告诉你了吗", "你为何不提前准备", "我问你手机号码", "你电话太吵我怎么听"],
    "有没有搞错，说那么大声",
    *["你知不知道", "你刚才不是已查过了吗", "我不知道", "我没办法", "我不清楚", "我没有空", "我要下班了"],
    *["你明天再打来", "你自己去看", "你着急什么", "我正忙着呢", "这事不归我管", "这事与我无关"],
    *["你说得不对", "你真罗嗦", "你为何不问清楚", "你怎么这样烦"],
    "喂，有没有声音，说吧",
    "你听我说",
    "什么？听不清，重讲",
    # 禁忌词汇
    "有什么问题吗？",
    "就这样，好吗？",
    "你是不是搞错了？",
    "谁说的？",
    "不是只有你一个人这样子而已",
    "这是我们公司的规定！",
    "我们不是，我们不能",
    "可以做的，我都已经帮你做了",
    "我得先问问看这么做可不可以",
    "那不是我处理的？",
    "我不能",
    "我帮你把电话转给负责这件事的人",
    "没有发票我没办法帮你处理",
    # 绝对禁止说的话
    "我不懂",
    "你爱找谁找谁去",
    "这好像不关我的事",
    "我做不了了",
    "我就这水平，不行，你另请高明吧",
    "我这样服务，已经很不错了，还想怎样",
    "这个很简单，你自己拆装一下就可以，我来教你",
    "这只能这样",
    # 10个客户服务中应避免的错误
    *[
        "我不喜欢",
        "别打扰我",
        "我不喜欢你",
        "我都知道了",
        "你不知道",
        "不喜欢你这种人",
        "别再回来",
        "这不是我的错",
    ],
    # 电话礼仪：不可以说
    "您好，什么事情？",
    "是的，什么事？",
    "喂、喂、听不见！",
    "请讲话，不说话就挂了。",
    "喂，大点声！",
    # 习惯用语、维护公司形象、岗位礼仪规范的错误示例
    "您的名字叫什么？",
    "你必须……",
    "你错了，不是那样的！",
    "如果您需要我的帮助，您必须……",
    "您做的不正确……",
    "您说的不错，这个部门表现很差劲",
    "你这问题我解决不了，找别人吧。",
    "这个问题我不太清楚",
]

# Wrong → right pairs from the handbooks: the wrong one is caught and the right one is suggested.
SEED_PAIRS = [
    ("您的名字叫什么？", "请问您的姓名是？"),
    ("你必须先寄回", "希望您能够"),
    ("你错了，不是那样的！", "抱歉，可能您误会我的意思了"),
    ("如果您需要我的帮助，您必须先登录", "我很愿意帮助您，但首先我需要"),
    ("您做的不正确", "您尝试下这样做是否可以？"),
    ("这个部门表现很差劲", "我完全理解您的感受"),
    ("这个我不知道", "很抱歉，请您稍等一下，我帮您核实"),
    ("你这问题我解决不了，找别人吧。", "您的问题我需要进一步核实，我会尽快联系相关部门为您处理，好吗？"),
    ("可能明天会到。", "根据物流信息，您的包裹预计明天18:00前送达"),
    ("您好，什么事情？", "请问有什么可以帮您？"),
    ("喂，大点声！", "您好"),
    ("亲，你的订单明天才能发~", "您好"),
]


@pytest.mark.parametrize("phrase", SEED_FORBIDDEN)
def test_every_seed_forbidden_phrase_is_caught(default_checker: Checker, phrase: str) -> None:
    findings = default_checker.check(phrase)
    assert findings, phrase
    assert any(f.severity in ("error", "warning") for f in findings), phrase


@pytest.mark.parametrize("wrong, right", SEED_PAIRS)
def test_seed_wrong_right_pairs(default_checker: Checker, wrong: str, right: str) -> None:
    findings = default_checker.check(wrong)
    suggestions = [s for f in findings for s in f.suggestions]
    assert any(right.rstrip("。？！") in s for s in suggestions), (wrong, suggestions)
    assert not [f for f in default_checker.check(right) if f.severity != "info"]


def test_default_rules_are_complete(default_rules: list[Rule], default_checker: Checker) -> None:
    assert len(default_rules) >= 60
    severities = {r.severity for r in default_rules}
    assert severities == {"error", "warning", "info"}
    for r in default_rules:
        assert r.suggestions and r.note and r.category, r.uid
        assert r.must_flag and r.must_not_flag, r.uid
        for suggestion in r.suggestions:  # approved wording must not break the rules itself
            assert not [f for f in default_checker.check(suggestion) if f.severity != "info"], suggestion
    categories = {r.category for r in default_rules}
    assert {"推诿", "质问", "不耐烦", "网络用语", "模糊表述", "称呼"} <= categories


# -- accuracy on the labelled set ----------------------------------------------------------------------


def _labelled() -> list[dict[str, Any]]:
    with open(LABELLED, encoding="utf-8") as handle:
        items = yaml.safe_load(handle)
    assert isinstance(items, list)
    return items


def test_labelled_set_is_big_and_covers_every_rule(default_rules: list[Rule]) -> None:
    items = _labelled()
    assert len(items) >= 150
    kinds = defaultdict(int)
    for item in items:
        kinds[item["kind"]] += 1
    assert all(kinds[k] >= 15 for k in ("clean", "hit", "noise", "traditional", "trap")), dict(kinds)
    uids = {r.uid for r in default_rules}
    expected = {uid for item in items for uid in item["expect"]}
    assert expected <= uids, expected - uids
    assert uids <= expected, f"rules without a labelled hit: {sorted(uids - expected)}"


def test_labelled_accuracy(default_checker: Checker, default_rules: list[Rule]) -> None:
    by_uid = {r.uid: r for r in default_rules}
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    sev_tp: dict[str, int] = defaultdict(int)
    sev_fn: dict[str, int] = defaultdict(int)
    errors: list[str] = []
    for item in _labelled():
        expected = set(item["expect"])
        got = {f.rule_uid for f in default_checker.check(item["text"])}
        for uid in got | expected:
            category = by_uid[uid].category
            severity = by_uid[uid].severity
            if uid in got and uid in expected:
                tp[category] += 1
                sev_tp[severity] += 1
            elif uid in got:
                fp[category] += 1
                errors.append(f"false positive {uid}: {item['text']!r}")
            else:
                fn[category] += 1
                sev_fn[severity] += 1
                errors.append(f"missed {uid}: {item['text']!r}")

    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    def pad(name: str) -> str:  # CJK characters take two columns in a terminal
        return name + " " * max(0, 10 - sum(2 if east_asian_width(ch) in "WF" else 1 for ch in name))

    lines = [f"{'category':<10} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}"]
    for category in sorted(set(tp) | set(fp) | set(fn)):
        t, p, n = tp[category], fp[category], fn[category]
        lines.append(f"{pad(category)} {t:>4} {p:>4} {n:>4} {ratio(t, t + p):>10.1%} {ratio(t, t + n):>8.1%}")
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision = ratio(total_tp, total_tp + total_fp)
    error_recall = ratio(sev_tp["error"], sev_tp["error"] + sev_fn["error"])
    lines.append(
        f"{'overall':<10} {total_tp:>4} {total_fp:>4} {total_fn:>4} {precision:>10.1%} "
        f"{ratio(total_tp, total_tp + total_fn):>8.1%}"
    )
    for severity in ("error", "warning", "info"):
        lines.append(f"recall {severity}: {ratio(sev_tp[severity], sev_tp[severity] + sev_fn[severity]):.1%}")
    print("\n" + "\n".join(lines))
    for line in errors:
        print("  " + line)
    assert error_recall >= 0.98, errors
    assert precision >= 0.98, errors


def test_check_paragraph_offsets_are_relative_to_the_paragraph() -> None:
    checker = Checker([rule("dont-know", "我不知道")])
    assert spans(checker.check_paragraph("这个我不知道")) == [(2, 6, "我不知道", "dont-know")]
    assert checker.check_paragraph("这个我不知道") == checker.check_paragraph("这个我不知道")


def test_benchmark_script_is_importable() -> None:
    """The benchmark's generators work (timings are not asserted in unit tests)."""
    import importlib.util

    path = ROOT / "tests" / "benchmarks" / "bench_checker.py"
    spec = importlib.util.spec_from_file_location("bench_checker", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rules = bench.generate_rules(300)
    assert sum(len(r.patterns) for r in rules) == 300
    draft = bench.make_draft()
    assert len(draft) == 2000
    assert Checker(rules + load_default_rules()).check(draft)
    figures: defaultdict[str, Any] = defaultdict(int, load_before="0", load_after="0")
    assert "p99" in bench.report(figures)


@pytest.mark.parametrize(
    ("text", "found", "suggestion", "fitted"),
    [
        # mid-sentence: the text's comma stays, the suggestion's full stop goes
        ("这个我不知道，这事", "我不知道", "很抱歉，请您稍等。", "很抱歉，请您稍等"),
        # at the end of the text the suggestion keeps its own mark
        ("这个我不知道", "我不知道", "很抱歉，请您稍等。", "很抱歉，请您稍等。"),
        # after a mark, a suggestion that opens with one drops it; ASCII marks count too
        ("好的。我不知道", "我不知道", "，请稍等", "请稍等"),
        ("ok, 我不知道!", "我不知道", "请稍等。", "请稍等"),
        # nothing left would be worse than a doubled mark
        ("我不知道。", "我不知道", "。", "。"),
    ],
)
def test_suggestions_fit_the_punctuation_around_them(
    text: str, found: str, suggestion: str, fitted: str
) -> None:
    start = text.index(found)
    assert fit_suggestion(text, start, start + len(found), suggestion) == fitted


@pytest.mark.parametrize(
    ("text", "found", "suggestion", "after"),
    [
        # a whole-sentence suggestion takes the rest of the clause: no "…回复。什么时候到。"
        (
            "已催促，我不知道什么时候到。",
            "我不知道",
            "这个问题我需要确认一下，稍后给您回复。",
            "已催促，这个问题我需要确认一下，稍后给您回复。",
        ),
        ("我不知道具体原因，但会帮您查", "我不知道", "我需要确认一下。", "我需要确认一下，但会帮您查"),
        ("这个我不知道啊\n还有别的吗", "我不知道", "我帮您核实一下。", "这个我帮您核实一下。\n还有别的吗"),
        # the clause already ends right after the words
        ("我不知道。", "我不知道", "我帮您核实一下。", "我帮您核实一下。"),
        # a word or clause replaces the flagged words only
        ("亲，这个商品很好", "亲", "您好", "您好，这个商品很好"),
        ("你自己去查物流吧", "你自己去查", "我来帮您查询", "我来帮您查询物流吧"),
    ],
)
def test_a_whole_sentence_suggestion_replaces_the_rest_of_its_clause(
    text: str, found: str, suggestion: str, after: str
) -> None:
    start = text.index(found)
    end = replacement_end(text, start, start + len(found), suggestion)
    assert text[:start] + fit_suggestion(text, start, end, suggestion) + text[end:] == after
