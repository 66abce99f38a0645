-- The phrase library: categories, phrases, profile, rules, synonyms, packs.
CREATE TABLE packs (
    id TEXT PRIMARY KEY,                 -- the pack's own stable id
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    publisher TEXT NOT NULL DEFAULT '',
    publisher_key TEXT NOT NULL DEFAULT '',
    installed_at TEXT NOT NULL
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES categories(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) > 0 AND instr(name, '/') = 0),
    position INTEGER NOT NULL DEFAULT 0,
    pack_id TEXT REFERENCES packs(id) ON DELETE SET NULL
);
-- NULL parents are distinct in a UNIQUE constraint, so top-level names need the expression.
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
);
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
