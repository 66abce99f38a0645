"""Rule files: YAML load/dump, spreadsheet rows, example validation, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huashu.core.checker import load_default_rules
from huashu.core.models import Rule
from huashu.core.rules import (
    RULE_COLUMN_ALIASES,
    RULE_COLUMN_LABELS,
    RULE_COLUMNS,
    RULE_EXTRA_COLUMNS,
    RuleFileError,
    dump_rules_yaml,
    join_list,
    load_rules_yaml,
    make_uid,
    parse_severity,
    rules_from_rows,
    rules_to_rows,
    split_list,
    validate_rules,
)
from huashu.core.spreadsheet import read_table, write_table

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_YAML = ROOT / "resources" / "rules" / "default_rules.yaml"

GOOD = """
version: 1
rules:
  - id: push-off-dont-know
    patterns: [我不知道]
    regex: false
    severity: error
    category: 推诿
    suggestions: [很抱歉，请您稍等一下，我帮您核实。]
    allow: []
    note: 不能对客户说不知道，要及时核实后答复。
    examples:
      flag: [这个我不知道啊]
      ok: [您知道吗]
"""


# -- YAML ----------------------------------------------------------------------------------------


def test_loads_the_documented_format() -> None:
    [rule] = load_rules_yaml(GOOD)
    assert rule == Rule(
        uid="push-off-dont-know",
        patterns=("我不知道",),
        severity="error",
        category="推诿",
        suggestions=("很抱歉，请您稍等一下，我帮您核实。",),
        note="不能对客户说不知道，要及时核实后答复。",
        must_flag=("这个我不知道啊",),
        must_not_flag=("您知道吗",),
    )


def test_default_rules_file_loads_and_round_trips() -> None:
    rules = load_rules_yaml(DEFAULT_YAML.read_text(encoding="utf-8"))
    assert rules == load_default_rules()
    text = dump_rules_yaml(rules)
    assert load_rules_yaml(text) == rules
    assert "我不知道" in text and "\\u" not in text  # readable Chinese, not escapes
    assert "  patterns: [我不知道," in text  # short lists in flow style
    assert text.startswith("version: 1\nrules:\n")


def test_chinese_severities_scalars_and_missing_ids() -> None:
    [a, b] = load_rules_yaml(
        "rules:\n"
        "  - patterns: 你必须\n    severity: 慎用\n    suggestions: 希望您能够\n"
        "  - {id: tilde, patterns: ['~+'], regex: 是, severity: 提示}\n"
    )
    assert (a.patterns, a.severity, a.suggestions) == (("你必须",), "warning", ("希望您能够",))
    assert a.uid == make_uid("你必须") and a.uid.startswith("rule-")
    assert (b.is_regex, b.severity) == (True, "info")


def test_disabled_rules_round_trip() -> None:
    rules = [Rule(uid="x", patterns=("差劲",), severity="warning", enabled=False)]
    text = dump_rules_yaml(rules)
    assert "enabled: false" in text
    assert load_rules_yaml(text) == rules


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("rules: [", "不是有效的 YAML"),
        ("就是一句话", "rules 列表"),
        ("rules: 1", "rules 列表"),
        ("version: 2\nrules: []", "版本 2"),
        ("rules: [abc]", "第 1 条规则"),
        ("rules:\n  - {id: a, severity: error}", "没有匹配词"),
        ("rules:\n  - {id: a, patterns: [x], severity: 严重得很}", "级别“严重得很”无效"),
        ("rules:\n  - {id: a, patterns: [x], severity: error, sugestions: [y]}", "未知字段 sugestions"),
        ("rules:\n  - {id: 中文编号, patterns: [x], severity: error}", "编号“中文编号”"),
        (
            "rules:\n  - {id: a, patterns: [x], severity: error}\n"
            "  - {id: a, patterns: [y], severity: error}",
            "重复",
        ),
        ("rules:\n  - {id: a, patterns: [x], severity: error, examples: [x]}", "examples"),
        ("rules:\n  - {id: a, patterns: [x], severity: error, regex: maybe}", "是/否"),
    ],
)
def test_structural_errors_are_reported_clearly(text: str, fragment: str) -> None:
    with pytest.raises(RuleFileError) as info:
        load_rules_yaml(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_every_structural_problem_is_listed_at_once() -> None:
    with pytest.raises(RuleFileError) as info:
        load_rules_yaml("rules:\n  - {id: a, severity: error}\n  - {id: b, patterns: [x], severity: bad}\n")
    assert len(info.value.problems) == 2


def test_a_file_whose_examples_fail_does_not_load_and_names_the_rules() -> None:
    text = """
rules:
  - id: qin
    patterns: [亲]
    severity: info
    allow: [亲自]
    examples: {flag: [亲，在的], ok: [我会亲自处理, 感谢您的亲切问候]}
  - id: dont-know
    patterns: [我不知道]
    severity: error
    examples: {flag: [我 不 知 道, 我不清楚], ok: []}
  - id: fine
    patterns: [差劲]
    severity: warning
    examples: {flag: [很差劲], ok: [很好]}
"""
    with pytest.raises(RuleFileError) as info:
        load_rules_yaml(text)
    message = str(info.value)
    assert "qin" in message and "dont-know" in message and "fine" not in message.split("\n")[0]
    assert "感谢您的亲切问候" in message and "我不清楚" in message
    assert len(info.value.problems) == 2
    # Without validation the same file loads (for an editor that shows the problems itself).
    assert [r.uid for r in load_rules_yaml(text, validate=False)] == ["qin", "dont-know", "fine"]


def test_bad_regex_fails_validation() -> None:
    with pytest.raises(RuleFileError, match="正则表达式有误"):
        load_rules_yaml("rules:\n  - {id: r, patterns: ['(可能'], regex: true, severity: info}")


def test_validate_rules_reports_kinds() -> None:
    rules = [
        Rule(uid="a", patterns=("亲",), severity="info", allow=("坏人",), must_flag=("亲",)),
        Rule(uid="a", patterns=("亲",), severity="info"),
        Rule(uid="b", patterns=(), severity="error"),
        Rule(uid="c", patterns=("我不知道",), severity="error", must_not_flag=("我不知道",), enabled=False),
    ]
    problems = {(p.uid, p.kind, p.fatal) for p in validate_rules(rules)}
    assert ("a", "allow", False) in problems
    assert ("a", "duplicate", True) in problems
    assert ("b", "pattern", True) in problems
    assert ("c", "must_not_flag", True) in problems  # disabled rules are validated too
    assert validate_rules(load_default_rules()) == []


_TEXT = (
    st.text(alphabet="我不知道亲~*:#-|'\"{}[],，。? yes123@=", min_size=1, max_size=8)
    | st.sampled_from(["no", "null", "true", "1.5", "- x", "a: b", "#c", "~"])
).filter(lambda s: s.strip() == s and bool(s))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            Rule,
            uid=st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
            patterns=st.lists(_TEXT, min_size=1, max_size=3).map(tuple),
            severity=st.sampled_from(["error", "warning", "info"]),
            category=_TEXT | st.just(""),
            suggestions=st.lists(_TEXT, max_size=2).map(tuple),
            allow=st.lists(_TEXT, max_size=2).map(tuple),
            note=_TEXT | st.just(""),
            must_flag=st.lists(_TEXT, max_size=2).map(tuple),
            must_not_flag=st.lists(_TEXT, max_size=2).map(tuple),
            enabled=st.booleans(),
            is_regex=st.just(False),
            origin=st.just("personal"),
            pack_id=st.none(),
        ),
        max_size=4,
        unique_by=lambda r: r.uid,
    )
)
def test_yaml_round_trip_of_any_rules(rules: list[Rule]) -> None:
    assert load_rules_yaml(dump_rules_yaml(rules), validate=False) == rules


# -- spreadsheet rows ----------------------------------------------------------------------------


def test_column_aliases_cover_the_documented_headers() -> None:
    expected = {
        "违禁词": "pattern",
        "忌语": "pattern",
        "关键词": "pattern",
        "级别": "severity",
        "严重程度": "severity",
        "建议": "suggestion",
        "推荐用语": "suggestion",
        "替换": "suggestion",
        "例外": "allow",
        "允许": "allow",
        "分类": "category",
        "类别": "category",
        "说明": "note",  # shown to agents with the finding
        "备注": "remark",  # the explanation without a 说明 column, else the lead's own remark
    }
    for header, canonical in expected.items():
        assert RULE_COLUMN_ALIASES[header] == canonical
    for column in (*RULE_COLUMNS, *RULE_EXTRA_COLUMNS):
        assert RULE_COLUMN_ALIASES[column] == column
    assert RULE_COLUMNS == ("pattern", "severity", "suggestion", "allow", "category", "note")


def test_parse_severity_and_split_list() -> None:
    assert [parse_severity(v) for v in ("禁用", "慎用", "提示", "ERROR", " warning ")] == [
        "error",
        "warning",
        "info",
        "error",
        "warning",
    ]
    with pytest.raises(ValueError, match="级别"):
        parse_severity("很严重")
    assert split_list("亲自 | 亲切｜父亲||") == ("亲自", "亲切", "父亲")
    assert split_list("  ") == ()


def test_rows_with_chinese_headers() -> None:
    result = rules_from_rows(
        [
            {
                "违禁词": "亲",
                "级别": "提示",
                "建议": "您好|您",
                "例外": "亲自|亲切",
                "分类": "网络用语",
                "说明": "书面",
            },
            {"违禁词": "我不知道|我也不知道", "级别": "禁用", "建议": "很抱歉，我帮您核实", "分类": "推诿"},
            {"忌语": "你必须", "严重程度": "慎用", "替换": "希望您能够"},
        ]
    )
    assert result.ok and result.warnings == []
    qin, dont_know, must = result.rules
    assert (qin.patterns, qin.severity, qin.suggestions, qin.allow) == (
        ("亲",),
        "info",
        ("您好", "您"),
        ("亲自", "亲切"),
    )
    assert (qin.category, qin.note) == ("网络用语", "书面")
    assert dont_know.patterns == ("我不知道", "我也不知道") and dont_know.severity == "error"
    assert (must.severity, must.suggestions) == ("warning", ("希望您能够",))
    assert all(r.uid == make_uid(r.patterns[0]) for r in result.rules)


def test_row_problems_are_reported_per_row_and_the_rest_imported() -> None:
    rows = [
        {"pattern": "我不知道", "severity": "error"},
        {"pattern": "", "severity": "error", "note": "只有备注"},
        {"pattern": "差劲", "severity": "很严重"},
        {"pattern": "re:(可能", "severity": "info"},
        {"pattern": "~ *", "severity": "info"},
        {"pattern": "我不知道", "severity": "warning"},
        {"pattern": "  ", "severity": "", "note": ""},  # blank row: skipped silently
        {"pattern": "没办法", "severity": ""},
        {"pattern": "亲", "severity": "info", "allow": "亲自", "flag": "亲，在的", "ok": "我会亲自处理|亲切"},
        {"pattern": "你必须", "severity": "warning", "enabled": "也许"},
    ]
    result = rules_from_rows(rows)
    assert [r.patterns[0] for r in result.rules] == ["我不知道", "没办法"]
    lines = [line for line, _ in result.problems]
    assert lines == [3, 4, 5, 6, 7, 10, 11]
    reasons = dict(result.problems)
    assert reasons[3] == "“违禁词”列为空"  # named in Chinese, never "pattern"
    assert "级别“很严重”无效" in reasons[4]
    assert "正则表达式有误" in reasons[5]
    assert "空白或分隔符号" in reasons[6]
    assert "与第 2 行重复" in reasons[7]
    assert "不应标记的示例被标记了" in reasons[10] and "亲切" in reasons[10]
    assert "是/否" in reasons[11]
    assert result.warnings == [(9, "级别为空，按“慎用 (warning)”导入")]
    assert result.rules[1].severity == "warning"
    assert not result.ok
    assert result.to_json()["rules"] == 2


def test_rows_sharing_an_id_are_one_rule() -> None:
    result = rules_from_rows(
        [
            {"id": "vague", "pattern": "re:可能.{0,6}会到", "severity": "info", "flag": "可能明天会到"},
            {
                "id": "vague",
                "pattern": "大概.{0,6}到货",
                "regex": "是",
                "severity": "info",
                "flag": "大概三天到货",
            },
            {"id": "vague", "pattern": "也许", "severity": "error"},
        ],
        lines=[5, 9, 12],
    )
    [vague] = result.rules
    assert vague.is_regex and vague.patterns == ("可能.{0,6}会到", "大概.{0,6}到货")
    assert vague.must_flag == ("可能明天会到", "大概三天到货")
    assert [line for line, _ in result.problems] == [12]
    assert "同一编号是同一条规则" in result.problems[0][1]


def test_rows_round_trip_the_default_rules() -> None:
    rules = load_default_rules()
    rows = rules_to_rows(rules)
    assert list(rows[0]) == [*RULE_COLUMNS, *RULE_EXTRA_COLUMNS]
    assert rows[0]["pattern"].startswith("我不知道|")
    result = rules_from_rows(rows)
    assert result.problems == [] and result.warnings == []
    assert result.rules == rules
    labelled = rules_to_rows(rules, labels=True)
    assert {row["severity"] for row in labelled} == {"禁用", "慎用", "提示"}
    assert rules_from_rows(labelled).rules == rules


def test_multi_regex_and_disabled_rules_round_trip() -> None:
    rules = [
        Rule(uid="r", patterns=("a+b", "c|d"), severity="info", is_regex=True, must_flag=("ab", "c")),
        Rule(uid="off", patterns=("差劲",), severity="warning", enabled=False),
    ]
    rows = rules_to_rows(rules)
    assert [row["pattern"] for row in rows] == ["a+b", "c|d", "差劲"]
    assert rules_from_rows(rows).rules == rules


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_spreadsheet_files_round_trip(tmp_path: Path, suffix: str) -> None:
    rules = load_default_rules()
    path = tmp_path / f"rules{suffix}"
    write_table(path, [*RULE_COLUMNS, *RULE_EXTRA_COLUMNS], rules_to_rows(rules))
    table = read_table(path, aliases=RULE_COLUMN_ALIASES, required=("pattern",))
    result = rules_from_rows([row.values for row in table.rows], lines=[row.line for row in table.rows])
    assert result.problems == []
    assert result.rules == rules


def test_a_lead_sheet_with_chinese_headers(tmp_path: Path) -> None:
    path = tmp_path / "忌语.csv"
    path.write_text(
        "违禁词,级别,建议,例外,分类,备注\n"
        "喂,禁用,您好,喂养|喂奶,称呼,不要用“喂”开头\n"
        ",慎用,,,,\n"
        "亲,提示,您好,亲自|亲切|父亲,网络用语,\n",
        encoding="gbk",
    )
    table = read_table(path, aliases=RULE_COLUMN_ALIASES, required=("pattern",))
    result = rules_from_rows([row.values for row in table.rows], lines=[row.line for row in table.rows])
    assert [r.patterns for r in result.rules] == [("喂",), ("亲",)]
    assert result.rules[0].allow == ("喂养", "喂奶")
    assert result.problems == [(3, "“违禁词”列为空")]
    # With no 说明 column, 备注 is the explanation agents read: nothing the lead wrote is dropped.
    assert result.rules[0].note == "不要用“喂”开头"
    assert result.warnings == []


# -- list cells: the separators leads type ------------------------------------------------------


def test_patterns_and_exceptions_split_on_the_separators_leads_type() -> None:
    result = rules_from_rows(
        [
            {"忌语": "搞不定；弄不了", "级别": "慎用"},
            {"忌语": "亲", "级别": "提示", "例外": "亲自、亲切、父亲"},
            {"忌语": "随便;无所谓\n爱咋咋地", "级别": "慎用", "例外": "随便看看\n随便问问"},
        ]
    )
    assert result.ok and result.warnings == []
    give_up, qin, whatever = result.rules
    assert give_up.patterns == ("搞不定", "弄不了")
    assert qin.allow == ("亲自", "亲切", "父亲")
    assert whatever.patterns == ("随便", "无所谓", "爱咋咋地")
    assert whatever.allow == ("随便看看", "随便问问")


def test_exceptions_written_with_dunhao_apply() -> None:
    from huashu.core.checker import Checker

    [qin] = rules_from_rows([{"忌语": "亲", "级别": "提示", "例外": "亲自、亲切、父亲"}]).rules
    checker = Checker([qin])
    assert checker.check("我会亲自处理，感谢您父亲的理解") == []
    assert [f.text for f in checker.check("亲，在的")] == ["亲"]


def test_sentences_keep_their_punctuation() -> None:
    """Suggestions and examples are sentences: 、 and ； inside them are punctuation."""
    [rule] = rules_from_rows(
        [
            {
                "忌语": "你自己去查",
                "级别": "禁用",
                "建议": "请提供订单号、手机号，我帮您查询；请稍等",
                "应标记示例": "你自己去查、别问我",
                "不应标记示例": "我帮您查；您稍等",
            }
        ]
    ).rules
    assert rule.suggestions == ("请提供订单号、手机号，我帮您查询；请稍等",)
    assert rule.must_flag == ("你自己去查、别问我",)
    assert rule.must_not_flag == ("我帮您查；您稍等",)
    [two] = rules_from_rows(
        [{"忌语": "没办法", "级别": "禁用", "建议": "我帮您想办法\n我马上为您处理"}]
    ).rules
    assert two.suggestions == ("我帮您想办法", "我马上为您处理")


def test_a_regex_is_never_split() -> None:
    [rule] = rules_from_rows([{"pattern": "re:不(行|可以)[、；;]", "severity": "info"}]).rules
    assert rule.is_regex and rule.patterns == ("不(行|可以)[、；;]",)


def test_mixed_separators_keep_the_item_whole_and_say_so() -> None:
    result = rules_from_rows([{"忌语": "搞不定；弄不了|没法弄", "级别": "慎用"}])
    assert result.rules[0].patterns == ("搞不定；弄不了", "没法弄")
    [(line, message)] = result.warnings
    assert line == 2 and "搞不定；弄不了" in message and "“；”" in message and "忌语" in message


@pytest.mark.parametrize(
    ("items", "separators"),
    [(("一、二",), "、；;\n"), (("一、二", "三"), "、；;\n"), (("甲\n乙",), "\n"), (("a", "b"), "、")],
)
def test_join_list_reads_back_exactly(items: tuple[str, ...], separators: str) -> None:
    assert split_list(join_list(items, separators), separators) == items


def test_rows_round_trip_items_holding_separators(tmp_path: Path) -> None:
    rules = [
        Rule(
            uid="sep",
            patterns=("一、二", "三；四"),
            severity="warning",
            suggestions=("第一句\n第二句",),
            allow=("一、二三",),
            must_flag=("一、二",),
        ),
        Rule(uid="one", patterns=("搞不定；弄不了",), severity="info"),
    ]
    rows = rules_to_rows(rules)
    result = rules_from_rows(rows)
    assert result.rules == rules and result.warnings == [] and result.problems == []
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"sep{suffix}"
        write_table(path, [*RULE_COLUMNS, *RULE_EXTRA_COLUMNS], rows)
        table = read_table(path, aliases=RULE_COLUMN_ALIASES, required=("pattern",))
        again = rules_from_rows([row.values for row in table.rows], lines=[row.line for row in table.rows])
        assert again.rules == rules and again.warnings == [], suffix


# -- messages a lead reads ----------------------------------------------------------------------


def test_messages_name_columns_as_the_lead_wrote_them() -> None:
    result = rules_from_rows([{"忌语": "", "级别": "禁用", "建议": "您好"}])
    assert result.problems == [(2, "“忌语”列为空")]
    # Rows keyed by canonical names (read_table) name the lead's header when it is given ...
    result = rules_from_rows([{"pattern": "", "severity": "error"}], headers={"pattern": "服务忌语"})
    assert result.problems == [(2, "“服务忌语”列为空")]
    # ... and otherwise the column's Chinese name, never "pattern".
    assert rules_from_rows([{"pattern": "", "severity": "error"}]).problems == [(2, "“违禁词”列为空")]
    assert all(label.isascii() is False for label in RULE_COLUMN_LABELS.values())


def test_problems_name_a_rule_by_its_words() -> None:
    rows = [{"忌语": "我不知道", "级别": "禁用", "应标记示例": "我不清楚"}]
    [(line, message)] = rules_from_rows(rows).problems
    assert line == 2 and message.startswith("规则“我不知道”: 应标记的示例没有被标记")
    assert "rule-" not in message
    # An id the lead chose is worth naming next to the words.
    rows = [{"编号": "dont-know", "忌语": "我不知道", "级别": "禁用", "应标记示例": "我不清楚"}]
    assert rules_from_rows(rows).problems[0][1].startswith("规则“我不知道”（dont-know）")


def test_remark_column_is_not_the_message_agents_see() -> None:
    result = rules_from_rows(
        [
            {"忌语": "不可能", "级别": "禁止", "说明": "绝对化用语会让客户反感", "备注": "级别写成'禁止'"},
            {"忌语": "你听不懂吗", "级别": "严重", "说明": "", "备注": "级别写成'严重'"},
        ]
    )
    assert result.ok
    impossible, deaf = result.rules
    assert impossible.note == "绝对化用语会让客户反感"
    assert deaf.note == ""
    # Said once, where the first remark is, with what to do instead.
    [(line, message)] = result.warnings
    assert line == 2 and "备注" in message and "说明" in message


# -- rules of team packs in a lead's file -------------------------------------------------------


def test_pack_rules_in_an_exported_sheet_are_skipped_with_a_note() -> None:
    rows = rules_to_rows(
        [
            Rule(
                uid="hq/rule-0123456789", patterns=("随便",), severity="warning", origin="pack", pack_id="hq"
            ),
            Rule(uid="mine", patterns=("没办法",), severity="error"),
        ]
    )
    result = rules_from_rows(rows)
    assert result.ok
    assert [r.uid for r in result.rules] == ["mine"]
    [(line, message)] = result.warnings
    assert line == 2 and "随便" in message and "hq" in message and "跳过" in message


def test_pack_rules_in_an_exported_yaml_are_skipped_with_a_note() -> None:
    text = dump_rules_yaml(
        [
            Rule(uid="hq/x", patterns=("随便",), severity="warning"),
            Rule(uid="mine", patterns=("没办法",), severity="error"),
        ]
    )
    skipped: list[str] = []
    assert [r.uid for r in load_rules_yaml(text, skipped=skipped)] == ["mine"]
    assert len(skipped) == 1 and "随便" in skipped[0] and "hq" in skipped[0]
    # A bad id is still an error, not a pack rule.
    with pytest.raises(RuleFileError, match="编号"):
        load_rules_yaml("rules:\n  - {id: 'a/b/c', patterns: [x], severity: info}")
