"""Legacy markers in leads' sheets get field names an agent can fill: labels, units, couriers, fallbacks."""

from __future__ import annotations

import pytest

from huashu.core.placeholders import BUILTIN_FIELD_NAMES, convert_legacy, fill, parse


def converted(text: str) -> tuple[str, list[str]]:
    result = convert_legacy(text)
    parse(result.text)
    for field in result.fields:
        assert text[field.start : field.end] == field.marker
    return result.text, [f.name for f in result.fields]


@pytest.mark.parametrize(
    ("source", "text"),
    [
        # A noun ending in 号/码/地址/时间/金额… right before the marker (是/为/： between) is its label.
        ("您好，您的工单号是XX，请保留好。", "您好，您的工单号是[工单号]，请保留好。"),
        ("快递单号：XX", "快递单号：[快递单号]"),
        ("您的快递单号为XXXXXX，请注意查收。", "您的快递单号为[快递单号]，请注意查收。"),
        ("您的服务单号为____，请妥善保管", "您的服务单号为[服务单号]，请妥善保管"),
        ("您的会员卡号是××××", "您的会员卡号是[会员卡号]"),
        ("收货地址：XXXXXX", "收货地址：[收货地址]"),
        ("取件码XXXX，请凭码到店取件", "取件码[取件码]，请凭码到店取件"),
        ("您的验证码是XXXX，请勿告诉他人", "您的验证码是[验证码]，请勿告诉他人"),
        ("您的预约时间是XXXX", "您的预约时间是[预约时间]"),
        ("发票抬头：XXXX，税号：XXXXXXXX", "发票抬头：[发票抬头]，税号：[税号]"),
        ("联系人：XX，联系电话：XXXXXXXXXXX", "联系人：[联系人]，联系电话：[联系电话]"),
        ("您的手机尾号XXXX", "您的手机尾号[手机尾号]"),
        ("SN码：XXXX", "SN码：[SN码]"),
        (
            "退货地址是XXX，收件人XX，电话XXXXXXXX",
            "退货地址是[退货地址]，收件人[收件人]，电话[电话]",
        ),
        # The label is the noun, not the words before it: 的 ends it, a leading verb is not part of it.
        ("麻烦提供一下快递单号XXXX", "麻烦提供一下快递单号[快递单号]"),
        ("京东自营店铺售后服务单号XX", "京东自营店铺售后服务单号[服务单号]"),
        # The prefix table keeps naming its own labels: one field for one thing across a library.
        ("请提供您的订单编号XXXX", "请提供您的订单编号[订单号]"),
        ("银行账号：XXXX", "银行账号：[账号]"),
        ("请核对：收货人XX，手机XXXXXXXXXXX", "请核对：收货人[收货人]，手机[手机号]"),
        ("您好，我是客户经理XX，很高兴为您服务", "您好，我是客户经理[您的名字/工号]，很高兴为您服务"),
    ],
)
def test_a_label_before_the_marker_names_the_field(source: str, text: str) -> None:
    assert converted(source)[0] == text


@pytest.mark.parametrize(
    ("source", "text"),
    [
        # A unit says what kind of value the marker is when nothing names it.
        ("我们会在XX个工作日内处理完毕", "我们会在[工作日数]个工作日内处理完毕"),
        ("预计XX天内到货", "预计[天数]天内到货"),
        ("最起码XX天", "最起码[天数]天"),  # 起码 is no label
        ("请在XX小时内完成支付", "请在[小时数]小时内完成支付"),
        ("请长按耳机按钮 XX 秒进入配对模式。", "请长按耳机按钮 [秒数] 秒进入配对模式。"),
        ("您的退款已于X月X日原路退回，金额XX元", "您的退款已于[日期]原路退回，金额[金额]元"),
        ("订单XX件", "订单[数量]件"),  # the unit, not the table's 订单 -> 订单号
        ("账户XX元", "账户[金额]元"),
        # A label names a unit's value more precisely.
        ("退款金额XX元", "退款金额[退款金额]元"),
        ("本次退款金额为XX元，将原路退回。", "本次退款金额为[退款金额]元，将原路退回。"),
        ("活动有效期XX天", "活动有效期[活动有效期]天"),
        ("您的维修单号是XXX，维修费用XX元", "您的维修单号是[维修单号]，维修费用[维修费用]元"),
    ],
)
def test_a_unit_names_the_field_when_no_label_does(source: str, text: str) -> None:
    assert converted(source)[0] == text


def test_amounts_in_one_reply_are_different_fields() -> None:
    """Same-named fields share one value: three amounts named [金额] would all be filled with one."""
    text, names = converted("商品金额XX元，运费XX元，共计XX元")
    assert text == "商品金额[商品金额]元，运费[运费]元，共计[金额]元"
    assert len(set(names)) == 3
    filled = fill(text, {"商品金额": "99", "运费": "10", "金额": "109"})
    assert filled.text == "商品金额99元，运费10元，共计109元"


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("您的包裹由XX快递配送", "您的包裹由[快递公司]配送"),
        ("我们默认发XX速运", "我们默认发[快递公司]"),
        ("XX快递员会联系您", "[字段1]快递员会联系您"),
        ("XX天猫旗舰店", "[字段1]天猫旗舰店"),
    ],
)
def test_a_courier_is_named_with_its_kind(source: str, text: str) -> None:
    assert converted(source)[0] == text


@pytest.mark.parametrize("value", ["中通", "中通快递"])
def test_a_courier_field_reads_right_whichever_name_is_typed(value: str) -> None:
    text = converted("您的包裹由XX快递配送")[0]
    assert fill(text, {"快递公司": value}).text == f"您的包裹由{value}配送"


@pytest.mark.parametrize(
    "source",
    [
        "姓名：XX",  # whose? a built-in field would be filled with the agent's own name unasked
        "公司名称：XX，税号：XXXX",  # on an invoice this is the customer's company
        "门店名称：XX",
    ],
)
def test_a_label_never_becomes_a_builtin_field(source: str) -> None:
    _, names = converted(source)
    assert not set(names) & BUILTIN_FIELD_NAMES
    assert names[0] == "字段1"


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("请您在XX前完成", ["字段1"]),  # nothing near says what it is
        ("请登录XX网址查看，单号XXXX", ["字段1", "单号"]),
        ("XX店铺，XX", ["字段1", "字段2"]),
        ("信号XX", ["字段1"]),  # ends like a label, names nothing to fill in
    ],
)
def test_numbered_fields_only_where_nothing_sensible_is_near(source: str, names: list[str]) -> None:
    assert converted(source)[1] == names
