"""Search and suggestion logic without SQL: index documents, query parsing, safe FTS5 queries, ranking."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import pairwise
from typing import Literal

from huashu.core import textproc
from huashu.core.textproc import SynonymTable

# Bumped whenever the index rows change; rows of another format are rebuilt (search_index.missing).
INDEX_FORMAT = "4"
SIGNATURE_TAG = INDEX_FORMAT + "."  # after the j/n mark of every signature; never in a hex digest
MAX_QUERY_CHARS = 256  # what the search box can meaningfully hold; longer input is cut, never rejected
MAX_MESSAGE_CHARS = 600  # a pasted customer message
MAX_TERMS = 10
MAX_KEYWORDS = 24

# FTS5 columns, in table order, and their BM25 weights (title counts most, character pairs least).
COLUMNS: tuple[str, ...] = (
    "title",
    "tags",
    "body",
    "notes",
    "category",
    "pinyin",
    "tag_pinyin",
    "tgrams",
    "bgrams",
)
WEIGHTS: dict[str, float] = {
    "title": 10.0,
    "tags": 6.0,
    "body": 1.5,
    "notes": 1.0,
    "category": 3.0,
    "pinyin": 6.0,
    "tag_pinyin": 2.5,
    "tgrams": 3.0,
    "bgrams": 0.5,
}
WORD_COLUMNS = "{title tags body notes category}"
GRAM_COLUMNS = "{tgrams bgrams}"
ALL_TEXT_COLUMNS = "{title tags body notes category tgrams bgrams}"
HEAD_COLUMNS = "{title tags category pinyin tag_pinyin tgrams}"
LATIN_COLUMNS = "{title tags body notes category pinyin tag_pinyin}"
# Readings: phrase_terms rows "<mark><pinyin>\x1f<word>" name the words of the library a typed pinyin
# stands for (kuaidi → 快递), so the query side needs no pypinyin. Full pinyin is recorded for every
# word of title, tags, text and notes; initials only for the words agents recall a phrase by: those of
# titles and tags, and the domain's (textproc.domain_words: 快递 in a text) — tk → 退款, but wl ↛ 为了
# in some text (two letters spell too many words). The marks sort before any letter, so completing a
# typed prefix never meets these rows.
READING_FULL = "\x01"
READING_INITIALS = "\x02"
READING_SEPARATOR = "\x1f"

# Usage boosts: relevance comes first; among close matches, what the agent reaches for wins.
FAVORITE_BOOST = 0.3
USE_BOOST = 0.12  # per doubling of uses
MAX_USE_BOOST = 0.6
HALF_LIFE_DAYS = 21.0
MAX_BOOST = 1.0 + FAVORITE_BOOST + MAX_USE_BOOST
SHORTCUT_EXACT = 1_000_000.0
SHORTCUT_PREFIX = 500_000.0

# Words that carry no intent in a customer's message or a typed query.
_STOPWORD_TEXT = """
    的 了 吗 呢 吧 啊 呀 哦 嗯 哈 啦 嘛 么 噢 哎 喂 诶 额 呃 哇 咯 喔
    我 你 您 他 她 它 我们 你们 您们 他们 她们 它们 咱 咱们 自己 大家 人家
    我的 你的 您的 他的 她的 你们的 我们的
    是 在 有 和 与 跟 及 或 也 都 还 就 又 再 才 很 太 挺 真 好 最 更 比较 非常 特别
    这 那 这个 那个 这些 那些 这样 那样 这么 那么 这边 那边 这里 那里 哪 哪里 哪儿 哪个 哪些
    个 些 点 一 一个 一下 一点 一些 一直 已经 现在 刚才 刚刚 马上 今天 昨天 明天
    把 被 给 让 对 从 向 到 为 为了 由 按 于 将 之 得 地 着 过 等
    什么 怎么 怎么办 怎样 怎么样 为什么 为啥 咋 咋办 啥 如何 多少 几 是不是 是否 能不能 可不可以 有没有
    能 会 要 想 可以 可能 应该 需要 请 请问 麻烦 谢谢 您好 你好 亲 在吗
    但 但是 可是 而且 然后 所以 因为 如果 就是 还是 不过 而 并 且
    说 问 看 做 搞 弄 下 上 里 中 后 前 时
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

ColumnName = Literal["title", "tags", "body", "notes", "category", "pinyin", "tag_pinyin", "tgrams", "bgrams"]
Segmenter = Callable[[str], "list[str] | None"]


# -- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    """One ranked phrase; `matched` names the words that made it match (for the UI and --json)."""

    phrase_id: int
    title: str
    text: str
    category: str
    shortcut: str | None
    score: float
    matched: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.phrase_id,
            "title": self.title,
            "text": self.text,
            "category": self.category,
            "shortcut": self.shortcut,
            "score": round(self.score, 4),
            "matched": list(self.matched),
        }


# -- the library side: index documents --------------------------------------------------------------


@dataclass(frozen=True)
class IndexDocument:
    """The space-joined tokens of one phrase (FTS5 unicode61 then only splits on the spaces).

    The character-pair columns are derived from `head_text`/`body_text` (normalized title, tags,
    category / text, notes), so the stored copy needed to delete the row later stays small.
    """

    title: str
    tags: str
    body: str
    notes: str
    category: str
    pinyin: str  # of the title's words and of the title read on from each word
    tag_pinyin: str  # of the tags' words
    head_text: str
    body_text: str
    pinyin_words: str  # the words read: one per (full, initials) pair of `pinyin`, then `tag_pinyin`
    segmented: bool = True  # False: built without jieba (CJK runs only); rebuilt once jieba is loaded
    # phrase_terms rows naming the words a typed pinyin stands for (see READING_FULL); not stored:
    # they are only added, never removed with the row (a stale one costs a lookup, nothing else).
    readings: tuple[str, ...] = ()

    @property
    def tgrams(self) -> str:
        return " ".join(textproc.bigrams(self.head_text))

    @property
    def bgrams(self) -> str:
        return " ".join(textproc.bigrams(self.body_text))

    def terms(self) -> set[str]:
        """Index words worth completing while typing: pinyin, latin/digit words, title character pairs."""
        found = (
            set(self.pinyin.split()) | set(self.tag_pinyin.split()) | set(textproc.bigrams(self.head_text))
        )
        for column in (self.title, self.tags, self.body, self.notes, self.category):
            found.update(t for t in column.split() if t.isascii())
        found.update(self.readings)
        return found

    def pinyin_pairs(self) -> list[tuple[str, str]]:
        """(pinyin token, the word it was read from), to explain a pinyin match: tk → 退款."""
        tokens = [*self.pinyin.split(), *self.tag_pinyin.split()]
        pairs: list[tuple[str, str]] = []
        for index, word in enumerate(self.pinyin_words.split()):
            pairs += [(token, word) for token in tokens[2 * index : 2 * index + 2]]
        return pairs

    def columns(self) -> tuple[str, ...]:
        """The values of the FTS5 columns, in COLUMNS order."""
        return (
            self.title,
            self.tags,
            self.body,
            self.notes,
            self.category,
            self.pinyin,
            self.tag_pinyin,
            self.tgrams,
            self.bgrams,
        )

    def stored(self) -> list[str]:
        return [
            self.title,
            self.tags,
            self.body,
            self.notes,
            self.category,
            self.pinyin,
            self.tag_pinyin,
            self.head_text,
            self.body_text,
            self.pinyin_words,
        ]

    @classmethod
    def from_stored(cls, values: Sequence[str]) -> IndexDocument:
        if len(values) != 10:
            raise ValueError("bad stored index document")
        title, tags, body, notes, category, pinyin, tag_pinyin, head_text, body_text, words = (
            str(v) for v in values
        )
        return cls(title, tags, body, notes, category, pinyin, tag_pinyin, head_text, body_text, words)


def source_signature(
    title: str, tags: Sequence[str], text: str, notes: str, category: str, *, segmented: bool
) -> str:
    """What the index row was built from; an unchanged signature means the row need not be rebuilt."""
    digest = hashlib.blake2b(digest_size=12)
    for part in (INDEX_FORMAT, "j" if segmented else "n", title, "\x1f".join(tags), text, notes, category):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return ("j" if segmented else "n") + SIGNATURE_TAG + digest.hexdigest()


def reading_key(mark: str, pinyin: str) -> str:
    """The start of the phrase_terms rows of the words read `pinyin` (full or initials, per `mark`)."""
    return mark + pinyin + READING_SEPARATOR


def reading_word(row: str) -> str:
    """The word of a reading row."""
    return row.rpartition(READING_SEPARATOR)[2]


def _unique(tokens: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t for t in tokens if t))


def _words(text: str, segmenter: Segmenter) -> tuple[list[str], bool]:
    words = segmenter(text)
    if words is None:
        return textproc.split_words(text), False
    return words, True


def _whole_and_words(label: str, segmenter: Segmenter) -> list[str]:
    """A tag or category name as one token (七天无理由) and its words (七天, 无理由), each once."""
    words = _words(label, segmenter)[0]
    runs = textproc.word_runs(label)
    if len(runs) == 1 and runs[0] not in words:
        return [runs[0], *words]
    return words


def build_document(
    title: str,
    tags: Sequence[str],
    text: str,
    notes: str,
    category: str,
    *,
    search_segmenter: Segmenter,
    precise_segmenter: Segmenter,
) -> IndexDocument:
    """Tokens for every column of one phrase; segmenters return None when jieba is not available."""
    n_title = textproc.normalize(title)
    n_tags = [textproc.normalize(t) for t in tags]
    n_text = textproc.normalize(text)
    n_notes = textproc.normalize(notes)
    n_category = [textproc.normalize(c) for c in category.split("/")]

    title_words, segmented = _words(n_title, search_segmenter)
    tag_words = [w for tag in n_tags for w in _whole_and_words(tag, search_segmenter)]
    body_words = _words(n_text, search_segmenter)[0]
    note_words = _words(n_notes, search_segmenter)[0]
    category_words = [w for part in n_category for w in _whole_and_words(part, search_segmenter)]

    # Pinyin of what agents recall a phrase by (title and tag words of two or more characters;
    # full and initials) plus the title read on from each word, so tuikuanjin… and tkjd… find
    # 退款进度查询 as the agent types. Body words are left out of these columns (they would grow five
    # times and initials of body words match almost anything: they reach the query as readings, below),
    # and so are category names (wlcq would find every phrase filed under 物流超期 before the one
    # titled 物流超期安抚).
    title_pinyin: list[str] = []
    tag_pinyin: list[str] = []
    title_read: list[str] = []
    tag_read: list[str] = []
    readings: dict[str, None] = {}
    seen: set[str] = set()
    for words, tokens, read in ((title_words, title_pinyin, title_read), (tag_words, tag_pinyin, tag_read)):
        for word in words:
            if len(word) < 2 or word in seen or not textproc.is_cjk(word):
                continue
            seen.add(word)
            full, initials = textproc.pinyin_of(word)
            if full:
                tokens += [full, initials]
                read.append(word)
                readings[reading_key(READING_FULL, full) + word] = None
                readings[reading_key(READING_INITIALS, initials) + word] = None
        if tokens is title_pinyin:
            if segmented:
                precise = [w for w in (precise_segmenter(n_title) or []) if textproc.is_cjk(w)]
            else:
                precise = [c for run in textproc.cjk_runs(n_title) for c in run]
            for start in range(len(precise) - 1):
                tail = "".join(precise[start:])
                if len(tail) < 3 or tail in seen:
                    continue
                seen.add(tail)
                full, initials = textproc.pinyin_of_words(precise[start:])
                if full:
                    title_pinyin += [full, initials]
                    title_read.append(tail)

    # The words of text and notes get their pinyin only as readings (kuaidi → 快递 in a text), not as
    # index tokens: a pinyin column over every text would be several times the size, and the query
    # then matches the word itself, so pinyin finds what the Chinese word finds. (The domain words
    # come from shipped resources: bump INDEX_FORMAT when a change to them should reach old indexes.)
    domain = textproc.domain_words()
    for word in dict.fromkeys([*body_words, *note_words]):
        if len(word) < 2 or not textproc.is_cjk(word):
            continue
        full, initials = textproc.pinyin_of(word)  # cached: most words of a library repeat
        if full:
            readings[reading_key(READING_FULL, full) + word] = None
            if word in domain:
                readings[reading_key(READING_INITIALS, initials) + word] = None

    head = " ".join([n_title, *n_tags, *n_category])
    return IndexDocument(
        title=" ".join(title_words),
        tags=" ".join(tag_words),
        body=" ".join(body_words),
        notes=" ".join(note_words),
        category=" ".join(category_words),
        pinyin=" ".join(title_pinyin),
        tag_pinyin=" ".join(tag_pinyin),
        head_text=head,
        body_text=n_text + " " + n_notes,
        pinyin_words=" ".join([*title_read, *tag_read]),
        segmented=segmented,
        readings=tuple(readings),
    )


# -- the query side -------------------------------------------------------------------------------

TermKind = Literal["cjk", "latin", "other"]


@dataclass(frozen=True)
class Term:
    """One word of the query: CJK (word, substring), latin (pinyin, initials, English), other (digits)."""

    text: str
    kind: TermKind
    alternatives: tuple[str, ...] = ()  # synonyms, matched as well as the term itself
    # Latin terms: the library's words this pinyin is the reading of (tk → 退款), matched like the
    # Chinese word wherever it occurs; filled in from the index by the caller (search_index).
    readings: tuple[str, ...] = ()
    # A prefix with no reading of its own (tuik): the readings of its completions (tuikuan → 退款),
    # used where completions are (a whole word, wuliu, does not stand for wuliudanhao's 物流单号).
    prefix_readings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    text: str  # normalized
    shortcut: str | None  # "/wl" when the query starts with a slash code
    terms: tuple[Term, ...]
    segmented: bool  # jieba split the CJK parts (False: jieba not loaded yet, CJK runs kept whole)
    truncated: bool = False
    # Chinese words said as a sentence (stop words such as 想, 个, 吗 were dropped: 想换个颜色): a
    # customer's message typed or pasted, ranked as suggestions are, not as keywords that must all match.
    sentence: bool = False

    @property
    def empty(self) -> bool:
        return not self.terms and not self.shortcut


def _kind(token: str) -> TermKind:
    if textproc.is_cjk(token):
        return "cjk"
    if textproc.is_pinyin_like(token):
        return "latin"
    return "other"


def parse_query(
    raw: object, *, synonyms: SynonymTable | None = None, segmenter: Segmenter | None = None
) -> Query:
    """Whatever was typed (any string, even hostile) → normalized terms; never raises for str input."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    truncated = len(text) > MAX_QUERY_CHARS
    norm = textproc.normalize(text, MAX_QUERY_CHARS)
    segment = segmenter or textproc.segment
    shortcut: str | None = None
    rest = norm
    if norm.startswith("/"):
        code, _, rest = norm.partition(" ")
        shortcut = code if len(code) > 1 else None
        rest = (code[1:] + " " + rest).strip()
    tokens: list[str] = []
    segmented = True
    for run in textproc.split_words(rest):
        if textproc.is_cjk(run) and len(run) > 1:
            words = segment(run)
            if words is None:
                segmented = False
                tokens.append(run)
            else:
                tokens.extend(words)
        else:
            tokens.append(run)
    tokens = textproc.join_syllables(tokens)
    meaningful = [t for t in tokens if t not in STOPWORDS]
    dropped = bool(meaningful) and len(meaningful) < len(tokens)
    if meaningful:
        tokens = meaningful
    terms: list[Term] = []
    seen: set[str] = set()
    for token in tokens:
        if token in seen:
            continue
        seen.add(token)
        kind = _kind(token)
        alternatives = synonyms.alternatives(token) if synonyms is not None and kind == "cjk" else ()
        terms.append(Term(token, kind, alternatives))
    sentence = dropped and segmented and shortcut is None and all(t.kind == "cjk" for t in terms)
    return Query(
        norm, shortcut, tuple(terms[:MAX_TERMS]), segmented, truncated or len(terms) > MAX_TERMS, sentence
    )


def wants_partial_matches(query: Query, *, matched_all: bool) -> bool:
    """Whether phrases matching only some of the words should be ranked (below those matching all).

    Yes for a sentence (a pasted customer message: three words or more, or six Chinese characters),
    and for several words of which no phrase has all; no for a half-typed query like 退k.
    """
    if len(query.terms) < 2:
        return False
    cjk = sum(len(t.text) for t in query.terms if t.kind == "cjk")
    if len(query.terms) >= 3 or cjk >= 6:
        return True
    return not matched_all and cjk >= 3


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _any(tokens: Sequence[str]) -> str:
    quoted = [_quote(t) for t in dict.fromkeys(tokens)]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def _cjk_expr(word: str, completions: Sequence[str] = ()) -> str:
    if len(word) == 1:
        # A first keystroke: the character as a word, or any title word pair it starts (退 → 退款).
        if completions:
            return f"{WORD_COLUMNS} : {_quote(word)} OR {ALL_TEXT_COLUMNS} : {_any(completions)}"
        return f"{WORD_COLUMNS} : {_quote(word)}"
    if len(word) == 2:
        return f"{ALL_TEXT_COLUMNS} : {_quote(word)}"
    grams = " ".join(textproc.bigrams(word))
    return f"{WORD_COLUMNS} : {_quote(word)} OR {GRAM_COLUMNS} : {_quote(grams)}"


def completes(term: Term) -> bool:
    """Whether a term is a prefix worth completing from the index words (tuik…, 退…, a4…)."""
    if term.kind == "latin":
        return len(term.text) >= 3
    if term.kind == "cjk":
        return len(term.text) == 1
    return len(term.text) >= 2


def term_expression(
    term: Term, *, with_alternatives: bool = True, completions: Sequence[str] = (), with_readings: bool = True
) -> str:
    """The FTS5 expression for one term, built only from quoted tokens: no user syntax gets through.

    Prefixes are completed from the index words (`completions`) rather than with FTS5's `*`, whose
    cost grows with every word sharing the prefix; two letters are taken as initials (tk), exactly.
    """
    if term.kind == "cjk":
        parts = [_cjk_expr(term.text, completions)]
        if with_alternatives:
            parts.extend(_cjk_expr(alt) for alt in term.alternatives if textproc.is_cjk(alt))
            parts.extend(
                f"{WORD_COLUMNS} : {_quote(w)}"
                for alt in term.alternatives
                if not textproc.is_cjk(alt)
                for w in textproc.word_runs(alt)[:1]
            )
        return "(" + " OR ".join(parts) + ")"
    tokens = _any([term.text, *completions])
    if term.kind == "latin":
        parts = [f"{LATIN_COLUMNS} : {tokens}"]
        if with_readings:
            words = [*term.readings, *(term.prefix_readings if completions else ())]
            # As the Chinese word is matched (category names too: below every title/tag match).
            parts.extend(_cjk_expr(w) for w in words)
        if with_alternatives:
            parts.extend(_cjk_expr(alt) for alt in term.alternatives if textproc.is_cjk(alt))
        return "(" + " OR ".join(parts) + ")"
    return f"({WORD_COLUMNS} : {tokens})"


def with_readings(
    term: Term, readings: Sequence[str], synonyms: SynonymTable | None, *, prefix: bool = False
) -> Term:
    """A latin term with the words it reads as (`prefix`: those of its completions), and their
    synonyms (kuaidi → 快递, then 物流 包裹 …, as the Chinese word expands)."""
    words = tuple(dict.fromkeys(w for w in readings if textproc.is_cjk(w)))
    if not words:
        return term
    alternatives: dict[str, None] = dict.fromkeys(term.alternatives)
    if synonyms is not None:
        for word in words:
            alternatives.update(dict.fromkeys(synonyms.alternatives(word)))
    for word in words:
        alternatives.pop(word, None)
    if prefix:
        return Term(term.text, term.kind, tuple(alternatives), term.readings, words)
    return Term(term.text, term.kind, tuple(alternatives), words, term.prefix_readings)


def match_expression(
    terms: Sequence[Term],
    *,
    operator: Literal["AND", "OR"],
    synonyms: bool,
    completions: dict[str, tuple[str, ...]] | None = None,
    head_only: bool = False,
) -> str | None:
    """Terms joined by AND/OR; `head_only` keeps to title, tags, category and their pinyin."""
    extra = completions or {}
    # Title and tag words have their pinyin in the head columns already: readings there would only
    # add to the cost (and shift BM25), never a match.
    parts = [
        term_expression(
            t, with_alternatives=synonyms, completions=extra.get(t.text, ()), with_readings=not head_only
        )
        for t in terms
    ]
    if not parts:
        return None
    if head_only:
        parts = [f"{HEAD_COLUMNS} : {p}" for p in parts]
    return f" {operator} ".join(parts)


# -- ranking --------------------------------------------------------------------------------------


def _parse_time(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        parsed = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def usage_boost(favorite: bool, use_count: int, last_used: str | None, now: datetime | None = None) -> float:
    """A multiplier ≥ 1: favorites, and frecency (uses, halved every HALF_LIFE_DAYS since the last one)."""
    boost = 1.0 + (FAVORITE_BOOST if favorite else 0.0)
    if use_count > 0:
        when = _parse_time(last_used)
        current = now or datetime.now(UTC)
        if current.tzinfo is None:
            current = current.replace(tzinfo=UTC)
        age_days = max(0.0, (current - when).total_seconds() / 86400.0) if when else 4 * HALF_LIFE_DAYS
        decay = 0.5 ** (age_days / HALF_LIFE_DAYS)
        boost += min(MAX_USE_BOOST, USE_BOOST * math.log2(1 + use_count) * decay)
    return boost


def relevance(bm25: float) -> float:
    """FTS5 bm25() is negative, better is lower; this is positive, better is higher."""
    return max(0.0, -bm25)


# -- suggestions: keywords of a customer's message ------------------------------------------------

# Question words of a customer's message and the words of the replies that answer them
# (什么时候 is answered by a phrase about 时间): weaker evidence than the message's own words.
# A longer cue wins over one inside it (怎么办理 is not 怎么办).
QUESTION_CUES: dict[str, tuple[str, ...]] = {
    "什么时候": ("时间", "预计", "时效"),
    "多久": ("时间", "预计", "时效"),
    "多长时间": ("时间", "预计", "时效"),
    "几天": ("时间", "预计", "时效"),
    "何时": ("时间", "预计"),
    "哪里": ("地址",),
    "在哪": ("地址",),
    "哪儿": ("地址",),
    "怎么办": ("处理", "方案"),
    "怎么回事": ("原因", "核实"),
    # "How do I do it" asks for the procedure of what the message wants, not for any phrase that
    # happens to hold 操作 (引导客户尝试操作).
    "怎么操作": ("流程", "步骤"),
    "如何操作": ("流程", "步骤"),
    "怎么弄": ("流程", "步骤"),
    "怎么办理": ("流程", "步骤"),
    "如何办理": ("流程", "步骤"),
    "什么流程": ("流程", "步骤"),
}
# A request: after one of these words (想换一个…, 能退吗, 可以开专票吗) the rest of the clause is what
# the customer asks for, and the reply should be about that; the rest of the message sets the scene
# (我买的衣服尺码不对). Only whole jieba words count: 要 of 重要 or 需要 of 不需要 is no cue.
_REQUEST_CUE_TEXT = (
    "想 要 想要 我要 希望 需要 能 能不能 能否 可以 可不可以 帮我 帮忙 给我 麻烦 请 怎么 如何 怎样 咋"
)
REQUEST_CUES: frozenset[str] = frozenset(_REQUEST_CUE_TEXT.split())
INTENT_WEIGHT = 1.5
# The verb a request starts with, when it is one character (能换吗, 想换个颜色, 能修吗), and the words
# of the replies that carry it out: the character alone is in too many texts (换电话, 换到安静的地方).
REQUEST_VERBS: dict[str, tuple[str, ...]] = {
    "换": ("换货",),
    "退": ("退货", "退款"),
    "修": ("维修",),
    "改": ("修改",),
    "补": ("补发",),
}
# A request verb with a result or direction after it is the verb still (换成白色的, 改成, 修好).
_VERB_COMPLEMENTS = frozenset("成掉回好上")
# Something done to the goods: the replies of the request verbs (换货, 退款 …).
GOODS_ACTIONS: frozenset[str] = frozenset(w for replies in REQUEST_VERBS.values() for w in replies)
# A clause may start with the verb itself, no cue before it (换个颜色, 退一下); 了 or 过 after it tell
# what happened instead (我换了手机号).
_ASPECT_CHARS = frozenset("了过")
# The customer's own reasons, as the shipped synonym groups head them: a change of mind or their own
# mistake (不想要了, 拍错) is what the no-reason policy covers. Saying one asks for a return or an
# exchange under it as much as 想/能 does; no reply admitting the shop's mistake answers it.
OWN_REASONS: frozenset[str] = frozenset(["七天无理由"])
# 我自己…错: the customer owns the mistake in words no group knows (我自己选的尺码错了).
_OWN_MISTAKE = re.compile(r"我自己[^\W\d_]{0,8}?错")
OWN_MISTAKE_WORD = "我自己"
# An own reason that is a mistake (拍错, 选错, 我自己…错), not a change of mind (不想要了), asks for the
# right goods as much as for the money back: it stands for the exchange as well (换货).
_MISTAKE_CHAR = "错"
# What a customer chooses goods by, as the shipped synonym groups head them (颜色: 黑色, 尺码: 大一号).
# In a clause that asks for something done to the goods (想换[个颜色], 能换[大一码]吗) or gives the
# customer's own reason (拍错[型号]), they only say which goods: the reply is the exchange, not the
# colour complaint (色差复述确认) nor the model advice (推荐合适型号), so they weigh ATTRIBUTE_WEIGHT.
# In the scene of a message (我买的衣服尺码不对) they keep their weight: there they are the problem.
ATTRIBUTES: frozenset[str] = frozenset(["颜色", "尺码", "型号"])
ATTRIBUTE_WEIGHT = 0.5
# What is wrong with something, as the shipped synonym groups head them (写错, 填错 → 有误). Said of
# something (发票抬头写错了), it counts for a reply only along with that: 发票信息有误重开 answers the
# wrong invoice title, but no reply about invoices answers 收货地址填错了.
FAULTS: frozenset[str] = frozenset(["有误"])
# A customer's word stands for its synonym group's head (the word titles and tags use: 还没到 → 超期)
# nearly as much as for itself, and for the group's other words less.
HEAD_WEIGHT = 0.8
SYNONYM_WEIGHT = 0.4
CUE_WEIGHT = 0.5
SINGLE_CHAR_WEIGHT = 0.5
# Mishaps, as the shipped synonym groups head them: a reply titled after one (型号发错换发, 收到商品破损)
# presumes it happened, often admitting a fault ("是我们发货时出了差错"). Suggested for a message that
# mentions none of its group's words (我买的衣服尺码不对，想换大一号), it weighs PRESUMED_FACTOR.
_MISHAP_TEXT = "超期 不更新 极端天气 丢件 缺货 发错 漏发 破损 故障 瑕疵 支付失败 重复扣款 系统故障"
MISHAPS: frozenset[str] = frozenset(_MISHAP_TEXT.split())
PRESUMED_FACTOR = 0.5
# Given the customer's own reason (我自己拍错型号: OWN_REASONS), such a reply contradicts them.
CONTRADICTED_FACTOR = PRESUMED_FACTOR * PRESUMED_FACTOR
# One-character words that say nothing on their own: negations, degree and size words, measure words
# and the verbs of every purchase (我买的). 不 of 不对 matched 暂不支持, 大 of 大一号 matched 声音较大.
FUNCTION_CHARS = frozenset("不没别未无非很太挺超更最越较大小多少长短高低对错买卖拍个只件双条码号")
BM25_K1 = 1.2
BM25_B = 0.75
SCORED_FIELDS: tuple[ColumnName, ...] = ("title", "tags", "body", "notes", "category")
FIELD_WEIGHTS: dict[str, float] = {"title": 3.0, "tags": 2.0, "body": 1.0, "notes": 0.7, "category": 1.0}


@dataclass(frozen=True)
class Keyword:
    """A word of the customer's message worth matching, and the words that stand for it."""

    text: str
    alternatives: tuple[str, ...] = ()
    weight: float = 1.0
    heads: tuple[str, ...] = ()  # alternatives that head their synonym group (weighed HEAD_WEIGHT)
    alternative_weight: float = SYNONYM_WEIGHT
    grams_only: bool = False  # jieba-free fallback: a character pair, matched as a substring
    asked: bool = False  # in what the customer asks for (weighed INTENT_WEIGHT)
    said_of: str | None = None  # a fault (FAULTS): the keyword it is said of, without which it never counts

    @property
    def titled(self) -> bool:
        """Whether replies are looked up by what titles call this keyword (asked_expression): what the
        customer asks for, and a fault said of something (写错 → 有误: 发票信息有误重开), which tell
        the reply from the many phrases sharing the message's other words."""
        return self.asked or self.said_of is not None

    def as_term(self) -> Term:
        return Term(self.text, _kind(self.text), self.alternatives)

    def variants(self) -> list[tuple[str, float]]:
        """(word, weight): the keyword itself, then its synonyms or answer words."""
        own = self.weight * (SINGLE_CHAR_WEIGHT if len(self.text) == 1 else 1.0)
        out = [(self.text, own)]
        for alt in self.alternatives:
            factor = HEAD_WEIGHT if alt in self.heads else self.alternative_weight
            out.append((alt, self.weight * factor))
        return out


@dataclass
class MessageKeywords:
    text: str
    keywords: list[Keyword] = field(default_factory=list)
    segmented: bool = True


def _locate(text: str, words: Sequence[str]) -> list[tuple[int, int, str]]:
    """Positions of jieba's words, which come in text order (search-mode sub-words precede theirs)."""
    located: list[tuple[int, int, str]] = []
    cursor = 0
    for word in words:
        start = text.find(word, max(0, cursor - len(word) - 3))
        if start < 0:
            start = text.find(word)
        if start < 0:
            continue
        located.append((start, start + len(word), word))
        cursor = max(cursor, start + len(word))
    return located


def _keyword(word: str, synonyms: SynonymTable | None) -> Keyword:
    if synonyms is None:
        return Keyword(word)
    return Keyword(word, synonyms.alternatives(word), heads=synonyms.heads(word))


_CLAUSE_END = re.compile(r"[^\w\s]")
# Words of a request cue that jieba's search mode cuts out of it (能不能 → 能 不能, 可不可以 → 可不 不可).
_CUE_PARTS = frozenset(["不能", "不可", "可不", "帮", "我"])


def _clause_end(norm: str, start: int) -> int:
    stop = _CLAUSE_END.search(norm, start)
    return len(norm) if stop is None else stop.start()


def _requests(
    norm: str, located: Sequence[tuple[int, int, str]], taken: Sequence[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], set[int]]:
    """The request cues of a message, what follows each (to the end of its clause), and the start of
    the first word there: the verb of the request (想[换]一个…, 能不能[开]专票). A clause that starts
    with a one-character request verb is a request without a cue (换个颜色: REQUEST_VERBS)."""
    cues: list[tuple[int, int]] = []
    asked: list[tuple[int, int]] = []
    verbs: set[int] = set()
    # A cue jieba cut in two (帮我换个黑色的: 帮 我) is a cue still.
    joined = [
        (start, after[1], word + after[2])
        for (start, end, word), after in pairwise(located)
        if after[0] == end and word + after[2] in REQUEST_CUES
    ]
    for start, end, word in [*located, *joined]:
        if word not in REQUEST_CUES or any(a <= start and end <= b for a, b in taken):
            continue
        clause_end = _clause_end(norm, end)
        cues.append((start, end))
        asked.append((end, clause_end))
        starts = [
            s
            for s, _, w in located
            if end <= s < clause_end and w not in REQUEST_CUES and w not in _CUE_PARTS and w not in STOPWORDS
        ]
        if starts:
            verbs.add(min(starts))
    clause_start = 0
    for start, end, word in located:
        if start < clause_start or word in STOPWORDS or word in _CUE_PARTS or word in REQUEST_CUES:
            continue
        # The first word of this clause that says anything: the clause's verb if it is a request's.
        clause_start = _clause_end(norm, start) + 1
        if (
            _replies(word)
            and norm[end : end + 1] not in _ASPECT_CHARS
            and not any(a <= start < b for a, b in asked)
            and not any(a <= start < b for a, b in taken)
        ):
            asked.append((start, clause_start - 1))
            verbs.add(start)
    return cues, asked, verbs


def extract_keywords(
    message: object, *, synonyms: SynonymTable | None = None, segmenter: Segmenter | None = None
) -> MessageKeywords:
    """Intent words of a customer's message: synonym terms found in it, jieba words minus stop words
    (a word straddling a synonym term is a segmentation slip: 能开发票 is 开 + 发票, not 开发), and
    question words mapped to the words of their answers (什么时候 → 时间).

    What the customer asks for (the clause after 想/要/能/可以…: 想[换一个大一号的]) weighs
    INTENT_WEIGHT, the scene it is asked in (我买的衣服尺码不对) the normal weight; a one-character verb
    of a request also stands for the words of its replies (能[退]吗 → 退货, 退款: REQUEST_VERBS). The
    customer's own reason (拍错, 不想要了, 我自己…错: OWN_REASONS) is asked for as well; what goods are
    chosen by (颜色, 尺码: ATTRIBUTES) weighs less in a clause about doing something to them. A
    one-character function word (FUNCTION_CHARS: 不, 大, 买) is a keyword only as such a verb, or when
    the message has nothing else: elsewhere it matches any phrase that happens to hold it (暂不支持,
    声音较大).
    """
    text = message if isinstance(message, str) else ("" if message is None else str(message))
    norm = textproc.normalize(text, MAX_MESSAGE_CHARS)
    result = MessageKeywords(norm)
    found: dict[str, Keyword] = {}
    where: dict[str, int] = {}  # keyword → where it starts in the message
    spans: list[tuple[int, int, str]] = synonyms.spans(norm) if synonyms is not None else []
    for start, _, term in spans:
        found[term] = _keyword(term, synonyms)
        where[term] = start
    cue_spans: list[tuple[int, int]] = []
    for cue, answers in sorted(QUESTION_CUES.items(), key=lambda item: -len(item[0])):
        at = norm.find(cue)
        if at >= 0 and cue not in found and not any(a < at + len(cue) and at < b for a, b in cue_spans):
            found[cue] = Keyword(cue, answers, weight=CUE_WEIGHT, alternative_weight=1.0)
            where[cue] = at
            cue_spans.append((at, at + len(cue)))
    taken = [(a, b) for a, b, _ in spans] + cue_spans
    own = _own_mistake(norm, spans, found, synonyms)
    if own is not None:
        found[own[0].text] = own[0]
        where[own[0].text] = own[1]
    segment = segmenter or textproc.segment_for_search
    words = segment(norm)
    intent: set[str] = set()
    lone: dict[str, Keyword] = {}  # FUNCTION_CHARS: keywords only if there is nothing else
    if words is None:
        result.segmented = False
        for run in textproc.word_runs(norm):
            if textproc.is_cjk(run):
                for gram in textproc.bigrams(run):
                    if gram not in STOPWORDS and gram not in found and not any(gram in t for t in found):
                        found[gram] = Keyword(gram, grams_only=True)
            elif len(run) >= 2 and run not in found:
                found[run] = Keyword(run)
    else:
        located = _locate(norm, words)
        cues, asked, verbs = _requests(norm, located, taken)
        intent.update(term for a, _, term in spans if any(s <= a < e for s, e in asked))
        for start, end, word in located:
            if word in STOPWORDS or (word in _CUE_PARTS and any(a <= end and start <= b for a, b in cues)):
                continue
            if any(s <= start < e for s, e in asked) and not any(a <= start < b for a, b in cue_spans):
                intent.add(word)
            if word in found:
                continue
            where.setdefault(word, start)
            if textproc.is_cjk(word):
                overlaps = [(a, b) for a, b in taken if start < b and a < end]
                if overlaps:
                    # Inside or across a synonym term or question word already found: what sticks
                    # out is a word of its own (能开发票吗: 开发票 over 发票 leaves 开).
                    rest = "".join(
                        ch for i, ch in enumerate(word, start) if not any(a <= i < b for a, b in overlaps)
                    )
                    if rest and rest not in found and rest not in STOPWORDS and textproc.is_cjk(rest):
                        where.setdefault(rest, start)
                        if start in verbs:
                            found[rest] = _request_verb(rest, synonyms)
                            intent.add(rest)
                        elif rest in FUNCTION_CHARS:
                            lone.setdefault(rest, _keyword(rest, synonyms))
                        else:
                            found[rest] = _keyword(rest, synonyms)
                    continue
            elif len(word) < 2 or word.isdigit():
                continue
            if start in verbs:
                found[word] = _request_verb(word, synonyms)
            elif word in FUNCTION_CHARS:
                lone.setdefault(word, _keyword(word, synonyms))
            else:
                found[word] = _keyword(word, synonyms)
    keywords = [_as_asked(k) if k.text in intent or _own_reason(k) else k for k in found.values()]
    if not result.segmented:
        where.clear()  # the grams of the fallback have no clauses to weigh attributes by
    keywords = _said_of(norm, _weigh_attributes(norm, keywords, where), where)
    content = [k for k in keywords if k.text not in STOPWORDS]
    # 你好，在吗？…开专票: greetings are filler once the message says anything else.
    result.keywords = (content or keywords or list(lone.values()))[:MAX_KEYWORDS]
    return result


def _as_asked(keyword: Keyword) -> Keyword:
    """A keyword of what the customer asks for; a mistake of their own stands for the exchange too."""
    if _own_reason(keyword) and (_MISTAKE_CHAR in keyword.text or keyword.text == OWN_MISTAKE_WORD):
        exchange = tuple(w for w in REQUEST_VERBS["换"] if w not in keyword.alternatives)
        keyword = replace(
            keyword, alternatives=(*keyword.alternatives, *exchange), heads=(*keyword.heads, *exchange)
        )
    return replace(keyword, weight=keyword.weight * INTENT_WEIGHT, asked=True)


def _own_reason(keyword: Keyword) -> bool:
    """A word for the customer's own reason: 不想要了, 拍错 (a word of an OWN_REASONS group)."""
    return keyword.text in OWN_REASONS or not OWN_REASONS.isdisjoint(keyword.heads)


def _own_mistake(
    norm: str,
    spans: Sequence[tuple[int, int, str]],
    found: Mapping[str, Keyword],
    synonyms: SynonymTable | None,
) -> tuple[Keyword, int] | None:
    """我自己…错 (我自己选的尺码错了): 我自己 as a keyword for the customer's own reason, and where it
    is, when the message has no word of one already; 错 of a word the synonym groups know (我自己看了是
    发错了) is not theirs."""
    if synonyms is None or any(_own_reason(k) for k in found.values()):
        return None
    match = _OWN_MISTAKE.search(norm)
    if match is None or any(a < match.end() <= b for a, b, _ in spans):
        return None
    head = next((h for h in sorted(OWN_REASONS) if h in synonyms), None)
    if head is None:
        return None
    return Keyword(OWN_MISTAKE_WORD, (head, *synonyms.alternatives(head)), heads=(head,)), match.start()


def _weigh_attributes(norm: str, keywords: Sequence[Keyword], where: Mapping[str, int]) -> list[Keyword]:
    """Attributes (ATTRIBUTES: 颜色, 大一号) in a clause that asks for something done to the goods or
    gives the customer's own reason weigh ATTRIBUTE_WEIGHT, and are no longer what is asked for."""

    def clause(keyword: Keyword) -> int:
        return len(_CLAUSE_END.findall(norm, 0, where[keyword.text]))

    goods = {
        clause(k)
        for k in keywords
        if k.text in where
        and (
            _own_reason(k) or (k.asked and (k.text in GOODS_ACTIONS or not GOODS_ACTIONS.isdisjoint(k.heads)))
        )
    }
    if not goods:
        return list(keywords)
    weighed: list[Keyword] = []
    for k in keywords:
        if (
            k.text in where
            and (k.text in ATTRIBUTES or not ATTRIBUTES.isdisjoint(k.heads))
            and clause(k) in goods
        ):
            base = k.weight / INTENT_WEIGHT if k.asked else k.weight
            k = replace(k, weight=base * ATTRIBUTE_WEIGHT, asked=False)
        weighed.append(k)
    return weighed


def _said_of(norm: str, keywords: Sequence[Keyword], where: Mapping[str, int]) -> list[Keyword]:
    """Each fault (FAULTS) tied to what it is said of: the nearest keyword of its clause, the one
    before it first (发票抬头[写错了]), question words and other faults aside."""

    def fault(keyword: Keyword) -> bool:
        return keyword.text in FAULTS or not FAULTS.isdisjoint(keyword.heads)

    if not any(fault(k) and k.text in where for k in keywords):
        return list(keywords)
    clause_of = {t: len(_CLAUSE_END.findall(norm, 0, at)) for t, at in where.items()}
    tied: list[Keyword] = []
    for k in keywords:
        if fault(k) and k.text in where:
            at = where[k.text]
            near = [
                (where[other.text] > at, abs(where[other.text] - at), other.text)
                for other in keywords
                if other.text in where
                and other.text != k.text
                and clause_of[other.text] == clause_of[k.text]
                and other.text not in QUESTION_CUES
                and not fault(other)
            ]
            if near:
                k = replace(k, said_of=min(near)[2])
        tied.append(k)
    return tied


def _replies(verb: str) -> tuple[str, ...]:
    """The replies a request verb stands for (REQUEST_VERBS): 换, and 换成 (_VERB_COMPLEMENTS)."""
    if len(verb) == 2 and verb[1] in _VERB_COMPLEMENTS:
        verb = verb[0]
    return REQUEST_VERBS.get(verb, ())


def _request_verb(word: str, synonyms: SynonymTable | None) -> Keyword:
    """The verb a request starts with: a one-character one (能[换]吗, 想[换]个颜色), or one with its
    result after it ([换成]白色的), also stands for the words of the replies that carry it out
    (REQUEST_VERBS); another longer one is a word of its own (想[修改]密码 is no 维修)."""
    replies = _replies(word)
    return Keyword(word, replies, heads=replies) if replies else _keyword(word, synonyms)


def keyword_expression(keyword: Keyword, completions: Sequence[str] = ()) -> str:
    """Candidates for a keyword: the word, its completions, its group heads and answer words (the
    other synonyms only count in scoring: matching them all would make the query slow and loose)."""
    if keyword.grams_only:
        return f"({GRAM_COLUMNS} : {_quote(keyword.text)})"
    wanted = keyword.alternatives if keyword.alternative_weight >= 1.0 else keyword.heads
    term = Term(keyword.text, _kind(keyword.text), wanted)
    return term_expression(term, completions=completions)


def asked_expression(keyword: Keyword) -> str:
    """What a keyword of the customer's request is called in titles and tags: its synonym group's
    head or its replies (换一个, 能换吗 → 换货), else the word itself, as an FTS5 expression for the
    head columns. The character itself would find 换电话 before 换货流程."""
    words = keyword.heads or (keyword.text,)
    return HEAD_COLUMNS + " : (" + " OR ".join(term_expression(Term(w, _kind(w))) for w in words) + ")"


def keyword_variants(keywords: Sequence[Keyword]) -> list[str]:
    return list(dict.fromkeys(v for k in keywords for v, _ in k.variants()))


@dataclass(frozen=True)
class Candidate:
    """A phrase to score: its normalized text per field (title, tags, body, notes, category)."""

    phrase_id: int
    texts: dict[str, str]


def document_frequency(word: str, vocabulary: dict[str, int], n_docs: int) -> int:
    """Phrases holding the word: its own count, else (a word jieba never produced) its rarest pair."""
    if word in vocabulary:
        return vocabulary[word]
    pairs = textproc.bigrams(word) if len(word) > 2 else []
    counts = [vocabulary.get(p, 0) for p in pairs]
    if counts:
        return min(counts)
    return max(1, n_docs // 10)


def score_candidates(
    keywords: Sequence[Keyword],
    candidates: Sequence[Candidate],
    vocabulary: dict[str, int],
    n_docs: int,
    *,
    mishaps: Mapping[str, Sequence[str]] | None = None,
) -> dict[int, tuple[float, tuple[str, ...]]]:
    """BM25F per keyword, each keyword counted once at its best variant (word, synonym, answer word).

    Summing over variants and fields (what one FTS5 OR query does) lets a synonym group with many
    words, or a common word found in every field, drown the customer's rarer words; pooling the
    fields before saturation and taking the best variant per keyword gives every word of the message
    one vote, weighed by its rarity. Returns phrase id → (score, the keywords that matched, as `word`
    or `word→synonym`).
    """
    if not candidates:
        return {}
    n = max(n_docs, len(candidates), 1)
    average = {
        f: max(1.0, sum(len(c.texts.get(f, "")) for c in candidates) / len(candidates)) for f in SCORED_FIELDS
    }
    idf: dict[str, float] = {}
    for word in keyword_variants(keywords):
        df = min(document_frequency(word, vocabulary, n), n)
        idf[word] = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
    scores: dict[int, tuple[float, tuple[str, ...]]] = {}
    presumed = _presumable(keywords, mishaps or {})
    presumption = CONTRADICTED_FACTOR if any(_own_reason(k) for k in keywords) else PRESUMED_FACTOR
    variants = [(keyword, keyword.variants()) for keyword in keywords]
    for candidate in candidates:
        texts = candidate.texts
        norms = {
            f: 1 - BM25_B + BM25_B * len(texts.get(f, "")) / average[f] for f in SCORED_FIELDS if texts.get(f)
        }
        # Most variants (a colour group's thirty words) are in no field: one look at all of them first.
        whole = "\x1f".join(texts[f] for f in norms)
        total = 0.0
        matched: list[str] = []
        found: dict[str, tuple[float, str]] = {}
        for keyword, words in variants:
            best = 0.0
            label = ""
            for word, weight in words:
                if word not in whole:
                    continue
                pooled = 0.0  # BM25F: fields pooled before saturation, so 4 fields ≠ 4 votes
                for f, norm in norms.items():
                    tf = texts[f].count(word)
                    if tf:
                        pooled += FIELD_WEIGHTS[f] * tf / norm
                if not pooled:
                    continue
                value = idf[word] * weight * pooled * (BM25_K1 + 1) / (pooled + BM25_K1)
                if value > best:
                    best = value
                    label = keyword.text if word == keyword.text else f"{keyword.text}→{word}"
            if best > 0:
                found[keyword.text] = (best, label)
        for keyword in keywords:
            hit = found.get(keyword.text)
            if hit is not None and (keyword.said_of is None or keyword.said_of in found):
                total += hit[0]
                matched.append(hit[1])
        if total > 0:
            title = texts.get("title", "")
            if any(head in title for head in presumed):
                total *= presumption
            scores[candidate.phrase_id] = (total, tuple(matched))
    return scores


def mishap_groups(synonyms: SynonymTable) -> dict[str, tuple[str, ...]]:
    """The synonym groups headed by a mishap (MISHAPS): head → every word of its groups."""
    found: dict[str, dict[str, None]] = {}
    for group in synonyms.groups:
        if group[0] in MISHAPS:
            found.setdefault(group[0], {}).update(dict.fromkeys(group))
    return {head: tuple(words) for head, words in found.items()}


def _presumable(keywords: Sequence[Keyword], mishaps: Mapping[str, Sequence[str]]) -> list[str]:
    """The mishaps a message does not mention: none of their group's words is a keyword, a synonym
    of one or an answer word, and none holds a word the groups do not know (碎 of 碎了, 失败 of
    付款一直失败: what the customer says in other words). A title names a mishap by its head (the
    word titles use: 型号发错换发), so 抱怨处理太慢 presumes no late parcel (超期: 太慢)."""
    said = {word for k in keywords for word, _ in k.variants()}
    # Only words outside the synonym groups: 型号 is a word of its own group, not of 型号不对 (发错).
    own = [k.text for k in keywords if not k.alternatives]
    return [
        head
        for head, group in mishaps.items()
        if not any(word in said or any(k in word for k in own) for word in group)
    ]


# -- explanation ----------------------------------------------------------------------------------


def explain_terms(
    terms: Sequence[Term], haystack: str, pinyin_pairs: Sequence[tuple[str, str]]
) -> tuple[str, ...]:
    """Which terms made a phrase match: `退款`, `退钱→退款` (through a synonym), `tk→退款` (pinyin)."""
    matched: list[str] = []
    for term in terms:
        if term.kind == "latin":
            hit = next((word for token, word in pinyin_pairs if token.startswith(term.text)), None)
            if hit is None:
                readings = (*term.readings, *term.prefix_readings)
                hit = next((word for word in readings if word in haystack), None)
            if hit is not None:
                matched.append(f"{term.text}→{hit}")
                continue
        if term.text in haystack:
            matched.append(term.text)
            continue
        alt = next((a for a in term.alternatives if a in haystack), None)
        if alt is not None:
            matched.append(f"{term.text}→{alt}")
    return tuple(matched)
