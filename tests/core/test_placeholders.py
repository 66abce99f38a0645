"""Tests for the placeholder engine: syntax, errors, filling, built-ins and legacy conversion."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huashu.core.placeholders import (
    BUILTIN_FIELD_NAMES,
    ISSUE_DETAILS,
    MAX_NAME_LENGTH,
    Field,
    FillResult,
    LegacyConversion,
    LegacyField,
    PlaceholderError,
    PlaceholderIssue,
    Template,
    builtin_values,
    convert_legacy,
    convert_markers,
    escape,
    field_names,
    fill,
    parse,
    validate,
)


def codes(text: str) -> list[tuple[str, int]]:
    return [(issue.code, issue.position) for issue in validate(text)]


def only_field(text: str) -> Field:
    fields = parse(text).fields
    assert len(fields) == 1
    return fields[0]


# --- syntax --------------------------------------------------------------------------------------


def test_plain_field() -> None:
    template = parse("您好，[名字]！")
    assert template.source == "您好，[名字]！"
    assert template.parts == ("您好，", Field("名字", None, (), 3, 7), "！")
    assert template.field_names == ("名字",)


def test_slash_name_is_one_field() -> None:
    field = only_field("我是[您的名字/工号]，很高兴为您服务")
    assert field.name == "您的名字/工号"
    assert field_names("我是[您的名字/工号]") == ("您的名字/工号",)


def test_seed_fields_with_slashes_and_digits() -> None:
    text = "关于[产品/服务名称],它的主要特点是[简要说明1]、[简要说明2]。它适合[目标用户/场景]"
    assert field_names(text) == ("产品/服务名称", "简要说明1", "简要说明2", "目标用户/场景")


def test_default() -> None:
    field = only_field("[称呼=先生]")
    assert (field.name, field.default, field.choices) == ("称呼", "先生", ())


def test_choices() -> None:
    field = only_field("[称呼:先生|女士]")
    assert (field.name, field.default, field.choices) == ("称呼", None, ("先生", "女士"))


def test_choices_and_default() -> None:
    field = only_field("[称呼:先生|女士=女士]")
    assert (field.name, field.default, field.choices) == ("称呼", "女士", ("先生", "女士"))


def test_whitespace_is_stripped() -> None:
    field = only_field("[ 称呼 : 先生 | 女士 = 先生 ]")
    assert (field.name, field.default, field.choices) == ("称呼", "先生", ("先生", "女士"))
    assert (field.start, field.end) == (0, 21)


def test_default_may_contain_colon_and_choices_may_too() -> None:
    assert only_field("[时间=14:00]").default == "14:00"
    assert only_field("[时间:9:00|10:00]").choices == ("9:00", "10:00")
    assert only_field("[时间:9:00|10:00=10:00]").default == "10:00"


def test_empty_default_is_allowed() -> None:
    field = only_field("[备注=]")
    assert field.default == ""
    assert fill("a[备注=]b", {}).text == "ab"


def test_name_may_hold_other_characters() -> None:
    assert only_field("[订单号 (12位)]").name == "订单号 (12位)"
    assert only_field("[a/b-c_d.e]").name == "a/b-c_d.e"


def test_name_length_limit() -> None:
    assert only_field("[" + "字" * MAX_NAME_LENGTH + "]").name == "字" * MAX_NAME_LENGTH
    assert codes("[" + "字" * (MAX_NAME_LENGTH + 1) + "]") == [("name_too_long", 0)]
    # The limit applies after stripping.
    assert only_field("[  " + "a" * MAX_NAME_LENGTH + "  ]").name == "a" * MAX_NAME_LENGTH


def test_spans() -> None:
    fields = parse("ab[x]c[y=1]").fields
    assert [(f.start, f.end) for f in fields] == [(2, 5), (6, 11)]


def test_fields_and_field_names() -> None:
    template = parse("[b][a][b=2][c:x|y]")
    assert [f.name for f in template.fields] == ["b", "a", "b", "c"]
    assert template.field_names == ("b", "a", "c")


def test_escapes() -> None:
    assert parse("[[注意]]").parts == ("[注意]",)
    assert parse("a[[b").parts == ("a[b",)
    assert parse("a]]b").parts == ("a]b",)
    assert parse("[[[名字]]]").parts == ("[", Field("名字", None, (), 2, 6), "]")
    assert parse("[[[[").parts == ("[[",)


def test_close_after_field_then_escape() -> None:
    # The first ']' closes the field, like '}' in str.format.
    assert parse("[a]]]").parts == (Field("a", None, (), 0, 3), "]")
    assert codes("[a]]") == [("stray_close", 3)]


def test_fullwidth_brackets_are_literal() -> None:
    assert parse("【重要】请勿【回复】").parts == ("【重要】请勿【回复】",)
    assert parse("【[名字]】").parts == ("【", Field("名字", None, (), 1, 5), "】")
    assert codes("【") == []


def test_plain_text_and_empty() -> None:
    assert parse("").parts == ()
    assert parse("没有字段").parts == ("没有字段",)
    assert parse("").field_names == ()


def test_canonical() -> None:
    assert only_field("[ 称呼 : 先生 | 女士 = 先生 ]").canonical == "[称呼:先生|女士=先生]"
    assert only_field("[a]").canonical == "[a]"
    assert only_field("[a=]").canonical == "[a=]"
    assert only_field("[时间=14:00]").canonical == "[时间=14:00]"


def test_escape_helper() -> None:
    assert escape("a[b]c") == "a[[b]]c"
    assert parse(escape("[x] ]] [[")).parts == ("[x] ]] [[",)


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[", [("unclosed", 0)]),
        ("ab[名字", [("unclosed", 2)]),
        ("[名字\n]", [("unclosed", 0), ("stray_close", 4)]),
        ("[a[b]", [("unclosed", 0)]),
        ("]", [("stray_close", 0)]),
        ("ab]c", [("stray_close", 2)]),
        ("[]", [("empty", 0)]),
        ("x[  ]", [("empty", 1)]),
        ("[=x]", [("empty_name", 0)]),
        ("[:a|b]", [("empty_name", 0)]),
        ("[ :a|b=a]", [("empty_name", 0)]),
        ("[a:x||y]", [("empty_choice", 5)]),
        ("[a: |y]", [("empty_choice", 3)]),
        ("[a:x|]", [("empty_choice", 5)]),
        ("[a:]", [("empty_choice", 3)]),
        ("[a:=x]", [("empty_choice", 3)]),
        ("[" + "a" * 41 + "]", [("name_too_long", 0)]),
        ("[称呼:先生|女士=老师]", [("bad_default", 9)]),
        ("[称呼:先生|女士=]", [("bad_default", 9)]),
        ("[a|b]", [("bad_name", 0)]),
        ("[a|b:c]", [("bad_name", 0)]),
    ],
)
def test_error_codes_and_positions(text: str, expected: list[tuple[str, int]]) -> None:
    assert codes(text) == expected
    with pytest.raises(PlaceholderError) as info:
        parse(text)
    assert [(i.code, i.position) for i in info.value.issues] == expected


def test_field_level_errors_can_stack() -> None:
    assert codes("[:x||y]") == [("empty_name", 0), ("empty_choice", 4)]


def test_validate_continues_after_errors() -> None:
    text = "]您好[]，[名字]，[=x] [a:x||y] [未闭合\n[b:c|d=e] 结尾["
    assert codes(text) == [
        ("stray_close", 0),
        ("empty", 3),
        ("empty_name", 11),
        ("empty_choice", 21),
        ("unclosed", 25),
        ("bad_default", 36),
        ("unclosed", 42),
    ]
    assert [issue.position for issue in validate(text)][2:] == [
        text.index("[=x]"),
        text.index("||") + 1,
        text.index("[未"),
        text.index("=e"),
        len(text) - 1,
    ]


def test_unclosed_resumes_at_next_bracket() -> None:
    assert codes("[a [b] [c") == [("unclosed", 0), ("unclosed", 7)]
    with pytest.raises(PlaceholderError):
        parse("[a [b]")


def test_valid_text_has_no_issues() -> None:
    assert validate("[称呼:先生|女士=先生]您好，[[备注]] 【提示】") == []


def test_issue_messages() -> None:
    for text in ["[", "]", "[]", "[=x]", "[a:x||y]", "[" + "a" * 41 + "]", "[a:b=c]", "[a|b]"]:
        (issue,) = validate(text)
        assert isinstance(issue, PlaceholderIssue)
        assert issue.message and issue.message_zh and issue.message != issue.message_zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in issue.message_zh)
    (issue,) = validate("[称呼:先生|女士=老师]")
    assert "老师" in issue.message and "称呼" in issue.message
    assert "老师" in issue.message_zh and "称呼" in issue.message_zh


def test_issues_carry_the_values_their_messages_name() -> None:
    """A UI in another language words an issue from its code and details, not from message_zh."""
    (issue,) = validate("[称呼:先生|女士=老师]")
    assert issue.code == "bad_default" and issue.details == (("name", "称呼"), ("default", "老师"))
    assert issue.detail("default") == "老师" and issue.detail("missing") == ""
    (issue,) = validate("[a:x||y]")
    assert issue.details == (("name", "a"),)
    (issue,) = validate("[" + "长" * (MAX_NAME_LENGTH + 1) + "]")
    assert issue.details == (("limit", str(MAX_NAME_LENGTH)),) and str(MAX_NAME_LENGTH) in issue.message_zh
    for text in ["[", "]", "[]", "[=x]", "[a|b]"]:
        (issue,) = validate(text)
        assert [key for key, _ in issue.details] == list(ISSUE_DETAILS[issue.code])
        assert all(value in issue.message_zh for _, value in issue.details)


def test_error_str_mentions_first_issue_and_position() -> None:
    with pytest.raises(PlaceholderError) as info:
        parse("abc] [")
    error = info.value
    assert isinstance(error, ValueError)
    assert "position 3" in str(error)
    assert "]" in str(error)
    assert "1 more" in str(error)


def test_field_names_raises_on_invalid() -> None:
    with pytest.raises(PlaceholderError):
        field_names("[]")


# --- fill ----------------------------------------------------------------------------------------


def test_fill_values() -> None:
    result = fill("您好[称呼]，我是[名字]", {"称呼": "王先生", "名字": "小李"})
    assert result == FillResult("您好王先生，我是小李", (), {"称呼": "王先生", "名字": "小李"})
    assert result.complete


def test_fill_accepts_template() -> None:
    assert fill(parse("[a]!"), {"a": "x"}).text == "x!"


def test_fill_strips_values_and_ignores_blank() -> None:
    result = fill("[a=默认]", {"a": "   "})
    assert result.text == "默认"
    assert fill("[a]", {"a": " x \n"}).text == "x"


def test_fill_priority_values_builtins_default() -> None:
    text = "[名字=无名]"
    assert fill(text, {"名字": "甲"}, builtins={"名字": "乙"}).text == "甲"
    assert fill(text, {"名字": ""}, builtins={"名字": "乙"}).text == "乙"
    assert fill(text, {}, builtins={"名字": " "}).text == "无名"
    assert fill(text, {}).text == "无名"
    assert fill(text, {}).used == {"名字": "无名"}


def test_fill_choices() -> None:
    assert fill("[称呼:先生|女士=女士]", {}).text == "女士"
    assert fill("[称呼:先生|女士]", {"称呼": "先生"}).text == "先生"
    # Agents may type something that is not offered.
    assert fill("[称呼:先生|女士]", {"称呼": "老师"}).text == "老师"
    result = fill("[称呼:先生|女士]您好", {})
    assert result.missing == ("称呼",)
    assert not result.complete


def test_fill_same_field_twice() -> None:
    assert fill("[a]-[a=z]", {"a": "x"}).text == "x-x"
    assert fill("[a]-[a=z]", {}).text == "[a]-z"


def test_fill_complete_unescapes_literals() -> None:
    result = fill("[[注意]] [a] 【提示】", {"a": "[值]"})
    assert result.text == "[注意] [值] 【提示】"
    assert result.complete


def test_fill_partial_is_a_valid_template() -> None:
    source = "[[注意]] [ 称呼 : 先生 | 女士 ]，我是[名字]，[时间=14:00] [备注] [x]"
    result = fill(source, {"名字": "小李", "x": "a]b"})
    assert result.missing == ("称呼", "备注")
    assert result.used == {"名字": "小李", "时间": "14:00", "x": "a]b"}
    assert result.text == "[[注意]] [称呼:先生|女士]，我是小李，14:00 [备注] a]]b"
    again = parse(result.text)
    assert again.field_names == ("称呼", "备注")
    final = fill(again, {"称呼": "先生", "备注": "无"})
    assert final.text == "[注意] 先生，我是小李，14:00 无 a]b"
    assert final.complete


def test_fill_missing_in_order_without_duplicates() -> None:
    result = fill("[b][a][b][c=1]", {})
    assert result.missing == ("b", "a")
    assert result.used == {"c": "1"}


def test_fill_plain_and_empty() -> None:
    assert fill("", {}) == FillResult("", (), {})
    assert fill("无字段", {"a": "b"}).text == "无字段"


def test_fill_invalid_raises() -> None:
    with pytest.raises(PlaceholderError):
        fill("[名字", {})


# --- builtin_values ------------------------------------------------------------------------------

NOW = datetime(2026, 11, 23, 14, 5)


def test_builtin_values_full_profile() -> None:
    values = builtin_values({"名字": "小李", "工号": "1024", "公司": "科信", "门店": "福州店"}, NOW)
    for key in ("名字", "我的名字", "您的名字", "客服名字", "姓名"):
        assert values[key] == "小李"
    for key in ("工号", "您的工号", "我的工号"):
        assert values[key] == "1024"
    for key in ("公司", "公司名称", "您的公司"):
        assert values[key] == "科信"
    for key in ("门店", "门店名称", "店名"):
        assert values[key] == "福州店"
    for key in ("您的名字/工号", "名字/工号", "姓名/工号"):
        assert values[key] == "小李（工号 1024）"
    assert values["今天"] == "2026年11月23日"
    assert values["明天"] == "2026年11月24日"
    assert values["当前时间"] == "14:05"
    assert "日期" not in values
    assert set(values) == BUILTIN_FIELD_NAMES


def test_builtin_values_english_aliases() -> None:
    values = builtin_values({"name": "Amy", "employee_id": "7", "company": "C", "store": "S"}, NOW)
    assert (values["名字"], values["工号"], values["公司"], values["门店"]) == ("Amy", "7", "C", "S")


def test_builtin_values_chinese_key_wins_and_blank_falls_back() -> None:
    assert builtin_values({"名字": "小李", "name": "Amy"}, NOW)["名字"] == "小李"
    assert builtin_values({"名字": "  ", "name": "Amy"}, NOW)["名字"] == "Amy"


def test_builtin_values_only_name_or_only_id() -> None:
    only_name = builtin_values({"名字": "小李"}, NOW)
    assert only_name["您的名字/工号"] == "小李"
    assert "工号" not in only_name
    only_id = builtin_values({"工号": "1024"}, NOW)
    assert only_id["您的名字/工号"] == "工号 1024"
    assert "名字" not in only_id


def test_builtin_values_empty_profile_has_only_clock() -> None:
    assert builtin_values({}, NOW) == {
        "今天": "2026年11月23日",
        "明天": "2026年11月24日",
        "当前时间": "14:05",
    }
    assert builtin_values({"公司": "", "门店": "  "}, NOW).keys() == {"今天", "明天", "当前时间"}


@pytest.mark.parametrize(
    ("now", "today", "tomorrow", "clock"),
    [
        (datetime(2026, 12, 31, 23, 59), "2026年12月31日", "2027年1月1日", "23:59"),
        (datetime(2026, 1, 31, 0, 0), "2026年1月31日", "2026年2月1日", "00:00"),
        (datetime(2028, 2, 28, 9, 7), "2028年2月28日", "2028年2月29日", "09:07"),
        (datetime(2026, 2, 28, 9, 7), "2026年2月28日", "2026年3月1日", "09:07"),
    ],
)
def test_builtin_clock_rollover(now: datetime, today: str, tomorrow: str, clock: str) -> None:
    values = builtin_values({}, now)
    assert (values["今天"], values["明天"], values["当前时间"]) == (today, tomorrow, clock)


def test_fill_with_builtins() -> None:
    builtins = builtin_values({"名字": "小李", "工号": "1024"}, NOW)
    result = fill("您好，我是[您的名字/工号]，今天是[今天]，约定[日期]", {}, builtins=builtins)
    assert result.text == "您好，我是小李（工号 1024），今天是2026年11月23日，约定[日期]"
    assert result.missing == ("日期",)


# --- legacy conversion ---------------------------------------------------------------------------


def converted(text: str) -> tuple[str, list[tuple[str, str]]]:
    result = convert_legacy(text)
    assert isinstance(result, LegacyConversion)
    parse(result.text)
    for field in result.fields:
        assert text[field.start : field.end] == field.marker
    return result.text, [(f.marker, f.name) for f in result.fields]


@pytest.mark.parametrize(
    ("source", "text", "fields"),
    [
        (
            "您好!我是福建10010投诉处理人员,工号XXXX,请问您是XX先生(小姐)吗",
            "您好!我是福建10010投诉处理人员,工号[工号],请问您是[客户姓氏]先生(小姐)吗",
            [("XXXX", "工号"), ("XX", "客户姓氏")],
        ),
        (
            "关于您在X月X日拨打10010反映的XX问题",
            "关于您在[日期]拨打10010反映的[问题]问题",
            [("X月X日", "日期"), ("XX", "问题")],
        ),
        ("我会在××时间内给您回复的", "我会在[时间]内给您回复的", [("××时间", "时间")]),
        ("请问在XX时间与您联系,可以吗", "请问在[时间]与您联系,可以吗", [("XX时间", "时间")]),
        ("我的账号是*************", "我的账号是[账号]", [("*************", "账号")]),
        (
            "您咨询的电缆型号是******,盘(米)数是**盘(米)",
            "您咨询的电缆型号是[型号],盘(米)数是[数量]盘(米)",
            [("******", "型号"), ("**", "数量")],
        ),
        ("您好,XXX为您服务!", "您好,[您的名字/工号]为您服务!", [("XXX", "您的名字/工号")]),
        ("请填写____", "请填写[字段1]", [("____", "字段1")]),
        ("我是XXX,很高兴为您服务。", "我是[您的名字/工号],很高兴为您服务。", [("XXX", "您的名字/工号")]),
        ("我是客服XXX", "我是客服[您的名字/工号]", [("XXX", "您的名字/工号")]),
        ("我的工号是***,请您放心", "我的工号是[工号],请您放心", [("***", "工号")]),
        ("工号: XXXX", "工号: [工号]", [("XXXX", "工号")]),
        ("问题出现的原因是XXX。", "问题出现的原因是[原因]。", [("XXX", "原因")]),
        ("由于*****原因,我需要进一步核实", "由于[原因]原因,我需要进一步核实", [("*****", "原因")]),
        ("“**先生**小姐,这件事", "“[客户姓氏]先生[客户姓氏]小姐,这件事", [("**", "客户姓氏")] * 2),
        ("X先生/X女士,请问", "[客户姓氏]先生/[客户姓氏]女士,请问", [("X", "客户姓氏")] * 2),
        ("新出的XX软件", "新出的[产品名称]软件", [("XX", "产品名称")]),
        ("这款XX产品", "这款[产品名称]产品", [("XX", "产品名称")]),
        ("手机号码****", "手机号码[手机号]", [("****", "手机号")]),
        (
            "这里是XX客服,我是XXX",
            "这里是[公司名称]客服,我是[您的名字/工号]",
            [("XX", "公司名称"), ("XXX", "您的名字/工号")],
        ),
        ("欢迎来到XX门店", "欢迎来到[门店名称]", [("XX门店", "门店名称")]),
        ("我的姓名是***", "我的姓名是[名字]", [("***", "名字")]),
        ("每分钟____字,共XX页", "每分钟[字段1]字,共[字段2]页", [("____", "字段1"), ("XX", "字段2")]),
        ("XXXX年XX月XX日", "[日期]", [("XXXX年XX月XX日", "日期")]),
        ("×月×日前", "[日期]前", [("×月×日", "日期")]),
        ("退款xx元", "退款[金额]元", [("xx", "金额")]),
    ],
)
def test_convert_legacy_seed_sentences(source: str, text: str, fields: list[tuple[str, str]]) -> None:
    assert converted(source) == (text, fields)


@pytest.mark.parametrize(
    ("source", "text", "fields"),
    [
        # 工号 names the field before the weaker hint 为您服务: the same marker reads the same.
        ("工号XXXX为您服务", "工号[工号]为您服务", [("XXXX", "工号")]),
        ("您好，工号XXXX为您服务。", "您好，工号[工号]为您服务。", [("XXXX", "工号")]),
        ("工号XXXX，请放心", "工号[工号]，请放心", [("XXXX", "工号")]),
        ("客服XXX为您服务", "客服[您的名字/工号]为您服务", [("XXX", "您的名字/工号")]),
        # A number followed by 号 is the number alone: "我是1024号客服".
        ("我是XX号客服", "我是[工号]号客服", [("XX", "工号")]),
        ("我是XX号，很高兴为您服务", "我是[工号]号，很高兴为您服务", [("XX", "工号")]),
        # Next to its own 工号 field, the name marker is the name only (no number said twice).
        ("我是客服XX，工号XXXX", "我是客服[名字]，工号[工号]", [("XX", "名字"), ("XXXX", "工号")]),
        # 公司 / 门店 / 店 belong to the name that fills the field, as in the default library.
        (
            "欢迎致电XX公司，工号XXXX为您服务。",
            "欢迎致电[公司名称]，工号[工号]为您服务。",
            [("XX公司", "公司名称"), ("XXXX", "工号")],
        ),
        ("欢迎致电XX，请讲", "欢迎致电[公司名称]，请讲", [("XX", "公司名称")]),
        ("XXX店地址", "[门店名称]地址", [("XXX店", "门店名称")]),
        ("XX店铺", "[字段1]店铺", [("XX", "字段1")]),
        # Dates and hours: each part is its own field, whatever X-style the handbook used.
        ("预计X月X日X点送达", "预计[日期][时间]送达", [("X月X日", "日期"), ("X点", "时间")]),
        ("XX月XX日XX点联系您", "[日期][时间]联系您", [("XX月XX日", "日期"), ("XX点", "时间")]),
        ("今天X点X分前", "今天[时间]前", [("X点X分", "时间")]),
        ("请在XX:XX前到店", "请在[时间]前到店", [("XX:XX", "时间")]),
        ("××时××分", "[时间]", [("××时××分", "时间")]),
        ("X点半到店", "[时间]到店", [("X点半", "时间")]),
    ],
)
def test_convert_legacy_names_fields_so_the_filled_text_reads_right(
    source: str, text: str, fields: list[tuple[str, str]]
) -> None:
    assert converted(source) == (text, fields)


@pytest.mark.parametrize("text", ["以下X点需要注意", "MAX点", "box时", "iPhone X 有货"])
def test_convert_legacy_leaves_non_hours(text: str) -> None:
    assert convert_legacy(text).text == text


def test_converted_name_fields_fill_from_the_profile() -> None:
    values = builtin_values({"名字": "张敏", "工号": "1024", "公司": "顺达物流有限公司"}, NOW)
    text = convert_legacy("欢迎致电XX公司，工号XXXX为您服务。我是XX号客服").text
    assert (
        fill(text, {}, builtins=values).text == "欢迎致电顺达物流有限公司，工号1024为您服务。我是1024号客服"
    )


def test_convert_legacy_spans_are_in_original_text() -> None:
    result = convert_legacy("工号XXXX,XX先生")
    assert result.fields == (LegacyField("XXXX", "工号", 2, 6), LegacyField("XX", "客户姓氏", 7, 9))


@pytest.mark.parametrize(
    "text",
    [
        "我的工号是……,请您放心",  # an ellipsis, not a marker
        "XXL尺码",
        "size xxl",
        "MAXX",
        "box里",
        "a xx b",
        "138****6138",
        "snake__case",
        "3×4=12",
        "PAGE \\* MERGEFORMAT",
        "X",
        "【XX】".replace("XX", "注意"),
        "",
    ],
)
def test_convert_legacy_leaves_non_markers(text: str) -> None:
    result = convert_legacy(text)
    assert result == LegacyConversion(text, ())


def test_convert_legacy_lowercase_between_cjk() -> None:
    assert converted("请问您是xx先生吗")[0] == "请问您是[客户姓氏]先生吗"
    assert converted("联系xx,谢谢")[0] == "联系[字段1],谢谢"


def test_convert_legacy_numbers_unnamed_fields_in_order() -> None:
    text, fields = converted("__a__ ** XX")
    assert text == "[字段1]a[字段2] [字段3] [字段4]"
    assert [name for _, name in fields] == ["字段1", "字段2", "字段3", "字段4"]


def test_convert_legacy_escapes_stray_brackets() -> None:
    text, fields = converted("参见[1]和[甲|乙]结束[[")
    assert text == "参见[[1]]和[[甲|乙]]结束[[[["
    assert fields == []
    assert parse(text).parts == ("参见[1]和[甲|乙]结束[[",)


def test_convert_legacy_keeps_valid_fields() -> None:
    source = "您好,我是[您的名字/工号],请问[称呼:先生|女士]需要XX问题的帮助吗[]"
    text, fields = converted(source)
    assert text == "您好,我是[您的名字/工号],请问[称呼:先生|女士]需要[问题]问题的帮助吗[[]]"
    assert fields == [("XX", "问题")]
    assert parse(text).field_names == ("您的名字/工号", "称呼", "问题")


def test_convert_legacy_ignores_markers_inside_kept_fields() -> None:
    text, fields = converted("[XX问题] XX问题")
    assert text == "[XX问题] [问题]问题"
    assert fields == [("XX", "问题")]


def test_convert_legacy_markers_next_to_brackets() -> None:
    text, _ = converted("[XX]]")
    assert text == "[XX]]]"
    text, _ = converted("[工号XXXX")
    assert text == "[[工号[工号]"
    assert parse(text).parts[0] == "[工号"


def test_convert_legacy_fullwidth_brackets_untouched() -> None:
    assert converted("【XX问题】")[0] == "【[问题]问题】"


@pytest.mark.parametrize(
    ("source", "text", "fields"),
    [
        (
            "您好，我是[您的名字/工号]，您的订单XXXX已发货",
            "您好，我是[您的名字/工号]，您的订单[订单号]已发货",
            [("XXXX", "订单号")],
        ),
        ("[[备注]] 工号XXXX", "[[备注]] 工号[工号]", [("XXXX", "工号")]),  # escapes keep their meaning
        ("参见[1]，X月X日前处理", "参见[1]，[日期]前处理", [("X月X日", "日期")]),  # so do fields
        (
            "[称呼:先生|女士=先生]您好，工号****，请放心",
            "[称呼:先生|女士=先生]您好，工号[工号]，请放心",
            [("****", "工号")],
        ),
        ("a]]XX", "a]][字段1]", [("XX", "字段1")]),
    ],
)
def test_convert_legacy_in_a_valid_template_changes_only_the_markers(
    source: str, text: str, fields: list[tuple[str, str]]
) -> None:
    assert converted(source) == (text, fields)
    original = [f.canonical for f in parse(source).fields]
    assert [f.canonical for f in parse(text).fields if f.name not in dict(fields).values()] == original


@pytest.mark.parametrize(
    ("source", "text", "fields"),
    [
        ("尊敬的{name}先生", "尊敬的[name]先生", [("{name}", "name")]),
        ("您的订单{订单号}已发货", "您的订单[订单号]已发货", [("{订单号}", "订单号")]),
        (
            "Hi {{ customer_name }}，单号${order_id}",
            "Hi [customer_name]，单号[order_id]",
            [("{{ customer_name }}", "customer_name"), ("${order_id}", "order_id")],
        ),
        ("我是{名字/工号}", "我是[名字/工号]", [("{名字/工号}", "名字/工号")]),
        ("{user.name}您好", "[user.name]您好", [("{user.name}", "user.name")]),
        ("我是[您的名字/工号]，{客户}您好", "我是[您的名字/工号]，[客户]您好", [("{客户}", "客户")]),
        ("[备注={name}] {name}", "[备注={name}] [name]", [("{name}", "name")]),  # a default is not a marker
    ],
)
def test_convert_legacy_turns_brace_fields_into_fields(
    source: str, text: str, fields: list[tuple[str, str]]
) -> None:
    assert converted(source) == (text, fields)


@pytest.mark.parametrize(
    "text",
    [
        '{"order": 1}',  # JSON
        "{color:red}",  # CSS
        "{0}元",  # a number in braces names nothing
        "{^_^}",
        "{ name }",  # single braces with spaces are not a template field anywhere
        "{}",
        "{a b}",
        "{" + "名" * (MAX_NAME_LENGTH + 1) + "}",  # longer than a field name may be
        "｛订单号｝",  # full-width braces are punctuation in Chinese text
    ],
)
def test_convert_legacy_leaves_braces_that_are_not_fields(text: str) -> None:
    assert convert_legacy(text) == LegacyConversion(text, ())


@pytest.mark.parametrize("text", ["您好[订单号 XXXX", "[订单号]]XX", "[]订单XXXX", "[甲|乙] {name}"])
def test_convert_markers_leaves_a_text_with_bracket_errors_for_the_report(text: str) -> None:
    """convert_legacy would escape the broken bracket; an import must report it instead."""
    assert validate(text)
    assert convert_markers(text) == LegacyConversion(text, ())


def test_convert_markers_converts_what_convert_legacy_converts() -> None:
    for text in ("工号XXXX", "您好，我是[您的名字/工号]，订单XXXX", "尊敬的{name}", "编号XX]"):
        assert convert_markers(text) == convert_legacy(text)


# --- properties ----------------------------------------------------------------------------------

BRACKETY = st.text(alphabet=st.sampled_from(list("[]{}$【】:=| \nab名字/X×*_先生时间问题月日…")), max_size=60)
ANY_TEXT = st.one_of(st.text(), BRACKETY)


@given(ANY_TEXT)
@settings(max_examples=300)
def test_never_raises_but_placeholder_error(text: str) -> None:
    issues = validate(text)
    try:
        template = parse(text)
    except PlaceholderError as error:
        assert error.issues == issues
        assert issues
        with pytest.raises(PlaceholderError):
            fill(text, {})
    else:
        assert issues == []
        assert isinstance(template, Template)
        fill(template, {})
        fill(template, {name: "v" for name in template.field_names})
    for issue in issues:
        assert 0 <= issue.position < len(text)
    convert_legacy(text)


@given(ANY_TEXT)
@settings(max_examples=300)
def test_convert_legacy_always_parses(text: str) -> None:
    result = convert_legacy(text)
    parse(result.text)
    for field in result.fields:
        assert text[field.start : field.end] == field.marker
        assert field.name
    starts = [f.start for f in result.fields]
    assert starts == sorted(starts)


@given(ANY_TEXT)
@settings(max_examples=300)
def test_convert_legacy_keeps_a_valid_template_as_written(text: str) -> None:
    if validate(text):
        return
    result = convert_legacy(text)
    if not result.fields:
        assert result.text == text
    # Between the converted markers the source is copied unchanged (no bracket is re-escaped).
    pos = 0
    out = result.text
    for field in result.fields:
        chunk = text[pos : field.start]
        assert out.startswith(chunk)
        out = out[len(chunk) :]
        assert out.startswith(f"[{field.name}]")
        out = out[len(field.name) + 2 :]
        pos = field.end
    assert out == text[pos:]


@given(st.text().filter(lambda s: "[" not in s and "]" not in s))
def test_text_without_brackets_is_one_literal(text: str) -> None:
    assert parse(text).parts == ((text,) if text else ())


@given(st.text())
def test_escaped_text_round_trips(text: str) -> None:
    assert parse(escape(text)).parts == ((text,) if text else ())


@given(ANY_TEXT, st.dictionaries(st.sampled_from(["a", "名字", "称呼", "X"]), st.text(max_size=5)))
@settings(max_examples=300)
def test_partial_fill_reparses(text: str, values: dict[str, str]) -> None:
    try:
        template = parse(text)
    except PlaceholderError:
        return
    result = fill(template, values)
    if result.complete:
        assert result.missing == ()
        return
    again = parse(result.text)
    assert again.field_names == result.missing
    done = fill(again, dict.fromkeys(result.missing, "v"))
    assert done.complete


@given(ANY_TEXT)
def test_field_spans_point_at_source(text: str) -> None:
    try:
        template = parse(text)
    except PlaceholderError:
        return
    for field in template.fields:
        assert text[field.start] == "[" and text[field.end - 1] == "]"


# --- performance ---------------------------------------------------------------------------------


def _timed(func: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    with contextlib.suppress(PlaceholderError):
        func(*args)
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "text",
    [
        ("您好[称呼:先生|女士=先生]，我是[您的名字/工号]，[[备注]] 【提示】 " * 5000)[:200_000],
        "[a" * 100_000,
        "[" + "a" * 199_999,
        "]" * 200_000,
        "[" * 200_000,
        ("工号XXXX,XX先生,X月X日,****,__ [a] [b ] " * 10_000)[:200_000],
        "X" * 200_000,
        "*" * 200_000,
        "x月" * 100_000,
    ],
)
def test_large_input_is_linear(text: str) -> None:
    # Not a benchmark: a quadratic parser would take minutes on 200,000 characters, so a
    # generous bound catches backtracking without failing on a loaded CI machine.
    assert len(text) >= 199_999
    assert _timed(validate, text) < 5.0
    assert _timed(parse, text) < 5.0
    assert _timed(fill, text, {}) < 5.0
    assert _timed(convert_legacy, text) < 5.0
