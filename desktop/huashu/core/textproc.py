"""Search-side text processing: cleaning, t2s, width folding, jieba segmentation, pinyin and synonyms."""

from __future__ import annotations

import array
import hashlib
import logging
import marshal
import os
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from huashu.paths import resource, user_cache_dir

log = logging.getLogger(__name__)

# CJK unified ideographs (basic, extension A, compatibility, extensions B and later).
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_HAS_CJK = re.compile(f"[{CJK_CLASS}]")
_ALL_CJK = re.compile(f"^[{CJK_CLASS}]+$")
# A word for the index: a run of CJK characters, or a run of other letters and digits.
_WORD_RUN = re.compile(f"[{CJK_CLASS}]+|[^\\W_{CJK_CLASS}]+")
# C0/C1 controls (NUL included), and the Unicode line/paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_SPACE = re.compile(r"\s+")
# jieba's own block pattern: it segments each such run on its own, so runs can be cut (and cached)
# one at a time with the same result; what lies between them is punctuation and rare characters.
_JIEBA_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&._%\\-]+)")


# -- cleaning and normalisation ------------------------------------------------------------------


def clean(text: str, max_chars: int | None = None) -> str:
    """Text SQLite and the tokenizers can always take: no lone surrogates, NULs or control characters."""
    if not isinstance(text, str):
        text = str(text)
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars]
    # Lone surrogates (from broken clipboards or JSON) cannot be encoded to UTF-8 for SQLite.
    text = text.encode("utf-8", "ignore").decode("utf-8")
    return _CONTROL.sub(" ", text)


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """Traditional → simplified, one character at a time, from OpenCC's own TSCharacters table."""
    table: dict[int, str] = {}
    source = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or len(parts[0]) != 1:
            continue
        target = parts[1].split(" ")[0]
        if target and target != parts[0]:
            table[ord(parts[0])] = target
    return table


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    return frozenset(chr(c) for c in _t2s_table())


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (a char-level table: far faster than OpenCC's converter)."""
    if _traditional().isdisjoint(text):  # the common case, checked in C
        return text
    return text.translate(_t2s_table())


def fold(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms), lower case, simplified characters."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return to_simplified(text.lower())


_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def fold_words(text: str) -> str:
    """fold() for matching words in stored text: the same result for letters, digits and CJK, but
    NFKC only when there are full-width letters or digits (Chinese punctuation alone does not need it)."""
    if _FULLWIDTH_ALNUM.search(text):
        text = unicodedata.normalize("NFKC", text)
    return to_simplified(text.lower())


def normalize(text: str, max_chars: int | None = None) -> str:
    """Clean and fold, with runs of whitespace collapsed: both the library side and the query side."""
    return _SPACE.sub(" ", fold(clean(text, max_chars))).strip()


def has_cjk(text: str) -> bool:
    return _HAS_CJK.search(text) is not None


def is_cjk(text: str) -> bool:
    return _ALL_CJK.match(text) is not None


def word_runs(text: str) -> list[str]:
    """Jieba-free words: CJK runs and runs of other letters/digits (punctuation and spaces dropped)."""
    return _WORD_RUN.findall(text)


_ENGLISH = re.compile("[A-Za-z0-9]+")


def split_words(text: str) -> list[str]:
    """Jieba-free words, split where jieba splits the non-CJK parts: CJK runs whole, [A-Za-z0-9]
    runs, and runs of other letters (0à → 0, à), so a query word meets the indexed one."""
    words: list[str] = []
    for index, part in enumerate(_JIEBA_BLOCK.split(text)):
        if not part:
            continue
        if index % 2 == 0:
            words.extend(_WORD_RUN.findall(part))
        else:
            for run in _WORD_RUN.findall(part):
                words.extend([run] if _ALL_CJK.match(run) else _ENGLISH.findall(run))
    return words


def cjk_runs(text: str) -> list[str]:
    return _CJK_RUN.findall(text)


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of every CJK run (a one-character run is kept as it is)."""
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def _words_only(tokens: Iterable[str]) -> list[str]:
    """Jieba tokens reduced to index words (punctuation, spaces and mixed symbols split away)."""
    out: list[str] = []
    for token in tokens:
        if _ALL_CJK.match(token):
            out.append(token)
        else:
            out.extend(_WORD_RUN.findall(token))
    return out


# -- jieba, loaded in the background -------------------------------------------------------------

_FREQ_FORMAT = 2
_CHUNK = 25_000  # entries per cache chunk: each one holds the GIL for only a few milliseconds


class _JiebaState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.done = threading.Event()
        self.thread: threading.Thread | None = None
        self.tokenizer: Any = None
        self.error: str | None = None
        self.extra_words: dict[str, None] = {}
        self.load_seconds: float | None = None
        self.from_cache: bool | None = None


_jieba = _JiebaState()


def ensure_jieba_loading() -> None:
    """Start loading jieba's dictionary on a daemon thread (once); returns at once."""
    with _jieba.lock:
        if _jieba.thread is not None:
            return
        _jieba.thread = threading.Thread(target=_load_jieba, name="huashu-jieba", daemon=True)
        _jieba.thread.start()


def jieba_ready() -> bool:
    return _jieba.ready.is_set()


def wait_jieba(timeout: float | None = None) -> bool:
    """Block until jieba is loaded (starting the load if needed); False on timeout or failure."""
    ensure_jieba_loading()
    _jieba.done.wait(timeout)
    return _jieba.ready.is_set()


def jieba_error() -> str | None:
    """Why jieba could not be loaded (search then keeps to its jieba-free fallback), or None."""
    return _jieba.error


def jieba_load_info() -> dict[str, object]:
    return {
        "ready": jieba_ready(),
        "seconds": _jieba.load_seconds,
        "from_cache": _jieba.from_cache,
        "error": _jieba.error,
    }


def add_words(words: Iterable[str]) -> None:
    """Domain words jieba must keep whole (synonym terms); applied now or as soon as jieba is loaded."""
    fresh: list[str] = []
    with _jieba.lock:
        for word in words:
            if len(word) >= 2 and is_cjk(word) and word not in _jieba.extra_words:
                _jieba.extra_words[word] = None
                fresh.append(word)
        tokenizer = _jieba.tokenizer if _jieba.ready.is_set() else None
    if tokenizer is not None and fresh:
        _add_to_tokenizer(tokenizer, fresh)


def _add_to_tokenizer(tokenizer: Any, words: Iterable[str]) -> None:
    added = False
    for word in words:
        if not tokenizer.FREQ.get(word):
            tokenizer.add_word(word, tokenizer.suggest_freq(word, False))
            added = True
    if added:
        _cut_short.cache_clear()


def _jieba_dict_path() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


def _cache_path(dict_path: Path) -> Path:
    import jieba

    stat = dict_path.stat()
    key = f"{_FREQ_FORMAT}:{jieba.__version__}:{stat.st_size}:{int(stat.st_mtime)}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return user_cache_dir() / f"jieba-{digest}.cache"


def _yield_gil() -> None:
    time.sleep(0.0005)


def _read_cache(path: Path) -> tuple[dict[str, int], int] | None:
    """The prefix dictionary from our cache: ~5× faster than jieba's own marshal'd dict, in chunks."""
    try:
        with path.open("rb") as handle:
            loaded = marshal.load(handle)
        if not isinstance(loaded, tuple) or len(loaded) != 3 or loaded[0] != _FREQ_FORMAT:
            return None
        _, total, chunks = loaded
        freq: dict[str, int] = {}
        for blob, counts in chunks:
            values = array.array("q")
            values.frombytes(counts)
            keys = blob.decode("utf-8").split("\n")
            if len(keys) != len(values):
                return None
            freq.update(zip(keys, values, strict=True))
            _yield_gil()
        return freq, int(total)
    except (OSError, EOFError, ValueError, TypeError, UnicodeDecodeError):
        return None


def _write_cache(path: Path, freq: dict[str, int], total: int) -> None:
    keys = list(freq)
    chunks = [
        (
            "\n".join(keys[i : i + _CHUNK]).encode("utf-8"),
            array.array("q", (freq[k] for k in keys[i : i + _CHUNK])).tobytes(),
        )
        for i in range(0, len(keys), _CHUNK)
    ]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with tmp.open("wb") as handle:
            marshal.dump((_FREQ_FORMAT, total, chunks), handle)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only profile just means no cache next time
        log.info("jieba cache not written: %s", exc)


def _build_freq(dict_path: Path) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary (Tokenizer.gen_pfdict), built in plain Python so the GIL is shared."""
    freq: dict[str, int] = {}
    total = 0
    with dict_path.open("rb") as handle:
        for lineno, raw in enumerate(handle, 1):
            parts = raw.decode("utf-8").strip().split(" ")
            if len(parts) < 2:
                continue
            word, count = parts[0], int(parts[1])
            freq[word] = count
            total += count
            for end in range(1, len(word)):
                freq.setdefault(word[:end], 0)
            if lineno % 5000 == 0:
                _yield_gil()
    return freq, total


def _user_dict_lines() -> list[tuple[str, int | None, str | None]]:
    try:
        text = resource("search", "jieba_user.dict").read_text(encoding="utf-8")
    except (OSError, FileNotFoundError):
        return []
    entries: list[tuple[str, int | None, str | None]] = []
    for line in text.lstrip("\ufeff").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word = fold(parts[0])
        count = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        entries.append((word, count, tag))
    return entries


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """The shipped domain vocabulary: the jieba user dictionary's words and the synonym terms."""
    words = {word for word, _, _ in _user_dict_lines()}
    words.update(term for group in default_synonym_groups() for term in group)
    return frozenset(w for w in words if is_cjk(w))


def _load_jieba() -> None:
    started = time.perf_counter()
    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        _traditional()  # build the t2s table here rather than on the first keystroke
        dict_path = _jieba_dict_path()
        cache = _cache_path(dict_path)
        loaded = _read_cache(cache)
        _jieba.from_cache = loaded is not None
        if loaded is None:
            loaded = _build_freq(dict_path)
            _write_cache(cache, *loaded)
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total = loaded
        tokenizer.initialized = True
        for word, count, tag in _user_dict_lines():
            tokenizer.add_word(word, count, tag)
        # Synonym terms are domain words too: the query 还没到 must stay one token.
        add_words(term for group in default_synonym_groups() for term in group)
        with _jieba.lock:
            words = list(_jieba.extra_words)
        _add_to_tokenizer(tokenizer, words)
        with _jieba.lock:
            _jieba.tokenizer = tokenizer
            _jieba.ready.set()
            applied = set(words)
            late = [w for w in _jieba.extra_words if w not in applied]
        _add_to_tokenizer(tokenizer, late)
    except Exception as exc:  # search keeps working on its jieba-free fallback
        _jieba.error = f"{type(exc).__name__}: {exc}"
        log.warning("jieba could not be loaded: %s", _jieba.error)
    finally:
        _jieba.load_seconds = time.perf_counter() - started
        _jieba.done.set()


_SHORT = 24  # titles, tags and category names repeat across a library: their words are cached


@lru_cache(maxsize=100_000)
def _cut_short(text: str, for_search: bool) -> tuple[str, ...]:
    tokenizer = _jieba.tokenizer
    cut = tokenizer.cut_for_search(text, HMM=False) if for_search else tokenizer.cut(text, HMM=False)
    return tuple(_words_only(cut))


def _segment(text: str, for_search: bool) -> list[str]:
    out: list[str] = []
    for index, part in enumerate(_JIEBA_BLOCK.split(text)):
        if not part:
            continue
        if index % 2 == 0:
            out.extend(_WORD_RUN.findall(part))
        elif len(part) <= _SHORT:
            out.extend(_cut_short(part, for_search))
        else:
            tokenizer = _jieba.tokenizer
            cut = tokenizer.cut_for_search(part, HMM=False) if for_search else tokenizer.cut(part, HMM=False)
            out.extend(_words_only(cut))
    return out


def segment(text: str) -> list[str] | None:
    """Precise-mode words of normalized text (no HMM), or None while jieba is not loaded."""
    if not _jieba.ready.is_set():
        return None
    return _segment(text, False)


def segment_for_search(text: str) -> list[str] | None:
    """Search-mode words (a long word also yields its dictionary sub-words), or None before jieba."""
    if not _jieba.ready.is_set():
        return None
    return _segment(text, True)


def segment_now(text: str, *, for_search: bool = False, timeout: float | None = 60.0) -> list[str] | None:
    """Like segment(), but waits for jieba (indexing runs off the UI thread); None if it never loads."""
    if not wait_jieba(timeout):
        return None
    return segment_for_search(text) if for_search else segment(text)


# -- pinyin ---------------------------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def pinyin_of(word: str) -> tuple[str, str]:
    """(full pinyin, initials) of a CJK word, readings chosen by phrase: 银行 → yinhang, yh."""
    from pypinyin import Style, lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(word, style=Style.NORMAL, errors="ignore") if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def pinyin_of_words(words: Sequence[str]) -> tuple[str, str]:
    """Pinyin of a run of words, each read as a word (cached): 退款 进度 查询 → tuikuanjinduchaxun, tkjdcx."""
    parts = [pinyin_of(w) for w in words]
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


def is_pinyin_like(text: str) -> bool:
    return text.isascii() and text.isalpha()


# Every toneless Mandarin syllable as pypinyin writes it (ü as v), without the interjections m, n,
# hm, ng: kept here so the query side never needs pypinyin (the app loads it only to index).
_SYLLABLE_TEXT = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biang biao bie bin bing bo bong bu ca cai
    can cang cao ce cei cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
    chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de den deng di
    dian diao die din ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng
    fiao fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha
    hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang
    jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng kong kou ku kua kuai
    kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo
    long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu
    mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan
    nun nuo nv nve o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia
    qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua
    ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng shi shou
    shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te
    teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wong wu xi
    xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong
    you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi
    zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
PINYIN_SYLLABLES: frozenset[str] = frozenset(_SYLLABLE_TEXT.split())
_SYLLABLE_PREFIXES: frozenset[str] = frozenset(s[:i] for s in PINYIN_SYLLABLES for i in range(1, len(s) + 1))


def is_syllable(text: str) -> bool:
    """One toneless pinyin syllable (tui, kuan, lv), as typed between spaces."""
    return text in PINYIN_SYLLABLES


def join_syllables(tokens: Sequence[str]) -> list[str]:
    """Space-separated pinyin syllables joined into the word they spell: tui kuan jin du → tuikuanjindu.

    Some input methods' raw pinyin, and many agents, put a space after every syllable; the index holds
    words (tuikuan), so the syllables are read as one word. A run is two or more single syllables, and
    may end in the start of one (tui k → tuik: the word is still being typed). Anything else (words of
    several syllables, initials, English, CJK) is kept as it is, so tuikuan daozhang stays two words.
    """
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run.clear()

    for token in tokens:
        if token in PINYIN_SYLLABLES:
            run.append(token)
            continue
        if run and token in _SYLLABLE_PREFIXES:
            run.append(token)  # a syllable still being typed ends the run
            flush()
            continue
        flush()
        out.append(token)
    flush()
    return out


# -- synonyms -------------------------------------------------------------------------------------


def parse_synonym_lines(text: str) -> list[tuple[str, ...]]:
    """`synonyms.txt`: one group per line, terms separated by spaces, `#` starts a comment."""
    groups: list[tuple[str, ...]] = []
    for line in text.lstrip("\ufeff").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            groups.append(tuple(line.split()))
    return groups


@lru_cache(maxsize=1)
def default_synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The shipped domain synonym groups (resources/search/synonyms.txt), normalized."""
    try:
        text = resource("search", "synonyms.txt").read_text(encoding="utf-8")
    except (OSError, FileNotFoundError):
        return ()
    return tuple(_normalized_groups(parse_synonym_lines(text)))


def _normalized_groups(groups: Iterable[Sequence[str]]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for group in groups:
        terms: dict[str, None] = {}
        for term in group:
            folded = normalize(str(term))
            if folded and " " not in folded:
                terms.setdefault(folded, None)
        if len(terms) >= 2:
            out.append(tuple(terms))
    return out


@dataclass(frozen=True)
class SynonymTable:
    """Groups of equivalent terms; a term may sit in several groups (file and library ones)."""

    groups: tuple[tuple[str, ...], ...] = ()
    _by_term: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)
    _by_length: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def build(cls, groups: Iterable[Sequence[str]]) -> SynonymTable:
        normalized = tuple(_normalized_groups(groups))
        by_term: dict[str, list[int]] = {}
        for index, group in enumerate(normalized):
            for term in group:
                by_term.setdefault(term, []).append(index)
        ordered = tuple(sorted(by_term, key=lambda t: (-len(t), t)))
        return cls(normalized, {t: tuple(ids) for t, ids in by_term.items()}, ordered)

    def __contains__(self, term: object) -> bool:
        return term in self._by_term

    def alternatives(self, term: str) -> tuple[str, ...]:
        """The other terms of every group holding `term` (group order, no duplicates)."""
        seen: dict[str, None] = {}
        for index in self._by_term.get(term, ()):
            for other in self.groups[index]:
                if other != term:
                    seen.setdefault(other, None)
        return tuple(seen)

    def heads(self, term: str) -> tuple[str, ...]:
        """The first term of each group holding `term` (the word titles and tags use), except itself."""
        seen: dict[str, None] = {}
        for index in self._by_term.get(term, ()):
            head = self.groups[index][0]
            if head != term:
                seen.setdefault(head, None)
        return tuple(seen)

    def occurrences(self, text: str, *, min_len: int = 2) -> list[str]:
        """Terms found inside `text`, longest first; a term inside an already found longer one is skipped."""
        return [term for _, _, term in self.spans(text, min_len=min_len)]

    def spans(self, text: str, *, min_len: int = 2) -> list[tuple[int, int, str]]:
        """(start, end, term) of the terms found in `text`, longest first, none inside another."""
        found: list[tuple[int, int, str]] = []
        for term in self._by_length:
            if len(term) < min_len:
                continue
            start = text.find(term)
            while start >= 0:
                end = start + len(term)
                if not any(s <= start and end <= e for s, e, _ in found):
                    found.append((start, end, term))
                    break
                start = text.find(term, start + 1)
        return found

    def terms(self) -> tuple[str, ...]:
        return self._by_length


def build_synonyms(extra_groups: Iterable[Sequence[str]] = ()) -> SynonymTable:
    """The shipped groups merged with extra ones (the library's `synonyms` table, packs)."""
    extra = _normalized_groups(extra_groups)
    add_words(term for group in extra for term in group)
    return SynonymTable.build([*default_synonym_groups(), *extra])
