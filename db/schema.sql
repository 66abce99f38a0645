CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
CREATE TABLE packs (
    id TEXT PRIMARY KEY,                 -- the pack's own stable id
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    publisher TEXT NOT NULL DEFAULT '',
    publisher_key TEXT NOT NULL DEFAULT '',
    installed_at TEXT NOT NULL
, created TEXT NOT NULL DEFAULT '', min_app TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '');
CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES categories(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) > 0 AND instr(name, '/') = 0),
    position INTEGER NOT NULL DEFAULT 0,
    pack_id TEXT REFERENCES packs(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX categories_unique_name ON categories(ifnull(parent_id, 0), name);
CREATE TABLE phrases (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,            -- stable across export, packs and devices
    category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE RESTRICT,
    title TEXT NOT NULL CHECK (length(title) > 0),
    text TEXT NOT NULL CHECK (length(text) > 0),
    shortcut TEXT,
    tags TEXT NOT NULL DEFAULT '[]',     -- JSON array of strings
    notes TEXT NOT NULL DEFAULT '',
    favorite INTEGER NOT NULL DEFAULT 0,
    use_count INTEGER NOT NULL DEFAULT 0,
    last_used TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    origin TEXT NOT NULL DEFAULT 'personal' CHECK (origin IN ('personal', 'pack')),
    pack_id TEXT REFERENCES packs(id) ON DELETE SET NULL,
    pack_version INTEGER,
    edited INTEGER NOT NULL DEFAULT 0,   -- a pack phrase the agent changed locally
    created TEXT NOT NULL,
    updated TEXT NOT NULL
, pack_uid TEXT, edit_count INTEGER NOT NULL DEFAULT 0);
CREATE INDEX phrases_category ON phrases(category_id, position);
CREATE INDEX phrases_shortcut ON phrases(shortcut) WHERE shortcut IS NOT NULL;
CREATE INDEX phrases_pack ON phrases(pack_id) WHERE pack_id IS NOT NULL;
CREATE TABLE profile (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL                  -- JSON
);
CREATE TABLE rules (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    patterns TEXT NOT NULL,              -- JSON array of strings
    is_regex INTEGER NOT NULL DEFAULT 0,
    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
    category TEXT NOT NULL DEFAULT '',
    suggestions TEXT NOT NULL DEFAULT '[]',
    allow TEXT NOT NULL DEFAULT '[]',
    note TEXT NOT NULL DEFAULT '',
    must_flag TEXT NOT NULL DEFAULT '[]',
    must_not_flag TEXT NOT NULL DEFAULT '[]',
    enabled INTEGER NOT NULL DEFAULT 1,
    origin TEXT NOT NULL DEFAULT 'personal' CHECK (origin IN ('personal', 'pack')),
    pack_id TEXT REFERENCES packs(id) ON DELETE SET NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE synonyms (
    id INTEGER PRIMARY KEY,
    terms TEXT NOT NULL,                 -- JSON array; every term is equivalent to the others
    origin TEXT NOT NULL DEFAULT 'personal' CHECK (origin IN ('personal', 'pack')),
    pack_id TEXT REFERENCES packs(id) ON DELETE SET NULL
);
CREATE VIRTUAL TABLE phrase_fts USING fts5(
    title, tags, body, notes, category, pinyin, tag_pinyin, tgrams, bgrams,
    content = '',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TABLE 'phrase_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
CREATE TABLE 'phrase_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
CREATE TABLE 'phrase_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
CREATE TABLE 'phrase_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE phrase_search (
    phrase_id INTEGER PRIMARY KEY,      -- phrases.id (no FK: rows are removed through search_index)
    fts_rowid INTEGER NOT NULL UNIQUE,
    sig TEXT NOT NULL,                  -- source signature; '' = stale, 'n…' = built before jieba loaded
    tokens BLOB NOT NULL
);
CREATE TABLE phrase_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE phrase_vocab USING fts5vocab(phrase_fts, 'row');
CREATE TRIGGER phrases_search_stale AFTER UPDATE OF title, text, tags, notes, category_id
ON phrases BEGIN
    UPDATE phrase_search SET sig = '' WHERE phrase_id = new.id;
END;
CREATE TRIGGER phrases_search_gone AFTER DELETE ON phrases BEGIN
    UPDATE phrase_search SET sig = '' WHERE phrase_id = old.id;
END;
CREATE TABLE trusted_keys (
    public_key TEXT PRIMARY KEY,         -- Ed25519 public key, standard base64 (44 characters)
    fingerprint TEXT NOT NULL,           -- first 64 bits of its SHA-256, shown to the user
    name TEXT NOT NULL DEFAULT '',       -- who the agent was told it belongs to
    added_at TEXT NOT NULL
);
CREATE UNIQUE INDEX phrases_pack_uid ON phrases(pack_id, pack_uid) WHERE pack_uid IS NOT NULL;
CREATE TABLE pack_channels (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('folder', 'url')),
    location TEXT NOT NULL UNIQUE,       -- a folder path (shared drive, USB stick) or an https:// manifest
    added_at TEXT NOT NULL,
    last_checked TEXT,
    last_error TEXT NOT NULL DEFAULT ''
);
