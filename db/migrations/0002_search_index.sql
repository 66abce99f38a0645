-- Full-text search over phrases (FTS5, SQLite >= 3.34): jieba-segmented words, pinyin and CJK
-- character pairs, written by storage/search_index.py. Segmentation needs Python, so this script only
-- creates the tables; the app indexes existing phrases after migrating (search_index.sync).
--
-- phrase_fts is contentless: it holds only the index. Its rowid orders the phrases for bounded
-- ranking: (prior << 40) | phrase id, where prior 0 = the agent's favorites and used phrases, then
-- shorter titles first, so a query matching thousands of phrases ranks the first window of them.
CREATE VIRTUAL TABLE phrase_fts USING fts5(
    title, tags, body, notes, category, pinyin, tag_pinyin, tgrams, bgrams,
    content = '',
    tokenize = 'unicode61 remove_diacritics 0'
);

-- One row per indexed phrase: where it sits in phrase_fts, what it was built from, and its tokens
-- (zlib'd JSON), which FTS5 needs again to delete the row.
CREATE TABLE phrase_search (
    phrase_id INTEGER PRIMARY KEY,      -- phrases.id (no FK: rows are removed through search_index)
    fts_rowid INTEGER NOT NULL UNIQUE,
    sig TEXT NOT NULL,                  -- source signature; '' = stale, 'n…' = built before jieba loaded
    tokens BLOB NOT NULL
);

-- Index words for completing what is being typed (pinyin, latin words, title character pairs).
CREATE TABLE phrase_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;

-- Document frequencies of index tokens (suggestions weigh a customer's words by their rarity).
CREATE VIRTUAL TABLE phrase_vocab USING fts5vocab(phrase_fts, 'row');

-- Edits and deletes that did not go through the indexer mark the row stale; search_index.sync()
-- rebuilds or removes it (search already ignores rows whose phrase is gone).
CREATE TRIGGER phrases_search_stale AFTER UPDATE OF title, text, tags, notes, category_id
ON phrases BEGIN
    UPDATE phrase_search SET sig = '' WHERE phrase_id = new.id;
END;
CREATE TRIGGER phrases_search_gone AFTER DELETE ON phrases BEGIN
    UPDATE phrase_search SET sig = '' WHERE phrase_id = old.id;
END;
