"""Reply-template placeholders: parse and validate `[字段]`, fill fields, convert legacy `XX` markers.

Legacy markers are the blanks of handbooks (`XXXX`, `***`, `X月X日`) and the `{name}` / `{{name}}`
fields of other tools' templates; conversion turns them into `[字段]` fields.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

# Positions everywhere in this module are Python string indices (code points). Qt counts UTF-16
# units, so the GUI must convert before underlining text that contains astral characters.

MAX_NAME_LENGTH = 40

# One regex search per step keeps parsing linear: no pattern here can backtrack.
_BRACKET = re.compile(r"[\[\]]")
_FIELD_STOP = re.compile(r"[\[\]\n]")


class PlaceholderIssue(NamedTuple):
    """One problem in a template, located at a 0-based index into the source text.

    `message_zh` is what the command line and the library's errors say; a UI in another language
    words the problem itself from `code` and the values in `details` (see ISSUE_DETAILS).
    """

    code: str
    position: int
    message: str
    message_zh: str
    details: tuple[tuple[str, str], ...] = ()  # (key, value) pairs, in ISSUE_DETAILS[code] order

    def detail(self, key: str) -> str:
        """The value the message names under `key` (a field's name, its default…), or ""."""
        return dict(self.details).get(key, "")


class PlaceholderError(ValueError):
    """Raised by parse() when the template has issues; .issues lists all of them in order."""

    def __init__(self, issues: Sequence[PlaceholderIssue]) -> None:
        self.issues: list[PlaceholderIssue] = list(issues)
        first = self.issues[0] if self.issues else None
        if first is None:
            text = "invalid template"
        else:
            text = f"{first.message} (position {first.position})"
            if len(self.issues) > 1:
                text += f"; {len(self.issues) - 1} more issue(s)"
        super().__init__(text)


class Field(NamedTuple):
    """One `[...]` occurrence; start/end is the span of the whole bracketed text in the source."""

    name: str
    default: str | None
    choices: tuple[str, ...]
    start: int
    end: int

    @property
    def canonical(self) -> str:
        """The field written back in canonical syntax (whitespace stripped), e.g. `[称呼:先生|女士=先生]`."""
        text = self.name
        if self.choices:
            text += ":" + "|".join(self.choices)
        if self.default is not None:
            text += "=" + self.default
        return f"[{text}]"


class Template(NamedTuple):
    """A parsed template: literal text (escapes resolved) interleaved with fields."""

    source: str
    parts: tuple[str | Field, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(part for part in self.parts if isinstance(part, Field))

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.name for f in self.fields))


class FillResult(NamedTuple):
    """The filled text, the fields still missing, and the value each filled field received."""

    text: str
    missing: tuple[str, ...]
    used: dict[str, str]

    @property
    def complete(self) -> bool:
        return not self.missing


# --- parsing -------------------------------------------------------------------------------------

_MESSAGES: dict[str, tuple[str, str]] = {
    "unclosed": (
        "'[' is not closed by ']' (write '[[' for a literal bracket)",
        "“[”没有配对的“]”（如需方括号本身，请写“[[”）",
    ),
    "stray_close": (
        "Stray ']' (write ']]' for a literal bracket)",
        "多余的“]”（如需方括号本身，请写“]]”）",
    ),
    "empty": ("Empty field '[]'", "空字段“[]”，请在方括号中填写字段名"),
    "empty_name": ("Field has no name", "字段缺少名称"),
    "empty_choice": ("Field '{name}' has an empty choice", "字段“{name}”中有空的选项"),
    "name_too_long": ("Field name is longer than {limit} characters", "字段名超过 {limit} 个字符"),
    "bad_name": (
        "Field name '{name}' contains '|'; choices follow ':' as in [称呼:先生|女士]",
        "字段名“{name}”中不能有“|”；可选项写在“:”后面，如 [称呼:先生|女士]",
    ),
    "bad_default": (
        "Default '{default}' of field '{name}' is not one of its choices",
        "字段“{name}”的默认值“{default}”不在可选项中",
    ),
}


# The values each kind of issue names, so a UI can put them into its own wording.
ISSUE_DETAILS: dict[str, tuple[str, ...]] = {
    "unclosed": (),
    "stray_close": (),
    "empty": (),
    "empty_name": (),
    "empty_choice": ("name",),
    "name_too_long": ("limit",),
    "bad_name": ("name",),
    "bad_default": ("name", "default"),
}


def _issue(code: str, position: int, **details: str) -> PlaceholderIssue:
    message, message_zh = _MESSAGES[code]
    return PlaceholderIssue(
        code,
        position,
        message.format(**details),
        message_zh.format(**details),
        tuple((key, details[key]) for key in ISSUE_DETAILS[code]),
    )


def _parse_field(inner: str, start: int, issues: list[PlaceholderIssue]) -> Field | None:
    """Parse the text between `[` at `start` and its `]`; append issues and return None if invalid."""
    if not inner.strip():
        issues.append(_issue("empty", start))
        return None
    # Split on the first '=' before ':' so a default may hold a colon ([时间=14:00]); choices may
    # hold one too ([时间:9:00|10:00]) because only the first ':' ends the name.
    eq = inner.find("=")
    head = inner if eq < 0 else inner[:eq]
    default = None if eq < 0 else inner[eq + 1 :].strip()
    colon = head.find(":")
    raw_name = head if colon < 0 else head[:colon]
    name = raw_name.strip()
    found = len(issues)
    if not name:
        issues.append(_issue("empty_name", start))
    elif "|" in name:
        issues.append(_issue("bad_name", start, name=name))
    elif len(name) > MAX_NAME_LENGTH:
        issues.append(_issue("name_too_long", start, limit=str(MAX_NAME_LENGTH)))
    choices: list[str] = []
    if colon >= 0:
        offset = start + 1 + colon + 1
        for raw in head[colon + 1 :].split("|"):
            choice = raw.strip()
            if not choice:
                issues.append(_issue("empty_choice", offset, name=name))
            choices.append(choice)
            offset += len(raw) + 1
        if default is not None and len(issues) == found and default not in choices:
            issues.append(_issue("bad_default", start + 1 + eq, name=name, default=default))
    if len(issues) > found:
        return None
    return Field(name, default, tuple(choices), start, start + len(inner) + 2)


def _scan(text: str) -> tuple[tuple[str | Field, ...], list[PlaceholderIssue]]:
    parts: list[str | Field] = []
    issues: list[PlaceholderIssue] = []
    literal: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        match = _BRACKET.search(text, pos)
        if match is None:
            literal.append(text[pos:])
            break
        i = match.start()
        literal.append(text[pos:i])
        nxt = text[i + 1] if i + 1 < n else ""
        if text[i] == "]":
            if nxt == "]":
                literal.append("]")
                pos = i + 2
            else:
                issues.append(_issue("stray_close", i))
                pos = i + 1
            continue
        if nxt == "[":
            literal.append("[")
            pos = i + 2
            continue
        stop = _FIELD_STOP.search(text, i + 1)
        j = n if stop is None else stop.start()
        if j == n or text[j] != "]":
            issues.append(_issue("unclosed", i))
            # Resume at the stop character so another '[' there is examined as a field start.
            pos = j
            continue
        field = _parse_field(text[i + 1 : j], i, issues)
        if field is not None:
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(field)
        pos = j + 1
    if literal and "".join(literal):
        parts.append("".join(literal))
    return _merge_literals(parts), issues


def _merge_literals(parts: list[str | Field]) -> tuple[str | Field, ...]:
    merged: list[str | Field] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return tuple(merged)


def validate(text: str) -> list[PlaceholderIssue]:
    """Every issue in `text`, in source order; never raises."""
    return _scan(text)[1]


def parse(text: str) -> Template:
    """Parse a template; raises PlaceholderError listing every issue if there is any."""
    parts, issues = _scan(text)
    if issues:
        raise PlaceholderError(issues)
    return Template(text, parts)


def field_names(text: str) -> tuple[str, ...]:
    """Unique field names in first-appearance order; raises PlaceholderError on an invalid template."""
    return parse(text).field_names


def escape(text: str) -> str:
    """Plain text as template literal text: brackets doubled so they are not read as fields."""
    return text.replace("[", "[[").replace("]", "]]")


# --- filling -------------------------------------------------------------------------------------


def fill(
    template: str | Template,
    values: Mapping[str, str],
    *,
    builtins: Mapping[str, str] | None = None,
) -> FillResult:
    """Fill fields from `values`, then `builtins`, then each field's default (blank values count as unset).

    When every field gets a value the text is the final reply, literal brackets unescaped. When
    some are missing the text is itself a valid template: the missing fields stay in canonical form
    (`Field.canonical`) and every literal bracket, including any inside filled values, is doubled,
    so the partial result can be parsed and filled again later without losing anything.
    """
    parsed = template if isinstance(template, Template) else parse(template)
    extra = builtins or {}
    used: dict[str, str] = {}
    missing: dict[str, None] = {}
    resolved: list[str | Field] = []
    for part in parsed.parts:
        if isinstance(part, str):
            resolved.append(part)
            continue
        value = _resolve(part, values, extra)
        if value is None:
            missing[part.name] = None
            resolved.append(part)
        else:
            used[part.name] = value
            resolved.append(value)
    if not missing:
        text = "".join(p for p in resolved if isinstance(p, str))
    else:
        text = "".join(p.canonical if isinstance(p, Field) else escape(p) for p in resolved)
    return FillResult(text, tuple(missing), used)


def _resolve(field: Field, values: Mapping[str, str], builtins: Mapping[str, str]) -> str | None:
    for source in (values, builtins):
        value = (source.get(field.name) or "").strip()
        if value:
            return value
    return field.default


# --- built-in values -----------------------------------------------------------------------------

_NAME_FIELDS = ("名字", "我的名字", "您的名字", "客服名字", "姓名")
_ID_FIELDS = ("工号", "您的工号", "我的工号")
_COMPANY_FIELDS = ("公司", "公司名称", "您的公司")
_STORE_FIELDS = ("门店", "门店名称", "店名")
_NAME_ID_FIELDS = ("您的名字/工号", "名字/工号", "姓名/工号")
_NAME_ID = _NAME_ID_FIELDS[0]
_CLOCK_FIELDS = ("今天", "明天", "当前时间")

BUILTIN_FIELD_NAMES: frozenset[str] = frozenset(
    _NAME_FIELDS + _ID_FIELDS + _COMPANY_FIELDS + _STORE_FIELDS + _NAME_ID_FIELDS + _CLOCK_FIELDS
)


def _profile_value(profile: Mapping[str, str], *keys: str) -> str:
    for key in keys:
        value = (profile.get(key) or "").strip()
        if value:
            return value
    return ""


def _chinese_date(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def builtin_values(profile: Mapping[str, str], now: datetime) -> dict[str, str]:
    """Values for the built-in fields from the agent's profile and the clock; empty ones are left out."""
    name = _profile_value(profile, "名字", "name")
    employee_id = _profile_value(profile, "工号", "employee_id")
    company = _profile_value(profile, "公司", "company")
    store = _profile_value(profile, "门店", "store")
    if name and employee_id:
        name_id = f"{name}（工号 {employee_id}）"
    elif employee_id:
        # "我是[您的名字/工号]" must still read naturally when only the number is known.
        name_id = f"工号 {employee_id}"
    else:
        name_id = name
    result: dict[str, str] = {}
    for names, value in (
        (_NAME_FIELDS, name),
        (_ID_FIELDS, employee_id),
        (_COMPANY_FIELDS, company),
        (_STORE_FIELDS, store),
        (_NAME_ID_FIELDS, name_id),
    ):
        if value:
            result.update(dict.fromkeys(names, value))
    result["今天"] = _chinese_date(now)
    result["明天"] = _chinese_date(now + timedelta(days=1))
    result["当前时间"] = f"{now.hour:02d}:{now.minute:02d}"
    return result


# --- legacy marker conversion --------------------------------------------------------------------


class LegacyField(NamedTuple):
    """One legacy marker replaced by a field; marker is the replaced original text at start:end."""

    marker: str
    name: str
    start: int
    end: int


class LegacyConversion(NamedTuple):
    text: str
    fields: tuple[LegacyField, ...]


_X = "Xx×Ｘｘ"
# A name in braces must look like a field name (a letter or "_" first, then letters, digits and
# `_ . / -`) so JSON, CSS, code and kaomoji such as {"a": 1}, {color:red}, {1}, {^_^} stay text.
_BRACE_NAME = rf"[^\W\d][\w./-]{{0,{MAX_NAME_LENGTH - 1}}}"
_NOT_HOUR = "需要|建议|注意|要求|内容|意见|原因|事项|说明|问题"
# Alternatives are tried in order at each position; none nests quantifiers, so matching stays linear.
_LEGACY_PATTERN = (
    # {{name}} (Mustache, Jinja, Handlebars; inner spaces allowed), {name} (Python, C#), ${name} (JS)
    rf"(?P<brace>\$?\{{\{{[ \t]{{0,4}}(?P<double>{_BRACE_NAME})[ \t]{{0,4}}\}}\}}"
    rf"|\$?\{{(?P<single>{_BRACE_NAME})\}})"
    rf"|(?P<date>(?:[{_X}]{{1,4}}年)?[{_X}]{{1,2}}月[{_X}]{{1,2}}[日号])"
    # X点, X点X分, X点半, X时X分, XX:XX. 时 before 间/候/段/长/效 is a word (××时间内), and a bare
    # X点 before 需要/注意… counts points ("以下X点需要注意"), so neither is an hour.
    rf"|(?P<clock>[{_X}]{{1,2}}(?:点(?:[{_X}]{{1,2}}分|半)|点(?!{_NOT_HOUR})"
    rf"|时(?![间候段长效])(?:[{_X}]{{1,2}}分)?|[:：][{_X}]{{2}}))"
    rf"|(?P<surname>[X×Ｘ](?=先生|女士|小姐))"
    r"|(?P<upper>[XＸ]{2,})"
    r"|(?P<lower>[xｘ]{2,})"
    r"|(?P<times>×{2,})"
    r"|(?P<stars>[*＊]{2,})"
    r"|(?P<blank>[_＿]{2,})"
)


@functools.cache
def _legacy() -> re.Pattern[str]:
    # Compiled on first use (~2 ms): only imports and the editor convert legacy markers, not a start.
    return re.compile(_LEGACY_PATTERN)


# Text right after a marker: (words, field name, absorb, weak). An absorbed word becomes part of
# the field ("××时间内" -> "[时间]内", "XX公司" -> "[公司名称]") because the value an agent or the
# profile supplies already says it: a company's name ends in 公司, a store's in 店. A word that
# stays is one the value does not include ("XX号客服" -> "[工号]号客服" reads "1024号客服"). A weak
# word only guesses who is meant ("为您服务" after anyone) and yields to a field named just before
# the marker ("工号XXXX为您服务" -> "工号[工号]为您服务", not the builtin name-and-number field).
_SUFFIX_RULES: tuple[tuple[tuple[str, ...], str, bool, bool], ...] = (
    (("先生", "女士", "小姐"), "客户姓氏", False, False),
    (("时间",), "时间", True, False),
    (("号客服", "号话务员", "号坐席", "号座席", "号服务", "号为您服务"), "工号", False, False),
    (("为您服务",), "您的名字/工号", False, True),
    (("问题",), "问题", False, False),
    (("软件", "产品"), "产品名称", False, False),
    (("型号",), "型号", False, False),
    (("原因",), "原因", False, False),
    (("公司",), "公司名称", True, False),
    (("客服",), "公司名称", False, False),
    (("门店", "門店"), "门店名称", True, False),
    (("店",), "门店名称", True, False),
    # A courier's name ends in 快递/速运 as often as not ("中通快递", "中通"): absorbed, it reads right.
    (("快递公司", "物流公司", "快递", "速运", "速递", "快运"), "快递公司", True, False),
)
# Units after a number: they say what kind of value the marker is ("退款XX元" -> "[金额]元"), not
# which one, so a field named just before the marker comes first ("退款金额XX元" -> "[退款金额]元").
_UNIT_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("盘(米)", "盘（米）", "盘", "米", "件", "台", "箱"), "数量"),
    (("元",), "金额"),
    (("个工作日", "工作日"), "工作日数"),
    (("天",), "天数"),
    (("个小时", "小时"), "小时数"),
    (("分钟",), "分钟数"),
    (("秒",), "秒数"),
)
# "XX店铺"/"XX店长" name something else than the store: "[门店名称]铺" would read wrong; nor is a
# courier meant by "XX快递员", nor a number of days by "XX天猫".
_NOT_SUFFIX = (
    "店铺", "店長", "店长", "店员", "店員", "店主",
    "快递员", "快递柜", "快递单", "快递点", "快递费",
    "天猫", "天气", "天然", "天津", "天下", "天空", "天使", "天堂", "天线",
    "秒杀",
)  # fmt: skip

# Text right before a marker (trailing spaces and colons ignored); each stem also matches with 是/为.
_PREFIX_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("工号",), "工号"),
    (("我是", "客服", "我是客服代表", "客户经理", "客服代表", "客服专员"), "您的名字/工号"),
    (("我的名字", "我的姓名", "我叫"), "名字"),
    (("原因",), "原因"),
    (("型号",), "型号"),
    (("账号", "帐号", "账户", "帐户"), "账号"),
    (("手机号码", "手机号", "手机"), "手机号"),
    (("订单号", "订单编号", "订单"), "订单号"),
    (("这里是", "致电"), "公司名称"),
)
_PREFIX_LOOKUP: tuple[tuple[str, str], ...] = tuple(
    (stem + tail, name) for stems, name in _PREFIX_RULES for stem in stems for tail in ("", "是", "为")
)
_PREFIX_WINDOW = max(len(stem) for stem, _ in _PREFIX_LOOKUP) + 4
# Single C-level checks that let the common no-context case skip the rule loops.
_ANY_SUFFIX = tuple(word for words, *_ in _SUFFIX_RULES for word in words) + tuple(
    word for words, _ in _UNIT_RULES for word in words
)
_ANY_PREFIX = tuple(stem for stem, _ in _PREFIX_LOOKUP)

# A label: a noun ending in one of these words, right before the marker (optionally followed by
# 是/为/：), names the field after itself: "工单号是XX" -> "[工单号]", "快递单号：XX" -> "[快递单号]".
_LABEL_HEAD_TEXT = """
    号 码 号码 编号 单号 卡号 账号 帐号 地址 时间 日期 金额 余额 费用 运费 邮费 手续费 服务费 维修费
    价格 单价 差价 售价 名称 名字 姓名 电话 邮箱 网址 链接 密码 数量 期限 有效期 保修期 税号 抬头 人
"""
_LABEL_HEADS = tuple(sorted(_LABEL_HEAD_TEXT.split(), key=len, reverse=True))
# Nouns ending like a label that name no value to fill in ("最起码XX天" is no 起码).
_NOT_LABEL_TEXT = """
    起码 加码 筹码 戏码 信号 符号 口号 称号 问号 句号 记号 暗号 本人 个人 他人 别人 客人 家人
    第一时间 长时间 短时间 同时间
"""
_NOT_LABELS = tuple(_NOT_LABEL_TEXT.split())
# Words a label never holds: they end the noun to its left ("请提供您的快递单号" -> 快递单号).
_LABEL_STOPS = frozenset(
    "的是为您你我他她它们请在把将和与及或了个其该此这那给向从按至已被也都就再等即若于由并"
)
# Verbs and fillers that start a run without being part of the label ("提供快递单号" -> 快递单号).
_LABEL_VERB_TEXT = """
    提供 输入 填写 填入 告知 告诉 核对 记下 留下 保留 出示 复制 拨打 发送 麻烦 一下 尽快 及时 本次 此次 这次
"""
_LABEL_VERBS = tuple(sorted(_LABEL_VERB_TEXT.split(), key=len, reverse=True))
_MAX_LABEL = 6
# The prefix table's stems that are labels themselves: their name wins (订单编号 -> 订单号).
_LABEL_STEMS: tuple[tuple[str, str], ...] = tuple(
    (stem, name) for stems, name in _PREFIX_RULES for stem in stems if stem.endswith(_LABEL_HEADS)
)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
    )


def _in_label(char: str) -> bool:
    """A character a label may hold: a CJK ideograph other than a function word, or a latin letter (SN码)."""
    code = ord(char)
    ideograph = 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3FFFF
    return (ideograph and char not in _LABEL_STOPS) or (char.isascii() and char.isalpha())


def _is_wordish(char: str) -> bool:
    """Latin letters and digits: a marker touching one is part of a word such as XXL or 138****6138."""
    return char.isalnum() and not _is_cjk(char)


def _accepts(text: str, start: int, end: int, kind: str) -> bool:
    if kind == "brace":
        return True  # the braces delimit it: "尊敬的{name}先生" is a field wherever it stands
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if kind in ("stars", "blank", "times"):
        # Only a run squeezed between two word characters (a masked 138****6138, foo__bar) is kept.
        return not (before and after and _is_wordish(before) and _is_wordish(after))
    if kind in ("date", "clock"):
        # 月/日/点 delimit these; a neighbouring X is the next blank ("X月X日X点" is a date then a time).
        return not any(c and c not in _X and _is_wordish(c) for c in (before, after))
    if kind == "lower":
        # Lowercase xx is common inside latin words, so demand CJK or punctuation on both sides.
        return all(not c or _is_cjk(c) or (not c.isalnum() and not c.isspace()) for c in (before, after))
    return not any(c and _is_wordish(c) for c in (before, after))


def _context_name(text: str, start: int, end: int) -> tuple[str | None, int]:
    """A field name guessed from the surrounding words, and the end after any absorbed word.

    In order: a word after the marker that says who or what it is (先生, 公司, 问题…); the prefix
    table's words for a field (工号, 订单号…); a label right before the marker (工单号是XX); a unit
    after it (元, 天…); the prefix table's other words (我是, 订单); a weak word after it (为您服务).
    """
    following = text[end : end + 8].lstrip(" \t")
    gap = min(8, len(text) - end) - len(following)  # spaces between the marker and its suffix
    weak: tuple[str, int] | None = None
    unit: str | None = None
    if following.startswith(_ANY_SUFFIX) and not following.startswith(_NOT_SUFFIX):
        for words, name, absorb, is_weak in _SUFFIX_RULES:
            word = next((w for w in words if following.startswith(w)), None)
            if word is None:
                continue
            found = name, end + gap + len(word) if absorb else end
            if not is_weak:
                return found
            weak = weak or found
        unit = next((n for words, n in _UNIT_RULES if following.startswith(words)), None)
    preceding = text[max(0, start - _PREFIX_WINDOW) : start].rstrip(" \t:：")
    stem_name: str | None = None
    if preceding.endswith(_ANY_PREFIX):
        for stem, name in _PREFIX_LOOKUP:
            if preceding.endswith(stem):
                if name == _NAME_ID and following.startswith("号"):
                    return "工号", end  # "我是XX号" is a number: "我是[工号]号"
                if stem.removesuffix("是").removesuffix("为").endswith(_LABEL_HEADS):
                    return name, end  # 工号, 订单编号, 手机号码: the table's names for these labels
                stem_name = name
                break
    label = _label(text[max(0, start - _PREFIX_WINDOW - _MAX_LABEL) : start])
    if label is not None:
        return label, end
    if unit is not None:
        return unit, end
    if stem_name is not None:
        return stem_name, end
    if weak is not None:
        return weak
    return None, end


def _label(preceding: str) -> str | None:
    """The noun that labels a marker from just before it ("您的工单号是" -> 工单号), if there is one."""
    run = preceding.rstrip(" \t:：")
    if run.endswith(("是", "为")):
        run = run[:-1].rstrip(" \t:：")
    if not run.endswith(_LABEL_HEADS):
        return None
    start = len(run)
    while start > 0 and _in_label(run[start - 1]):
        start -= 1
    noun = run[start:]
    trimmed = True
    while trimmed:
        trimmed = False
        for verb in _LABEL_VERBS:
            if noun.startswith(verb) and len(noun) - len(verb) >= 2:
                noun = noun[len(verb) :]
                trimmed = True
                break
    if len(noun) > _MAX_LABEL:
        noun = noun[-4:]  # most compound nouns are two words of two characters: 售后服务单号 -> 服务单号
    # A built-in name (姓名, 公司名称) is filled from the agent's profile without asking: "公司名称：XX，
    # 税号：XX" may well be the customer's, so only the tables, which know whose it is, name those.
    if len(noun) < 2 or noun.endswith(_NOT_LABELS) or noun in BUILTIN_FIELD_NAMES:
        return None
    for stem, name in _LABEL_STEMS:
        if noun.endswith(stem):
            return name  # 银行账号 -> 账号, 电缆型号 -> 型号: the names the table gives them
    return noun


def _kept_fields(text: str) -> Iterator[tuple[int, int, str]]:
    """Spans of valid canonical fields already in the text, which conversion keeps as they are."""
    pos = 0
    while True:
        match = _BRACKET.search(text, pos)
        if match is None:
            return
        i = match.start()
        pos = i + 1
        if text[i] != "[":
            continue
        stop = _FIELD_STOP.search(text, i + 1)
        if stop is None:
            return
        j = stop.start()
        if text[j] != "]":
            pos = j
            continue
        issues: list[PlaceholderIssue] = []
        field = _parse_field(text[i + 1 : j], i, issues)
        # A bare number in brackets is a footnote reference ("参见[1]"), not something to fill.
        if field is not None and not field.name.isdigit():
            yield i, j + 1, field.name
            pos = j + 1


def convert_legacy(text: str) -> LegacyConversion:
    """Turn handbook markers (XXX, ××, ***, ____, X月X日) into canonical fields named from context,
    and `{name}`, `{{ name }}`, `${name}` into `[name]`.

    A text that is already a valid template (`您好，我是[您的名字/工号]，订单XXXX已发货`) keeps every
    field and `[[`/`]]` escape as written: only markers in its literal text change. In any other
    text, brackets already forming a valid field are kept and every other bracket is escaped, so
    the result always parses. A `……` ellipsis is never a marker.
    """
    parts, issues = _scan(text)
    if not issues:
        kept_fields = [(part.start, part.end, part.name) for part in parts if isinstance(part, Field)]
        escape_rest = False
    else:
        kept_fields = list(_kept_fields(text))
        escape_rest = True
    kept = [(s, e) for s, e, _ in kept_fields]
    found: list[tuple[int, int, str | None]] = []
    pos = 0
    kept_index = 0
    for match in _legacy().finditer(text):
        start, end = match.span()
        if start < pos:
            continue
        while kept_index < len(kept) and kept[kept_index][1] <= start:
            kept_index += 1
        if kept_index < len(kept) and kept[kept_index][0] <= start:
            continue
        kind = "brace" if match.group("brace") else match.lastgroup or ""
        if not _accepts(text, start, end, kind):
            continue
        if kind == "brace":
            name: str | None = match.group("double") or match.group("single")
        elif kind == "date":
            name = "日期"
        elif kind == "clock":
            name = "时间"
        elif kind == "surname":
            name = "客户姓氏"
        else:
            name, end = _context_name(text, start, end)
        found.append((start, end, name))
        pos = end
    # The builtin [您的名字/工号] renders name and number; next to a number field of its own
    # ("我是客服XX，工号XXXX") that would say the number twice, so the marker is just the name.
    names = {name for _, _, name in found} | {name for _, _, name in kept_fields}
    rename = {_NAME_ID: "名字"} if names & set(_ID_FIELDS) else {}
    pieces: list[str] = []
    fields: list[LegacyField] = []
    numbered = 0
    pos = 0
    for start, end, guessed in found:
        if guessed is None:
            numbered += 1
            guessed = f"字段{numbered}"
        final = rename.get(guessed, guessed)
        pieces.append(_escape_outside(text, pos, start, kept) if escape_rest else text[pos:start])
        pieces.append(f"[{final}]")
        fields.append(LegacyField(text[start:end], final, start, end))
        pos = end
    pieces.append(_escape_outside(text, pos, len(text), kept) if escape_rest else text[pos:])
    return LegacyConversion("".join(pieces), tuple(fields))


def convert_markers(text: str) -> LegacyConversion:
    """`convert_legacy` for a cell of a lead's sheet: a text whose brackets are wrong
    (`[订单号` unclosed, a stray `]` after a field) is returned unchanged with no fields, so the
    import reports the bracket error instead of quietly turning the lead's field into literal text.

    A text without `[` converts as `convert_legacy` does (a lone `]` there is plain text).
    """
    if "[" in text and validate(text):
        return LegacyConversion(text, ())
    return convert_legacy(text)


def _escape_outside(text: str, start: int, end: int, kept: list[tuple[int, int]]) -> str:
    """Escape text[start:end] except the kept field spans inside it."""
    chunk = text[start:end]
    if "[" not in chunk and "]" not in chunk:
        return chunk
    out: list[str] = []
    pos = start
    # Bisect so that many markers among many kept fields stay O(n log n) rather than quadratic.
    index = bisect.bisect_right(kept, (start, len(text) + 1))
    if index and kept[index - 1][1] > start:
        index -= 1
    while index < len(kept) and kept[index][0] < end:
        k_start, k_end = kept[index]
        out.append(escape(text[pos:k_start]))
        out.append(text[k_start:k_end])
        pos = k_end
        index += 1
    out.append(escape(text[pos:end]))
    return "".join(out)
