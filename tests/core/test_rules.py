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
    RULE_COLUMNS,
    RULE_EXTRA_COLUMNS,
    RuleFileError,
    dump_rules_yaml,
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
        "备注": "note",
        "说明": "note",
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
                "备注": "书面",
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
    assert "pattern 列为空" in reasons[3]
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
    assert result.problems == [(3, "没有违禁词（pattern 列为空）")]
