"""Checker normalisation: folding, noise removal and the map back to original positions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from huashu.core.normalize import (
    NOISE_CHARS,
    Utf16Map,
    fold,
    fold_char,
    fold_tables,
    iter_paragraphs,
    normalize,
    normalize_pattern,
    utf16_len,
)

# Text drawn from what drafts contain: CJK (simplified and traditional), full-width and ASCII
# punctuation, noise characters, letters in both cases, emoji (astral), newlines.
_ALPHABET = (
    "我不知道亲自親切你妳您好喂養餵訂單发發～~＊*·・-－_＿ 　\u200b\u200d\t,，.。!！?？、\n"
    "ABCabcＡＢＣ０１９😀𠀋"
)
drafts = st.text(alphabet=_ALPHABET, max_size=60)


def test_full_width_case_and_traditional_fold_to_one_form() -> None:
    assert fold("ＡＢＣ１２３，！？") == "abc123,!?"
    assert fold("親，妳的訂單明天才能發") == "亲,你的订单明天才能发"
    assert fold("我問你手機號碼") == "我问你手机号码"
    assert fold("THANK You") == "thank you"


def test_noise_variants_fold_to_canonical_noise() -> None:
    assert fold("～〜＊－＿　・•\u200d\ufeff") == "~~*-_ ··\u200b\u200b"
    assert set(fold("～〜＊－＿　・")) <= NOISE_CHARS


def test_sentence_punctuation_and_newlines_are_kept() -> None:
    n = normalize("我，不知道。\n好的")
    assert n.compact == "我,不知道。\n好的"
    assert "、" not in fold("喂、喂") and fold("喂、喂") == "喂,喂"


def test_noise_removed_and_mapped_back() -> None:
    text = "这个我 不*知·道啊"
    n = normalize(text)
    assert n.compact == "这个我不知道啊"
    start = n.compact.index("我不知道")
    s, e = n.span_to_original(start, start + 4)
    assert text[s:e] == "我 不*知·道"
    assert n.span_to_compact(s, e) == (start, start + 4)


def test_no_noise_means_identity_map() -> None:
    n = normalize("您好，很高兴为您服务")
    assert n.compact == n.folded
    assert n.gaps == ()
    assert n.span_to_original(2, 5) == (2, 5)


def test_leading_and_trailing_noise_are_outside_a_mapped_span() -> None:
    text = "  我不知道  "
    n = normalize(text)
    assert n.compact == "我不知道"
    s, e = n.span_to_original(0, 4)
    assert text[s:e] == "我不知道"


def test_normalize_pattern() -> None:
    assert normalize_pattern(" 你問我，我問誰 ") == "你问我,我问谁"
    assert normalize_pattern("我 不 知 道") == "我不知道"
    assert normalize_pattern("~ *") == ""


def test_fold_char_and_tables() -> None:
    assert fold_char("親") == "亲"
    assert fold_char("Ａ") == "a"
    assert fold_char("😀") == "😀"
    bmp, astral = fold_tables()
    assert len(bmp) == 0x10000
    for key, value in list(astral.items())[:20]:  # astral traditional characters fold too
        assert fold(chr(key)) == chr(value)


def test_utf16_offsets_count_astral_characters_twice() -> None:
    text = "😀我不知道"
    to16 = Utf16Map(text)
    assert to16(0) == 0
    assert to16(1) == 2
    assert to16(5) == 6
    assert utf16_len(text) == 6
    assert Utf16Map("纯中文")(3) == 3


def test_iter_paragraphs() -> None:
    assert list(iter_paragraphs("ab\n\ncd")) == [(0, "ab"), (3, ""), (4, "cd")]


@given(drafts)
def test_fold_preserves_length(text: str) -> None:
    assert len(fold(text)) == len(text)


@given(drafts)
def test_compact_is_folded_without_noise(text: str) -> None:
    n = normalize(text)
    assert n.compact == "".join(ch for ch in n.folded if ch not in NOISE_CHARS)
    for j, ch in enumerate(n.compact):
        i = n.to_original(j)
        assert n.folded[i] == ch


@given(drafts, st.data())
def test_spans_round_trip(text: str, data: st.DataObject) -> None:
    n = normalize(text)
    if not n.compact:
        return
    start = data.draw(st.integers(0, len(n.compact) - 1))
    end = data.draw(st.integers(start + 1, len(n.compact)))
    s, e = n.span_to_original(start, end)
    assert n.folded[s] not in NOISE_CHARS and n.folded[e - 1] not in NOISE_CHARS
    assert "".join(ch for ch in n.folded[s:e] if ch not in NOISE_CHARS) == n.compact[start:end]
    assert n.span_to_compact(s, e) == (start, end)


@given(drafts)
def test_utf16_map_matches_encoding(text: str) -> None:
    to16 = Utf16Map(text)
    for i in range(len(text) + 1):
        assert to16(i) == utf16_len(text[:i])
