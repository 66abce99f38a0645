"""The forbidden-phrase checker: Aho-Corasick over normalised text, allowed contexts, longest hit wins."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from huashu.core.models import Phrase, Rule, Severity
from huashu.core.normalize import (
    Normalized,
    Utf16Map,
    fold_char,
    has_astral,
    normalize,
    normalize_pattern,
    utf16_len,
)
from huashu.paths import resource

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

__all__ = [
    "SEVERITY_LABELS",
    "SEVERITY_RANK",
    "Checker",
    "Finding",
    "RuleProblem",
    "check_phrases",
    "compile_regex",
    "load_default_rules",
    "rule_label",
]

SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABELS: dict[str, str] = {"error": "禁用", "warning": "慎用", "info": "提示"}

# Rules edited since the last full build live in a small second automaton; past this many the
# checker folds them back into one (a full build of 10,000 patterns takes tens of milliseconds).
OVERLAY_LIMIT = 256
PARAGRAPH_CACHE_SIZE = 4096

_REGEX_SPECIAL = frozenset("\\.^$*+?{}[]|()")
# Ids that rules.make_uid makes for a rule written without one (a pack's are prefixed "<pack>/").
_GENERATED_UID = re.compile(r"(?:^|/)rule-[0-9a-f]{10}$")


@dataclass(slots=True, unsafe_hash=True)
class Finding:
    """One hit: where it is in the original text (Python and UTF-16 indices) and what to say instead.

    Treat as read-only (not frozen only because a frozen dataclass takes five times longer to build,
    and a draft check builds one per hit).
    """

    start: int
    end: int
    start_utf16: int
    end_utf16: int
    text: str
    rule_uid: str
    severity: Severity
    category: str
    message: str
    suggestions: tuple[str, ...]

    def shifted(self, delta: int, delta_utf16: int) -> Finding:
        """The same finding moved by an offset (a paragraph's position in the whole text)."""
        return Finding(
            self.start + delta,
            self.end + delta,
            self.start_utf16 + delta_utf16,
            self.end_utf16 + delta_utf16,
            self.text,
            self.rule_uid,
            self.severity,
            self.category,
            self.message,
            self.suggestions,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "start_utf16": self.start_utf16,
            "end_utf16": self.end_utf16,
            "text": self.text,
            "rule": self.rule_uid,
            "severity": self.severity,
            "category": self.category,
            "message": self.message,
            "suggestions": list(self.suggestions),
        }


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """Something wrong with one rule: a pattern that cannot be used or an example that fails."""

    uid: str
    message: str
    example: str = ""
    kind: str = "rule"  # pattern | regex | allow | must_flag | must_not_flag | duplicate | field
    fatal: bool = True
    # The rule as a lead knows it (its words, from rule_label); the uid is often a generated hash.
    name: str = ""

    def __str__(self) -> str:
        where = f"规则 {self.uid}"
        if self.name:
            # A lead's own id says something; a generated one (rule-3f2a…) is noise.
            own_id = "" if _GENERATED_UID.search(self.uid) else f"（{self.uid}）"
            where = f"规则“{self.name}”{own_id}"
        if self.example:
            return f"{where}: {self.message}: “{self.example}”"
        return f"{where}: {self.message}"


def rule_words(rule: Rule, limit: int = 3) -> tuple[tuple[str, ...], int]:
    """The first `limit` words that name a rule and how many words it has in all.

    A UI frames them in its own language ("“我不知道”, “不清楚” and 3 more"); rule_label is the
    Chinese framing. A rule without words has neither: it is named by its uid.
    """
    words = [p for p in rule.patterns if p.strip()]
    return tuple(words[:limit]), len(words)


def rule_label(rule: Rule, limit: int = 3) -> str:
    """A rule named by its first words ("我不知道、不清楚 等 5 个"), for messages a lead reads."""
    shown, total = rule_words(rule, limit)
    if not shown:
        return rule.uid
    return f"{'、'.join(shown)} 等 {total} 个" if total > len(shown) else "、".join(shown)


def compile_regex(source: str) -> re.Pattern[str]:
    """Compile a regex rule pattern to run on folded text (raises re.error).

    Non-ASCII characters of the source are folded like the text (traditional → simplified,
    full-width → half-width; a full-width bracket becomes an escaped literal bracket). ASCII is left
    alone: the regex is compiled case-insensitive, and `^`/`$` match at line boundaries.
    """
    out: list[str] = []
    for ch in source:
        if ord(ch) < 128:
            out.append(ch)
            continue
        folded = fold_char(ch)
        out.append("\\" + folded if folded in _REGEX_SPECIAL else folded)
    return re.compile("".join(out), re.IGNORECASE | re.MULTILINE)


class _Compiled:
    """One rule prepared for matching: normalised literals and allow words, compiled regexes."""

    __slots__ = ("allows", "literals", "message", "problems", "regexes", "rule", "sev_rank")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        problems: list[RuleProblem] = []
        literals: list[str] = []
        regexes: list[re.Pattern[str]] = []
        for pattern in rule.patterns:
            if rule.is_regex:
                try:
                    compiled = compile_regex(pattern)
                except re.error as exc:
                    problems.append(
                        RuleProblem(
                            rule.uid, f"正则表达式有误（{exc}）", pattern, "regex", name=rule_label(rule)
                        )
                    )
                    continue
                if compiled.search("") is not None:
                    problems.append(
                        RuleProblem(
                            rule.uid, "正则表达式能匹配空文本", pattern, "regex", name=rule_label(rule)
                        )
                    )
                    continue
                regexes.append(compiled)
                continue
            norm = normalize_pattern(pattern)
            if "\n" in norm or "\r" in norm:
                problems.append(
                    RuleProblem(rule.uid, "匹配词不能换行", pattern, "pattern", name=rule_label(rule))
                )
            elif not norm:
                problems.append(
                    RuleProblem(
                        rule.uid, "匹配词只有空白或分隔符号", pattern, "pattern", name=rule_label(rule)
                    )
                )
            elif norm not in literals:
                literals.append(norm)
        allows: list[str] = []
        for word in rule.allow:
            norm = normalize_pattern(word)
            if not norm or norm in allows:
                continue
            allows.append(norm)
            if literals and not any(lit in norm for lit in literals):
                problems.append(
                    RuleProblem(
                        rule.uid,
                        "例外词不包含任何匹配词，不起作用",
                        word,
                        "allow",
                        fatal=False,
                        name=rule_label(rule),
                    )
                )
        self.literals = tuple(literals)
        self.allows = tuple(allows)
        self.regexes = tuple(regexes)
        self.problems = tuple(problems)
        self.sev_rank = SEVERITY_RANK.get(rule.severity, 2)
        label = SEVERITY_LABELS.get(rule.severity, rule.severity)
        self.message = rule.note or f"{label}用语" + (f"（{rule.category}）" if rule.category else "")


class _Tier:
    """One Aho-Corasick automaton over the literals and allow words of some rules (by slot)."""

    __slots__ = ("allows", "automaton", "patterns", "slots")

    def __init__(self, compiled: list[_Compiled | None], slots: Iterable[int]) -> None:
        self.slots = tuple(slots)
        index: dict[str, int] = {}
        patterns: list[list[int]] = []
        allows: list[list[int]] = []
        for slot in self.slots:
            comp = compiled[slot]
            if comp is None:
                continue
            for word in comp.literals:
                i = index.setdefault(word, len(index))
                if i == len(patterns):
                    patterns.append([])
                    allows.append([])
                patterns[i].append(slot)
            for word in comp.allows:
                i = index.setdefault(word, len(index))
                if i == len(patterns):
                    patterns.append([])
                    allows.append([])
                allows[i].append(slot)
        self.patterns: list[tuple[int, ...]] = [tuple(p) for p in patterns]
        self.allows: list[tuple[int, ...]] = [tuple(a) for a in allows]
        self.automaton: Any = (
            ahocorasick_rs.AhoCorasick(list(index), matchkind=ahocorasick_rs.MATCHKIND_STANDARD)
            if index
            else None
        )


class _State:
    """Everything one check needs; a rebuild makes a new state and swaps it in whole."""

    __slots__ = (
        "base",
        "by_uid",
        "cache",
        "compiled",
        "dead",
        "overlay",
        "rank",
        "regexes",
        "sev_rank",
        "tiers",
        "unique",
    )

    def __init__(
        self,
        compiled: list[_Compiled | None],
        order: list[int],
        base: _Tier | None,
        overlay: _Tier | None,
    ) -> None:
        self.compiled = compiled
        self.rank = [0] * len(compiled)
        for position, slot in enumerate(order):
            self.rank[slot] = position
        self.sev_rank = [c.sev_rank if c is not None else 9 for c in compiled]
        self.by_uid: dict[str, int] = {}
        self.unique = True
        for slot in order:
            comp = compiled[slot]
            assert comp is not None
            if comp.rule.uid in self.by_uid:
                self.unique = False
            self.by_uid[comp.rule.uid] = slot
        self.tiers = tuple(t for t in (base, overlay) if t is not None and t.automaton is not None)
        self.base = base
        self.overlay = overlay
        self.regexes: tuple[tuple[int, re.Pattern[str]], ...] = tuple(
            (slot, regex)
            for slot in order
            for regex in compiled[slot].regexes  # type: ignore[union-attr]
        )
        self.dead = any(c is None for c in compiled)  # base entries of removed rules must be skipped
        self.cache: dict[str, tuple[Finding, ...]] = {}


class Checker:
    """Checks drafts against rules. Build once; `rebuild` after rule edits is cheap (an overlay)."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self._state = self._full_build([r for r in rules if r.enabled], {})

    # -- building ------------------------------------------------------------------------------

    @staticmethod
    def _full_build(rules: list[Rule], reuse: dict[str, _Compiled]) -> _State:
        compiled: list[_Compiled | None] = []
        for rule in rules:
            old = reuse.get(rule.uid)
            same = old is not None and (old.rule is rule or old.rule == rule)
            compiled.append(old if same and old is not None else _Compiled(rule))
        order = list(range(len(compiled)))
        return _State(compiled, order, _Tier(compiled, order), None)

    def rebuild(self, rules: Iterable[Rule]) -> None:
        """Take a new rule list. Unchanged rules keep their automaton; edited ones go to an overlay."""
        new_rules = [r for r in rules if r.enabled]
        old = self._state
        reuse = {c.rule.uid: c for c in old.compiled if c is not None} if old.unique else {}
        if not old.unique or len({r.uid for r in new_rules}) != len(new_rules):
            self._state = self._full_build(new_rules, reuse)
            return
        compiled = list(old.compiled)
        order: list[int] = []
        kept: set[int] = set()
        added: list[int] = []
        for rule in new_rules:
            slot = old.by_uid.get(rule.uid)
            comp = compiled[slot] if slot is not None else None
            if slot is not None and comp is not None and (comp.rule is rule or comp.rule == rule):
                kept.add(slot)
                order.append(slot)
                continue
            compiled.append(_Compiled(rule))
            added.append(len(compiled) - 1)
            order.append(len(compiled) - 1)
        for slot in old.by_uid.values():
            if slot not in kept:
                compiled[slot] = None  # removed or replaced: its automaton entries are ignored
        overlay_slots = [s for s in (old.overlay.slots if old.overlay else ()) if compiled[s] is not None]
        overlay_slots.extend(added)
        dead = sum(1 for c in compiled if c is None)
        if len(overlay_slots) > OVERLAY_LIMIT or dead > max(OVERLAY_LIMIT, len(order) // 2):
            self._state = self._full_build(new_rules, reuse)
            return
        overlay = _Tier(compiled, overlay_slots) if overlay_slots else None
        self._state = _State(compiled, order, old.base, overlay)

    def compact(self) -> None:
        """Fold the overlay back into one automaton (e.g. when the app is idle)."""
        self._state = self._full_build(self.rules, {c.rule.uid: c for c in self._state.compiled if c})

    @property
    def rules(self) -> list[Rule]:
        """The enabled rules in order."""
        state = self._state
        order = sorted((r, s) for s, r in enumerate(state.rank) if state.compiled[s] is not None)
        return [state.compiled[s].rule for _, s in order]  # type: ignore[union-attr]

    @property
    def problems(self) -> list[RuleProblem]:
        """Patterns that could not be used (bad regex, nothing left after normalisation, useless allow)."""
        return [p for c in self._state.compiled if c is not None for p in c.problems]

    # -- matching ------------------------------------------------------------------------------

    def _raw_hits(self, state: _State, norm: Normalized) -> list[tuple[int, int, int]]:
        """Every hit of every rule as (start, end, slot) in original indices, allowed contexts removed."""
        compact = norm.compact
        literal: list[tuple[int, int, int]] = []
        allow_spans: dict[int, list[tuple[int, int]]] = {}
        for tier in state.tiers:
            pattern_targets = tier.patterns
            allow_targets = tier.allows
            for entry, start, end in tier.automaton.find_matches_as_indexes(compact, overlapping=True):
                slots = pattern_targets[entry]
                if slots:
                    if len(slots) == 1:
                        literal.append((start, end, slots[0]))
                    else:
                        literal.extend((start, end, slot) for slot in slots)
                slots = allow_targets[entry]
                if slots:
                    for slot in slots:
                        spans = allow_spans.get(slot)
                        if spans is None:
                            allow_spans[slot] = [(start, end)]
                        else:
                            spans.append((start, end))
        if state.dead:
            compiled = state.compiled
            literal = [hit for hit in literal if compiled[hit[2]] is not None]
        hits: list[tuple[int, int, int]]
        if not allow_spans and not norm.gaps:
            hits = literal
        else:
            hits = []
            to_original = norm.span_to_original
            for start, end, slot in literal:
                spans = allow_spans.get(slot)
                if spans is not None and any(a <= start and end <= b for a, b in spans):
                    continue
                hits.append((*to_original(start, end), slot))
        if state.regexes:
            folded = norm.folded
            for slot, regex in state.regexes:
                for match in regex.finditer(folded):
                    s, e = match.span()
                    if s == e or "\n" in folded[s:e]:
                        continue
                    spans = allow_spans.get(slot)
                    if spans is not None:
                        cs, ce = norm.span_to_compact(s, e)
                        if any(a <= cs and ce <= b for a, b in spans):
                            continue
                    hits.append((s, e, slot))
        return hits

    def _check(self, state: _State, text: str) -> list[Finding]:
        if not text or not state.compiled:
            return []
        # A lone surrogate (pasted from a broken UTF-16 source) cannot be encoded for the matcher:
        # match on a copy with U+FFFD in its place (same length, so every index still holds).
        norm = normalize(_LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text)
        hits = self._raw_hits(state, norm)
        if not hits:
            return []
        if len(hits) > 1:
            sev = state.sev_rank
            rank = state.rank
            # Longest first; then the more severe, the earlier, the rule listed first.
            hits.sort(key=lambda h: (h[0] - h[1], sev[h[2]], h[0], rank[h[2]]))
            occupied = bytearray(len(text))
            kept: list[tuple[int, int, int]] = []
            for hit in hits:
                s, e, _ = hit
                if occupied.find(1, s, e) != -1:
                    continue
                occupied[s:e] = b"\x01" * (e - s)
                kept.append(hit)
            kept.sort()
            hits = kept
        compiled = state.compiled
        findings: list[Finding] = []
        if norm.astral:
            utf16 = Utf16Map(text)
            for s, e, slot in hits:
                comp = compiled[slot]
                assert comp is not None
                rule = comp.rule
                findings.append(
                    Finding(
                        s,
                        e,
                        utf16(s),
                        utf16(e),
                        text[s:e],
                        rule.uid,
                        rule.severity,
                        rule.category,
                        comp.message,
                        rule.suggestions,
                    )
                )
            return findings
        for s, e, slot in hits:  # no astral characters: UTF-16 offsets are the indices
            comp = compiled[slot]
            assert comp is not None
            rule = comp.rule
            findings.append(
                Finding(
                    s,
                    e,
                    s,
                    e,
                    text[s:e],
                    rule.uid,
                    rule.severity,
                    rule.category,
                    comp.message,
                    rule.suggestions,
                )
            )
        return findings

    def check(self, text: str) -> list[Finding]:
        """All findings in `text`, in order; overlapping hits resolved to the longest."""
        return self._check(self._state, text)

    def _cached(self, state: _State, paragraph: str) -> tuple[Finding, ...]:
        cache = state.cache
        found = cache.get(paragraph)
        if found is None:
            found = tuple(self._check(state, paragraph))
            if len(cache) >= PARAGRAPH_CACHE_SIZE:
                del cache[next(iter(cache))]  # the oldest entry
            cache[paragraph] = found
        return found

    def check_paragraph(self, paragraph: str) -> list[Finding]:
        """Like `check`, for one paragraph (no newline), remembered until the next rebuild.

        Offsets are relative to the paragraph, so it fits a per-block highlighter directly.
        """
        return list(self._cached(self._state, paragraph))

    def check_paragraphs(self, text: str) -> list[Finding]:
        """The same findings as `check(text)`, re-checking only paragraphs not seen since the last rebuild.

        For the editor: call it on every change; an edit re-checks just the edited paragraph.
        """
        state = self._state
        astral = has_astral(text)
        findings: list[Finding] = []
        offset = 0
        offset16 = 0
        for paragraph in text.split("\n"):
            if paragraph:
                found = self._cached(state, paragraph)
                if found:
                    if offset:
                        findings.extend(f.shifted(offset, offset16) for f in found)
                    else:
                        findings.extend(found)
            offset += len(paragraph) + 1
            offset16 = offset16 + utf16_len(paragraph) + 1 if astral else offset
        return findings

    def rule_hits(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Every rule's own hits (allowed contexts removed, before overlap resolution), by uid."""
        state = self._state
        result: dict[str, list[tuple[int, int]]] = {}
        if not text:
            return result
        for s, e, slot in self._raw_hits(state, normalize(text)):
            comp = state.compiled[slot]
            assert comp is not None
            result.setdefault(comp.rule.uid, []).append((s, e))
        return result


# Marks that end or split a sentence, in both widths: a suggestion's own mark is dropped where the
# text already has one.
_MARKS = "。！？，、；：…,.!?;:"


def fit_suggestion(text: str, start: int, end: int, suggestion: str) -> str:
    """The suggestion as it should read in place of text[start:end]: no doubled punctuation.

    Suggestions are whole sentences ("很抱歉，请您稍等一下，我帮您核实。"). Put into the middle
    of a sentence, their closing mark would meet the text's own comma ("核实。，这事…"); the
    text's mark is the one kept.
    """
    fitted = suggestion
    if text[end : end + 1] and text[end] in _MARKS:
        fitted = fitted.rstrip(_MARKS)
    if start > 0 and text[start - 1] in _MARKS:
        fitted = fitted.lstrip(_MARKS)
    return fitted or suggestion


# Marks that end a sentence: a suggestion ending in one is a whole sentence of its own.
_SENTENCE_ENDS = "。！？!?"


def replacement_end(text: str, start: int, end: int, suggestion: str) -> int:
    """Where replacing text[start:end] with `suggestion` should stop.

    A suggestion that is a whole sentence takes the rest of the flagged clause with it: putting
    "这个问题我需要确认一下，稍后给您回复。" in place of 我不知道 in "我不知道什么时候到。" left
    "…稍后给您回复。什么时候到。", a broken sentence. The clause ends at the next mark or line
    break; a shorter suggestion (a word, a clause) replaces the flagged words only.
    """
    if not suggestion.rstrip().endswith(tuple(_SENTENCE_ENDS)):
        return end
    stop = end
    while stop < len(text) and text[stop] not in _MARKS and text[stop] not in "\r\n":
        stop += 1
    return stop


def forbidden_words(rules: Iterable[Rule], texts: Iterable[str]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(index, words) for each text that breaks an enabled rule, tips aside; each word named once.

    What an import or a pack build tells a lead about the wording it is about to hand out.
    """
    active = [r for r in rules if r.enabled and r.severity != "info"]
    if not active:
        return
    checker = Checker(active)
    for index, text in enumerate(texts):
        words = tuple(dict.fromkeys(f.text for f in checker.check(text) if f.severity != "info"))
        if words:
            yield index, words


def check_phrases(checker: Checker, phrases: Iterable[Phrase]) -> list[tuple[Phrase, list[Finding]]]:
    """The phrases whose text breaks a rule, each with its findings (clean phrases are left out)."""
    result: list[tuple[Phrase, list[Finding]]] = []
    for phrase in phrases:
        findings = checker.check(phrase.text)
        if findings:
            result.append((phrase, findings))
    return result


def load_default_rules() -> list[Rule]:
    """The embedded default rules (resources/rules/default_rules.yaml), examples validated."""
    from huashu.core.rules import load_rules_yaml

    text = resource("rules", "default_rules.yaml").read_text(encoding="utf-8")
    return load_rules_yaml(text)
