"""The FTS5 phrase index: kept in step with phrase writes, queried for search and suggestions."""

from __future__ import annotations

import json
import logging
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from huashu.core import search as core
from huashu.core import textproc
from huashu.core.search import IndexDocument, Query, SearchResult, Term
from huashu.core.textproc import SynonymTable

log = logging.getLogger(__name__)

MAX_LIMIT = 200
SEGMENT_WAIT = 60.0  # seconds reindex waits for jieba before indexing without it
# Bounded ranking: BM25 is computed for at most WINDOW matches of a query, the first ones in the
# rowid order (the agent's used phrases, then shorter titles); counting is cheap, ranking is not.
WINDOW = 1000
CANDIDATES = 60  # per pass, before usage boosts
SUGGEST_CANDIDATES = 40  # phrases the per-keyword scorer should at least see
SUGGEST_WINDOW = 500
PAIRED_KEYWORDS = 3  # the first keywords of a message, queried two by two
PAIR_CANDIDATES = 15
ASKED_KEYWORDS = 2  # keywords of the request, then faults, looked up in titles and tags on their own
COMPLETIONS = 8  # index words a typed prefix (tuik, 退) stands for
READINGS = 12  # library words one typed pinyin stands for (sj: 时间 手机 升级 …), to bound the query
PRIOR_SHIFT = 40
ID_MASK = (1 << PRIOR_SHIFT) - 1
_BATCH = 400

_BM25 = "bm25(phrase_fts, " + ", ".join(str(core.WEIGHTS[c]) for c in core.COLUMNS) + ")"
_FTS_COLUMNS = ", ".join(core.COLUMNS)
_FTS_DELETE = (
    f"INSERT INTO phrase_fts (phrase_fts, rowid, {_FTS_COLUMNS}) "
    f"VALUES ('delete', ?, {', '.join('?' * len(core.COLUMNS))})"
)
_FTS_INSERT = (
    f"INSERT INTO phrase_fts (rowid, {_FTS_COLUMNS}) VALUES (?, {', '.join('?' * len(core.COLUMNS))})"
)

# Tiers: a shortcut hit is above any text match; every word matching in title/tags/category (or
# their pinyin) as typed, then completed, is above every word matching somewhere, which is above
# matching only through synonyms, which is above matching some of the words.
_TIER_SHORTCUT_EXACT = 7
_TIER_SHORTCUT_PREFIX = 6
_TIER_HEAD = 5
_TIER_HEAD_COMPLETED = 4  # a typed prefix completed (zzz → zzzs…) ranks after the word itself
_TIER_ALL = 3
_TIER_SYNONYM = 2
_TIER_SOME = 1


# -- rows -----------------------------------------------------------------------------------------------


def fts_rowid(phrase_id: int, *, used: bool, title: str) -> int:
    """Where a phrase sits in phrase_fts: used ones first, then by title length, then by id."""
    if not 0 < phrase_id <= ID_MASK:
        raise ValueError(f"phrase id out of range for the search index: {phrase_id}")
    prior = 0 if used else 1 + min(len(title), 250)
    return (prior << PRIOR_SHIFT) | phrase_id


def phrase_id_of(rowid: int) -> int:
    return rowid & ID_MASK


def _pack(doc: IndexDocument) -> bytes:
    return zlib.compress(json.dumps(doc.stored(), ensure_ascii=False).encode(), 6)


def _unpack(blob: bytes) -> IndexDocument:
    values = json.loads(zlib.decompress(blob).decode())
    if not isinstance(values, list):
        raise ValueError("bad search index row")
    return IndexDocument.from_stored(values)


def _ids(phrase_ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in phrase_ids))


def _chunks(ids: Sequence[int], size: int = _BATCH) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def category_paths(conn: sqlite3.Connection, ids: Iterable[int] | None = None) -> dict[int, str]:
    """Full category paths ('投诉处理/物流超期'), for the given categories or all of them."""
    wanted = None if ids is None else list(dict.fromkeys(ids))
    if wanted is not None and not wanted:
        return {}
    seed = "SELECT id, id, name, parent_id, 0 FROM categories"
    params: tuple[object, ...] = ()
    if wanted is not None:
        seed += " WHERE id IN (SELECT value FROM json_each(?))"
        params = (json.dumps(wanted),)
    chain: dict[int, list[tuple[int, str]]] = {}
    for leaf, name, depth in conn.execute(
        f"""
        WITH RECURSIVE chain(leaf, id, name, parent_id, depth) AS (
            {seed}
            UNION ALL
            SELECT chain.leaf, c.id, c.name, c.parent_id, chain.depth + 1
            FROM categories c JOIN chain ON c.id = chain.parent_id
            WHERE chain.depth < 64
        )
        SELECT leaf, name, depth FROM chain
        """,
        params,
    ):
        chain.setdefault(leaf, []).append((depth, name))
    return {leaf: "/".join(n for _, n in sorted(parts, reverse=True)) for leaf, parts in chain.items()}


def _tags(raw: str | None) -> tuple[str, ...]:
    try:
        loaded = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(str(t) for t in loaded) if isinstance(loaded, list) else ()


def document(title: str, tags: Sequence[str], text: str, notes: str, category: str) -> IndexDocument:
    """The index document of one phrase, segmented with jieba if it is loaded (no waiting)."""
    return core.build_document(
        title,
        tags,
        text,
        notes,
        category,
        search_segmenter=textproc.segment_for_search,
        precise_segmenter=textproc.segment,
    )


# -- maintenance ----------------------------------------------------------------------------------------


def reindex(conn: sqlite3.Connection, phrase_ids: Iterable[int], *, wait: float = SEGMENT_WAIT) -> None:
    """Rewrite the index rows of these phrases; unchanged ones are skipped, deleted ones removed.

    Runs inside the caller's transaction and never commits. Waits up to `wait` seconds for jieba
    (writes happen off the UI thread); without it the rows are built from CJK runs and character
    pairs, marked, and rebuilt by `sync()` later. Favorite/use changes only move the row.
    """
    ids = _ids(phrase_ids)
    if not ids:
        return
    paths: dict[int, str] | None = None
    segmented: bool | None = None
    for batch in _chunks(ids):
        marks = json.dumps(list(batch))
        sources = conn.execute(
            "SELECT id, title, text, tags, notes, category_id, favorite, use_count FROM phrases "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (marks,),
        ).fetchall()
        old = {
            r[0]: (r[1], r[2], r[3])
            for r in conn.execute(
                "SELECT phrase_id, fts_rowid, sig, tokens FROM phrase_search "
                "WHERE phrase_id IN (SELECT value FROM json_each(?))",
                (marks,),
            )
        }
        found = {row[0] for row in sources}
        deletes: list[tuple[object, ...] | None] = []
        gone = [pid for pid in batch if pid not in found and pid in old]
        for pid in gone:
            deletes.append(_delete_args(old[pid][0], old[pid][2]))
        side: list[tuple[object, ...]] = []
        inserts: list[tuple[object, ...]] = []
        terms: set[str] = set()
        for pid, title, text, tags_raw, notes, category_id, favorite, use_count in sources:
            rowid = fts_rowid(pid, used=bool(favorite) or (use_count or 0) > 0, title=title)
            if paths is None:
                paths = category_paths(conn)
            tags = _tags(tags_raw)
            category = paths.get(category_id, "")
            if segmented is None:
                segmented = textproc.jieba_ready() or (wait > 0 and textproc.wait_jieba(wait))
            sig = core.source_signature(title, tags, text, notes or "", category, segmented=segmented)
            previous = old.get(pid)
            if previous is not None and previous[1] == sig and previous[0] == rowid:
                continue  # unchanged
            removal = _delete_args(previous[0], previous[2]) if previous is not None else None
            if previous is not None and previous[1] == sig and removal is not None:
                deletes.append(removal)  # moved only (favorite, first use): the same tokens
                inserts.append((rowid, *removal[1:]))
                side.append((pid, rowid, sig, previous[2]))
                continue
            doc = document(title, tags, text, notes or "", category)
            if doc.segmented != segmented:
                sig = core.source_signature(title, tags, text, notes or "", category, segmented=doc.segmented)
            if previous is not None:
                deletes.append(removal)
            side.append((pid, rowid, sig, _pack(doc)))
            inserts.append((rowid, *doc.columns()))
            terms |= doc.terms()
        if any(deletes):
            conn.executemany(_FTS_DELETE, [d for d in deletes if d is not None])
        if gone:
            conn.execute(
                "DELETE FROM phrase_search WHERE phrase_id IN (SELECT value FROM json_each(?))",
                (json.dumps(gone),),
            )
        if side:
            conn.executemany(
                "INSERT OR REPLACE INTO phrase_search (phrase_id, fts_rowid, sig, tokens) "
                "VALUES (?, ?, ?, ?)",
                side,
            )
            conn.executemany(_FTS_INSERT, inserts)
        if terms:
            conn.executemany(
                "INSERT OR IGNORE INTO phrase_terms (term) VALUES (?)", [(t,) for t in sorted(terms)]
            )


def _delete_args(rowid: int, blob: bytes) -> tuple[object, ...] | None:
    """The FTS5 'delete' of a row, from its stored tokens (None if they cannot be read back)."""
    try:
        return (rowid, *_unpack(blob).columns())
    except (zlib.error, ValueError, TypeError) as exc:  # TypeError: not bytes
        # The row's postings stay behind; searches drop ids without a phrase, rebuild() clears them.
        log.warning("search index row %s unreadable (%s); run rebuild() to tidy up", rowid, exc)
        return None


def remove(conn: sqlite3.Connection, phrase_ids: Iterable[int]) -> None:
    """Drop the index rows of these phrases (call before deleting them; sync() catches misses)."""
    for batch in _chunks(_ids(phrase_ids)):
        marks = json.dumps(list(batch))
        rows = conn.execute(
            "SELECT fts_rowid, tokens FROM phrase_search WHERE phrase_id IN (SELECT value FROM json_each(?))",
            (marks,),
        ).fetchall()
        if rows:
            deletes = [d for d in (_delete_args(r[0], r[1]) for r in rows) if d is not None]
            if deletes:
                conn.executemany(_FTS_DELETE, deletes)
            conn.execute(
                "DELETE FROM phrase_search WHERE phrase_id IN (SELECT value FROM json_each(?))", (marks,)
            )


def rebuild(conn: sqlite3.Connection, *, wait: float = SEGMENT_WAIT) -> None:
    """Throw the whole index away and build it again from the phrases."""
    conn.execute("INSERT INTO phrase_fts (phrase_fts) VALUES ('delete-all')")
    conn.execute("DELETE FROM phrase_search")
    conn.execute("DELETE FROM phrase_terms")
    reindex(conn, [r[0] for r in conn.execute("SELECT id FROM phrases ORDER BY id")], wait=wait)


def pending(conn: sqlite3.Connection) -> list[int]:
    """Phrases whose index row is missing, stale or built before jieba was loaded, and orphan rows."""
    stale = conn.execute(
        "SELECT p.id FROM phrases p LEFT JOIN phrase_search s ON s.phrase_id = p.id "
        "WHERE s.phrase_id IS NULL OR s.sig = '' OR substr(s.sig, 1, 1) = 'n' OR substr(s.sig, 2, ?) <> ?",
        (len(core.SIGNATURE_TAG), core.SIGNATURE_TAG),
    ).fetchall()
    orphans = conn.execute(
        "SELECT s.phrase_id FROM phrase_search s LEFT JOIN phrases p ON p.id = s.phrase_id WHERE p.id IS NULL"
    ).fetchall()
    return [r[0] for r in stale] + [r[0] for r in orphans]


def missing(conn: sqlite3.Connection) -> list[int]:
    """Phrases with no index row, a stale one or one of an older index format, and orphan rows (not
    rows merely built before jieba loaded): what a library migrated from before the index, edited
    around it, or indexed by an older version needs rebuilt."""
    stale = conn.execute(
        "SELECT p.id FROM phrases p LEFT JOIN phrase_search s ON s.phrase_id = p.id "
        "WHERE s.phrase_id IS NULL OR s.sig = '' OR substr(s.sig, 2, ?) <> ?",
        (len(core.SIGNATURE_TAG), core.SIGNATURE_TAG),
    ).fetchall()
    orphans = conn.execute(
        "SELECT s.phrase_id FROM phrase_search s LEFT JOIN phrases p ON p.id = s.phrase_id WHERE p.id IS NULL"
    ).fetchall()
    return [r[0] for r in stale] + [r[0] for r in orphans]


def sync(conn: sqlite3.Connection, *, wait: float = SEGMENT_WAIT) -> int:
    """Bring the index up to date (after migrating a library, or once jieba is loaded); returns rows."""
    ids = pending(conn)
    if ids:
        reindex(conn, ids, wait=wait)
    return len(ids)


def optimize(conn: sqlite3.Connection) -> None:
    """Merge the FTS5 segments (after a large import; optional)."""
    conn.execute("INSERT INTO phrase_fts (phrase_fts) VALUES ('optimize')")


# -- synonyms -----------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _synonyms_from(raw: str) -> SynonymTable:
    groups: list[list[str]] = []
    for chunk in raw.split("\x1e") if raw else []:
        try:
            terms = json.loads(chunk)
        except ValueError:
            continue
        if isinstance(terms, list):
            groups.append([str(t) for t in terms])
    return textproc.build_synonyms(groups)


def library_synonyms(conn: sqlite3.Connection) -> SynonymTable:
    """The shipped synonym groups merged with the library's own (`synonyms` table, lead's packs)."""
    row = conn.execute(
        "SELECT group_concat(terms, char(30)) FROM (SELECT terms FROM synonyms ORDER BY id)"
    ).fetchone()
    return _synonyms_from(row[0] or "")


# -- queries ------------------------------------------------------------------------------------------


@dataclass
class _Hit:
    tier: int
    relevance: float
    matched: tuple[str, ...] | None = None  # already explained (suggestions); None: explain from terms


def _restriction(conn: sqlite3.Connection, category_ids: Sequence[int] | None) -> str | None:
    """The phrase_fts rowids of the phrases in these categories, as a JSON array (None: no filter)."""
    if category_ids is None:
        return None
    rows = conn.execute(
        "SELECT s.fts_rowid FROM phrase_search s JOIN phrases p ON p.id = s.phrase_id "
        "WHERE p.category_id IN (SELECT value FROM json_each(?))",
        (json.dumps([int(c) for c in category_ids]),),
    ).fetchall()
    return json.dumps([r[0] for r in rows])


def _ranked(
    conn: sqlite3.Connection, expression: str | None, want: int, within: str | None, *, window: int = WINDOW
) -> dict[int, float]:
    """phrase id → relevance of the best `want` matches among the first `window` in rowid order.

    That order puts the agent's favorites and used phrases first, then shorter titles: a query that
    matches thousands of phrases ranks those, not all of them (counting matches is cheap for FTS5,
    computing BM25 for each is not).
    """
    if not expression:
        return {}
    extra = " AND rowid IN (SELECT value FROM json_each(?))" if within is not None else ""
    base: tuple[object, ...] = (expression,) if within is None else (expression, within)
    try:
        edge = conn.execute(
            f"SELECT rowid FROM phrase_fts WHERE phrase_fts MATCH ?{extra} ORDER BY rowid LIMIT 1 OFFSET ?",
            (*base, window - 1),
        ).fetchone()
        bound = " AND rowid <= ?" if edge else ""
        params = (*base, edge[0]) if edge else base
        return {
            phrase_id_of(rowid): core.relevance(score)
            for rowid, score in conn.execute(
                f"SELECT rowid, {_BM25} FROM phrase_fts WHERE phrase_fts MATCH ?{extra}{bound} "
                "ORDER BY 2 LIMIT ?",
                (*params, want),
            )
        }
    except sqlite3.OperationalError as exc:  # never expected: every token is quoted
        # Never the expression itself: it is built from what the agent typed or pasted, which may
        # be a customer's message with names or order numbers in it.
        log.error("search query failed (%s); expression of %d characters", exc, len(expression))
        return {}


def _completions(conn: sqlite3.Connection, terms: Sequence[Term]) -> dict[str, tuple[str, ...]]:
    """Index words a typed prefix stands for: tuik → tuikuan, 退 → 退款 退货 …"""
    out: dict[str, tuple[str, ...]] = {}
    for term in terms:
        if not core.completes(term):
            continue
        rows = conn.execute(
            "SELECT term FROM phrase_terms WHERE term > ? AND term < ? ORDER BY length(term), term LIMIT ?",
            (term.text, term.text + "\U0010ffff", COMPLETIONS),
        ).fetchall()
        if rows:
            out[term.text] = tuple(r[0] for r in rows)
    return out


def _with_readings(
    conn: sqlite3.Connection,
    terms: Sequence[Term],
    completions: dict[str, tuple[str, ...]],
    synonyms: SynonymTable,
) -> tuple[Term, ...]:
    """Latin terms with the library words they are the pinyin of (tk → 退款, kuaidi → 快递), and
    those words' synonyms: pinyin then finds what the Chinese word finds, in any column.

    A prefix stands for the words of its completions (tuik → tuikuan → 退款). Libraries indexed before
    readings existed have no such rows and keep the old behaviour until their index is rebuilt.
    """
    out: list[Term] = []
    for term in terms:
        if term.kind != "latin":
            out.append(term)
            continue
        words = _reading_words(conn, [term.text])
        if words:
            out.append(core.with_readings(term, words, synonyms))
        else:
            prefix = _reading_words(conn, completions.get(term.text, ()))
            out.append(core.with_readings(term, prefix, synonyms, prefix=True))
    return tuple(out)


def _reading_words(conn: sqlite3.Connection, keys: Sequence[str]) -> list[str]:
    """The library words read as any of these pinyin keys (full or initials), at most READINGS."""
    words: dict[str, None] = {}
    for key in keys:
        for mark in (core.READING_FULL, core.READING_INITIALS):
            start = core.reading_key(mark, key)
            for (row,) in conn.execute(
                "SELECT term FROM phrase_terms WHERE term > ? AND term < ? LIMIT ?",
                (start, start + "\U0010ffff", READINGS),
            ):
                words[core.reading_word(row)] = None
        if len(words) >= READINGS:
            break
    return list(words)[:READINGS]


def _shortcut_hits(
    conn: sqlite3.Connection, query: Query, category_ids: Sequence[int] | None
) -> dict[int, _Hit]:
    codes: list[str] = []
    if query.shortcut:
        codes = [query.shortcut, query.shortcut[1:]]
    elif (
        len(query.terms) == 1
        and query.terms[0].kind in ("latin", "other")
        and query.text == query.terms[0].text
    ):
        codes = ["/" + query.text, query.text]  # `wl` typed without the slash still finds /wl first
    if not codes:
        return {}
    hits: dict[int, _Hit] = {}
    cats = set(category_ids) if category_ids is not None else None
    for pid, cid in conn.execute(
        "SELECT id, category_id FROM phrases WHERE shortcut IN (?, ?)", (codes[0], codes[1])
    ):
        if cats is None or cid in cats:
            hits[pid] = _Hit(_TIER_SHORTCUT_EXACT, core.SHORTCUT_EXACT)
    if query.shortcut:
        for pid, shortcut, cid in conn.execute(
            "SELECT id, shortcut, category_id FROM phrases WHERE shortcut > ? AND shortcut < ? "
            "ORDER BY length(shortcut), shortcut LIMIT 50",
            (query.shortcut, query.shortcut + "\U0010ffff"),
        ):
            if pid not in hits and (cats is None or cid in cats):
                hits[pid] = _Hit(_TIER_SHORTCUT_PREFIX, core.SHORTCUT_PREFIX - len(shortcut))
    return hits


def _merge(into: dict[int, _Hit], found: dict[int, float], tier: int) -> None:
    for pid, score in found.items():
        hit = into.get(pid)
        if hit is None or hit.tier < tier or (hit.tier == tier and hit.relevance < score):
            into[pid] = _Hit(tier, score)


def _enough(hits: dict[int, _Hit], tier: int, limit: int) -> bool:
    """Whether `limit` hits already rank at `tier` or above (lower passes could not reach the top)."""
    return sum(1 for h in hits.values() if h.tier >= tier) >= limit


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 20,
    category_ids: Sequence[int] | None = None,
    synonyms: SynonymTable | None = None,
    now: datetime | None = None,
) -> list[SearchResult]:
    """Ranked phrases for what the agent typed: keywords, pinyin, initials, /shortcut, traditional.

    Never raises for any string and never waits for jieba (before it is loaded, CJK runs are matched
    as substrings through the character-pair columns). Passes run best tier first and stop once the
    top `limit` is settled. A sentence (core.Query.sentence: 想换个颜色) is ranked as suggest() ranks
    a customer's message.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    textproc.ensure_jieba_loading()  # search never waits for it, but it should be on its way
    table = synonyms if synonyms is not None else library_synonyms(conn)
    parsed = core.parse_query(query, synonyms=table)
    if parsed.empty:
        return []
    hits = _shortcut_hits(conn, parsed, category_ids)
    terms = parsed.terms
    if terms and parsed.sentence:
        # A sentence (想换个颜色) is a customer's message: what it asks for decides, and a phrase holding
        # all its words (颜色发错致歉: 换, 颜色) is not the better reply for that.
        within = _restriction(conn, category_ids)
        hits.update(_suggest_hits(conn, query, limit, within, table))
        return _results(conn, hits, (), limit, now)
    if terms:
        within = _restriction(conn, category_ids)
        extra = _completions(conn, terms)
        terms = _with_readings(conn, terms, extra, table)
        want = max(limit, CANDIDATES)
        exact = core.match_expression(terms, operator="AND", synonyms=False, head_only=True)
        _merge(hits, _ranked(conn, exact, want, within), _TIER_HEAD)
        if extra and not _enough(hits, _TIER_HEAD, limit):  # tuik → tuikuan, after words typed whole
            head = core.match_expression(
                terms, operator="AND", synonyms=False, completions=extra, head_only=True
            )
            _merge(hits, _ranked(conn, head, want, within), _TIER_HEAD_COMPLETED)
        if not _enough(hits, _TIER_HEAD_COMPLETED, limit):
            full = core.match_expression(terms, operator="AND", synonyms=False, completions=extra)
            _merge(hits, _ranked(conn, full, want, within), _TIER_ALL)
        if not _enough(hits, _TIER_ALL, limit) and any(t.alternatives for t in terms):
            expanded = core.match_expression(terms, operator="AND", synonyms=True, completions=extra)
            _merge(hits, _ranked(conn, expanded, want, within), _TIER_SYNONYM)
        matched_all = _enough(hits, _TIER_SYNONYM, 1)
        if not _enough(hits, _TIER_SYNONYM, limit) and core.wants_partial_matches(
            parsed, matched_all=matched_all
        ):
            # Not every word matched: a pasted customer message, or words the library lacks. Rank
            # the rest as suggestions do (each word one vote), below the phrases matching them all.
            for pid, hit in _suggest_hits(conn, query, limit, within, table).items():
                if pid not in hits:
                    hits[pid] = _Hit(_TIER_SOME, hit.relevance, hit.matched)
    if not hits and (pairs := _initials_pairs(query)) is not None:
        # wlcx for 物流查询 when the title reads 查询物流进度: the words' initials, in any order.
        return search(conn, pairs, limit=limit, category_ids=category_ids, synonyms=table, now=now)
    return _results(conn, hits, terms, limit, now)


def _initials_pairs(query: str) -> str | None:
    """"wlcx" -> "wl cx": four to eight letters that found nothing, read as two-letter word initials."""
    letters = query.strip().lower()
    if not (4 <= len(letters) <= 8 and len(letters) % 2 == 0 and letters.isascii() and letters.isalpha()):
        return None
    return " ".join(letters[i : i + 2] for i in range(0, len(letters), 2))


def suggest(
    conn: sqlite3.Connection,
    text: str,
    *,
    limit: int = 5,
    category_ids: Sequence[int] | None = None,
    synonyms: SynonymTable | None = None,
    now: datetime | None = None,
) -> list[SearchResult]:
    """The library's best replies to a customer's message, each with the words that matched.

    Candidates come from FTS5 OR queries over the message's keywords and their synonyms (title/tags
    first, then anywhere); they are then scored per keyword (core.search.score_candidates) so every
    word of the message gets one vote, and boosted by the agent's own use.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    textproc.ensure_jieba_loading()
    table = synonyms if synonyms is not None else library_synonyms(conn)
    within = _restriction(conn, category_ids)
    return _results(conn, _suggest_hits(conn, text, limit, within, table), (), limit, now)


def _suggest_hits(
    conn: sqlite3.Connection, text: str, limit: int, within: str | None, table: SynonymTable
) -> dict[int, _Hit]:
    found = core.extract_keywords(text, synonyms=table)
    if not found.keywords:
        return {}
    # A request verb stands for its replies (能[退]吗 → 退货 退款): completing it as a prefix as well
    # (退 → 退回 退还 退换货 …) only made the queries slow.
    extra = _completions(conn, [k.as_term() for k in found.keywords if not k.grams_only and not k.heads])
    exprs = [core.keyword_expression(k, extra.get(k.text, ())) for k in found.keywords]
    titled = sorted((k for k in found.keywords if k.titled and not k.grams_only), key=lambda k: not k.asked)
    asked = [core.asked_expression(k) for k in titled]
    alone = [e for e, k in zip(exprs, found.keywords, strict=True) if k.said_of is None]
    candidates = _suggest_candidates(
        conn, exprs, max(limit, SUGGEST_CANDIDATES), within, asked=asked, alone=alone
    )
    if not candidates:
        return {}
    rows = conn.execute(
        "SELECT id, title, tags, text, notes, category_id FROM phrases "
        "WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(candidates)),),
    ).fetchall()
    paths = category_paths(conn, {r[5] for r in rows})
    docs = [
        core.Candidate(
            phrase_id=r[0],
            texts={
                "title": textproc.fold_words(r[1]),
                "tags": textproc.fold_words(" ".join(_tags(r[2]))),
                "body": textproc.fold_words(r[3]),
                "notes": textproc.fold_words(r[4] or ""),
                "category": textproc.fold_words(paths.get(r[5], "")),
            },
        )
        for r in rows
    ]
    words = core.keyword_variants(found.keywords)
    scored = core.score_candidates(
        found.keywords,
        docs,
        _frequencies(conn, words),
        _doc_count(conn),
        mishaps=core.mishap_groups(table),
    )
    return {pid: _Hit(_TIER_ALL, score, matched) for pid, (score, matched) in scored.items()}


def _suggest_candidates(
    conn: sqlite3.Connection,
    expressions: Sequence[str],
    want: int,
    within: str | None,
    *,
    asked: Sequence[str] = (),
    alone: Sequence[str] | None = None,
) -> set[int]:
    """Phrases worth scoring for a message: those with two of its first keywords (each pair, AND:
    few and precise), those whose title or tags name what the customer asks for or a fault said of
    something (`asked`, from core.asked_expression: 能换吗 → 换货流程, 写错 → 有误), and the best of
    those with any keyword that counts on its own (`alone`, default all: one OR). A fault counts only
    with what it is said of: alone in the OR, its rare word (有误) filled every place with copies of
    the one reply titled after it, which do not count for 收货地址填错了.

    The OR alone ranks only the first window of a huge match set in a big library (every phrase
    mentioning 快递 somewhere), where the reply that has both 快递 and 还没到 is easily missed, and
    where a rare word of the message (换 of 换电话) fills every place with copies of one reply.
    """
    found: set[int] = set()
    for expression in asked[:ASKED_KEYWORDS]:
        found |= set(_ranked(conn, expression, PAIR_CANDIDATES, within, window=SUGGEST_WINDOW))
    leading = list(expressions[:PAIRED_KEYWORDS])
    for i, first in enumerate(leading):
        for second in leading[i + 1 :]:
            pair = f"{first} AND {second}"
            found |= set(_ranked(conn, pair, PAIR_CANDIDATES, within, window=SUGGEST_WINDOW))
    either = expressions if alone is None else alone
    if either:
        found |= set(_ranked(conn, " OR ".join(either), want, within, window=SUGGEST_WINDOW))
    return found


_df_cache: dict[int, tuple[int, dict[str, int]]] = {}


def _frequencies(conn: sqlite3.Connection, words: Sequence[str]) -> dict[str, int]:
    """Phrases holding each word (fts5vocab; for a word jieba never produced, its rarest pair).

    Cached per connection while the number of indexed phrases stays the same: an edit shifts a
    frequency by one, which does not change a ranking worth recomputing for.
    """
    count = _doc_count(conn)
    cached = _df_cache.get(id(conn))
    if cached is None or cached[0] != count:
        cached = (count, {})
        _df_cache[id(conn)] = cached
    known = cached[1]
    lookups = [w for w in words if w not in known]
    pairs = {w: textproc.bigrams(w) if len(w) > 2 else [] for w in lookups}
    ask = list(dict.fromkeys([*lookups, *(p for ps in pairs.values() for p in ps if p not in known)]))
    if ask:
        got = dict(
            conn.execute(
                "SELECT term, doc FROM phrase_vocab WHERE term IN (SELECT value FROM json_each(?))",
                (json.dumps(ask, ensure_ascii=False),),
            ).fetchall()
        )
        for word in ask:
            if word not in pairs:
                known[word] = int(got.get(word, 0))
        for word in lookups:
            if word in got:
                known[word] = int(got[word])
            elif pairs[word]:
                known[word] = min(int(got.get(p, known.get(p, 0))) for p in pairs[word])
            else:
                known[word] = 0
    if len(known) > 50_000:
        known.clear()
    return {w: known.get(w, 0) for w in words}


def _doc_count(conn: sqlite3.Connection) -> int:
    """Indexed phrases (counted on phrase_search's small rowid index: microseconds once cached)."""
    return int(conn.execute("SELECT count(*) FROM phrase_search").fetchone()[0])


def _results(
    conn: sqlite3.Connection, hits: dict[int, _Hit], terms: tuple[Term, ...], limit: int, now: datetime | None
) -> list[SearchResult]:
    """Apply usage boosts, order by (tier, score) and explain the top `limit` hits."""
    if not hits:
        return []
    # Only hits that a usage boost could lift into the top `limit` are worth reading.
    order = sorted(hits.items(), key=lambda item: (-item[1].tier, -item[1].relevance))
    if len(order) > limit:
        last = order[limit - 1][1]
        floor = last.relevance / core.MAX_BOOST
        order = [
            (pid, h)
            for pid, h in order
            if h.tier > last.tier or (h.tier == last.tier and h.relevance >= floor)
        ]
    rows = conn.execute(
        "SELECT id, title, text, category_id, shortcut, favorite, use_count, last_used, tags "
        "FROM phrases WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps([pid for pid, _ in order]),),
    ).fetchall()
    ranked = []
    for row in rows:
        hit = hits[row[0]]
        boost = core.usage_boost(bool(row[5]), int(row[6] or 0), row[7], now)
        ranked.append((hit.tier, hit.relevance * boost, row))
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2][0]))
    top = ranked[:limit]
    paths = category_paths(conn, {item[2][3] for item in top})
    pinyin = (
        _pinyin_pairs(conn, [item[2][0] for item in top]) if any(t.kind == "latin" for t in terms) else {}
    )
    results: list[SearchResult] = []
    for _tier, score, row in top:
        matched = hits[row[0]].matched
        if matched is None:
            haystack = textproc.fold_words(f"{row[1]} {' '.join(_tags(row[8]))} {row[2]}")
            matched = core.explain_terms(terms, haystack, pinyin.get(row[0], []))
        results.append(
            SearchResult(
                phrase_id=row[0],
                title=row[1],
                text=row[2],
                category=paths.get(row[3], ""),
                shortcut=row[4],
                score=score,
                matched=matched,
            )
        )
    return results


def _pinyin_pairs(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """(pinyin token, the words it was read from) of these phrases, to explain pinyin matches."""
    out: dict[int, list[tuple[str, str]]] = {}
    for pid, blob in conn.execute(
        "SELECT phrase_id, tokens FROM phrase_search WHERE phrase_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(ids)),),
    ):
        out[pid] = _unpack(blob).pinyin_pairs()
    return out


# -- the baseline -------------------------------------------------------------------------------------


def like_search(conn: sqlite3.Connection, query: str, *, limit: int = 20) -> list[int]:
    """A LIKE '%q%' scan over title, tags and text: the benchmark baseline, not used by the app."""
    needle = textproc.clean(query, core.MAX_QUERY_CHARS)
    needle = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM phrases WHERE title LIKE ?1 ESCAPE '\\' OR tags LIKE ?1 ESCAPE '\\' "
            "OR text LIKE ?1 ESCAPE '\\' ORDER BY (title LIKE ?1 ESCAPE '\\') DESC, use_count DESC LIMIT ?2",
            (f"%{needle}%", limit),
        )
    ]
