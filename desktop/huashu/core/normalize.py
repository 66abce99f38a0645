"""Checker text normalisation: width, case and traditional→simplified folding, noise removal, position map."""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

__all__ = [
    "NOISE_CHARS",
    "SENTENCE_BREAKS",
    "Normalized",
    "Utf16Map",
    "fold",
    "fold_char",
    "fold_tables",
    "has_astral",
    "iter_paragraphs",
    "normalize",
    "normalize_pattern",
    "utf16_len",
]

# After folding, every noise character is one of these. Noise is skipped inside a literal match
# ("我 不 知 道", "我*不*知*道"); it never starts or ends one.
NOISE_CHARS = frozenset(" *-_~·\u200b")
# Sentence punctuation and line breaks are kept: noise-skipping never bridges them, so a match never
# runs across sentences (a pattern may still contain punctuation itself, e.g. "你问我,我问谁").
SENTENCE_BREAKS = frozenset(",.!?;:。…\n\r")

_NOISE_RE = re.compile("[ *\\-_~·\u200b]")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")

# Characters folded onto the canonical noise characters above (full-width forms fold by width first).
_NOISE_FOLD: dict[str, str] = {
    **dict.fromkeys("\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a", " "),
    **dict.fromkeys("\u202f\u205f\u3000", " "),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"),
    **dict.fromkeys("\u00b7\u2022\u2027\u2219\u22c5\u30fb\uff65", "·"),
    **dict.fromkeys("\u02dc\u223c\u301c", "~"),
    **dict.fromkeys("\u2731\u2732", "*"),
    **dict.fromkeys("\u200c\u200d\u2060\ufeff\u00ad", "\u200b"),
    # Line separators behave like a newline: a sentence boundary.
    **dict.fromkeys("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", "\n"),
    # Punctuation variants folded onto one form (、 enumerates like a comma).
    "\u3001": ",",
    "\ufe50": ",",
    "\uff61": "。",
}
# Traditional forms OpenCC's character table leaves out but agents do type.
_EXTRA_T2S: dict[str, str] = {"妳": "你", "祢": "你"}


def _opencc_dir() -> str | None:
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary")
    return path if os.path.isdir(path) else None


def _read_char_table(directory: str, name: str) -> dict[str, str]:
    """One OpenCC dictionary file, keeping only 1-character → 1-character entries (first candidate)."""
    table: dict[str, str] = {}
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return table
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, _, values = line.rstrip("\n").partition("\t")
            value = values.split(" ", 1)[0]
            if len(key) == 1 and len(value) == 1:
                table[key] = value
    return table


@cache
def _t2s_chars() -> dict[str, str]:
    """Traditional → simplified, character by character (OpenCC's TSCharacters plus TW/HK variants)."""
    directory = _opencc_dir()
    if directory is None:  # pragma: no cover
        return dict(_EXTRA_T2S)
    ts = _read_char_table(directory, "TSCharacters.txt")
    result = dict(ts)
    for variants in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for key, standard in _read_char_table(directory, variants).items():
            # A regional variant folds only when its standard traditional form has a simplified form.
            if key not in result and standard in ts:
                result[key] = ts[standard]
    for key, value in _EXTRA_T2S.items():
        result.setdefault(key, value)
    return {k: v for k, v in result.items() if k != v}


def _fold_one(ch: str, t2s: dict[str, str]) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
        ch = chr(code - 0xFEE0)
    lower = ch.lower()
    if len(lower) == 1:
        ch = lower
    ch = t2s.get(ch, ch)
    ch = _NOISE_FOLD.get(ch, ch)
    if ch.isspace() and ch not in "\n\r":
        ch = " "
    return ch


@cache
def fold_tables() -> tuple[list[int], dict[int, int]]:
    """The translate tables: a list for the BMP (one C pass) and a dict for astral characters."""
    t2s = _t2s_chars()
    bmp = list(range(0x10000))
    # Only characters some step can change need the (slow) per-character fold.
    candidates = {ord(k) for k in t2s if ord(k) < 0x10000}
    candidates.update(range(0xFF01, 0xFF5F))
    candidates.update(ord(k) for k in _NOISE_FOLD)
    candidates.update(c for c in range(0x10000) if (ch := chr(c)).isspace() or ch.lower() != ch)
    for code in candidates:
        ch = chr(code)
        folded = ch
        for _ in range(3):  # reach a fixed point (width, then case, then t2s, then noise)
            again = _fold_one(folded, t2s)
            if again == folded:
                break
            folded = again
        if folded != ch:
            bmp[code] = ord(folded)
    astral = {ord(k): ord(v) for k, v in t2s.items() if ord(k) > 0xFFFF}
    return bmp, astral


def fold_char(ch: str) -> str:
    """The folded form of one character."""
    bmp, astral = fold_tables()
    code = ord(ch)
    return chr(bmp[code]) if code < 0x10000 else chr(astral.get(code, code))


def has_astral(text: str) -> bool:
    """Whether `text` has characters outside the BMP (two UTF-16 code units each)."""
    return len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def _fold(text: str, outside_bmp: bool) -> str:
    bmp, astral = fold_tables()
    folded = text.translate(bmp)  # one pass in C over a list table: no per-character Python code
    if outside_bmp and astral:
        folded = folded.translate(astral)
    return folded


def fold(text: str) -> str:
    """Length-preserving fold: full-width→half-width, lower case, traditional→simplified, noise forms."""
    return _fold(text, has_astral(text))


def normalize_pattern(pattern: str) -> str:
    """A literal pattern as the matcher sees it: folded, noise removed."""
    return _NOISE_RE.sub("", fold(pattern.strip()))


@dataclass(slots=True)
class Normalized:
    """A text folded (same length as the original) and compacted (noise removed), with the map back.

    Read-only by convention (not frozen: a frozen dataclass costs a microsecond more per check).
    """

    original: str
    folded: str  # same length as original: index i here is index i there
    compact: str  # folded without noise characters; literal matching runs on this
    gaps: tuple[int, ...] = ()  # compact index before which each removed character stood, ascending
    astral: bool = False  # the text has characters outside the BMP (UTF-16 offsets differ)

    def to_original(self, index: int) -> int:
        """The original index of compact character `index`."""
        if not self.gaps:
            return index
        return index + bisect_right(self.gaps, index)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """A non-empty compact span as an original span (noise inside kept, around it excluded)."""
        if not self.gaps:
            return start, end
        return start + bisect_right(self.gaps, start), end + bisect_right(self.gaps, end - 1)

    def span_to_compact(self, start: int, end: int) -> tuple[int, int]:
        """An original span as the compact span of the kept characters inside it."""
        if not self.gaps:
            return start, end
        removed = [g + k for k, g in enumerate(self.gaps)]  # original positions of noise
        return start - bisect_left(removed, start), end - bisect_left(removed, end)


def normalize(text: str) -> Normalized:
    """Fold `text` and drop noise characters, keeping what is needed to map positions back."""
    astral = has_astral(text)
    folded = _fold(text, astral)
    if _NOISE_RE.search(folded) is None:
        return Normalized(text, folded, folded, (), astral)
    positions = [m.start() for m in _NOISE_RE.finditer(folded)]
    pieces: list[str] = []
    previous = 0
    for pos in positions:
        if pos > previous:
            pieces.append(folded[previous:pos])
        previous = pos + 1
    pieces.append(folded[previous:])
    gaps = tuple(pos - k for k, pos in enumerate(positions))
    return Normalized(text, folded, "".join(pieces), gaps, astral)


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (what Qt counts)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Utf16Map:
    """Python string index → UTF-16 offset for one text (astral characters count twice)."""

    __slots__ = ("_astral",)

    def __init__(self, text: str) -> None:
        self._astral: list[int] = [m.start() for m in _ASTRAL_RE.finditer(text)] if has_astral(text) else []

    def __call__(self, index: int) -> int:
        if not self._astral:
            return index
        return index + bisect_left(self._astral, index)


def iter_paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(start index, paragraph) for each line of `text`, split on "\\n" only."""
    start = 0
    for paragraph in text.split("\n"):
        yield start, paragraph
        start += len(paragraph) + 1
