-- Team packs: trusted publisher keys, pack metadata, stable pack phrase ids, update channels, usage.
CREATE TABLE trusted_keys (
    public_key TEXT PRIMARY KEY,         -- Ed25519 public key, standard base64 (44 characters)
    fingerprint TEXT NOT NULL,           -- first 64 bits of its SHA-256, shown to the user
    name TEXT NOT NULL DEFAULT '',       -- who the agent was told it belongs to
    added_at TEXT NOT NULL
);

ALTER TABLE packs ADD COLUMN created TEXT NOT NULL DEFAULT '';
ALTER TABLE packs ADD COLUMN min_app TEXT NOT NULL DEFAULT '';
ALTER TABLE packs ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE packs ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';   -- of the installed .huashu file
ALTER TABLE packs ADD COLUMN source TEXT NOT NULL DEFAULT '';   -- file, folder or URL it came from

-- The phrase's uid inside its pack: updates match on (pack_id, pack_uid), so the library uid can
-- stay the pack uid when free and never collides with a personal phrase.
ALTER TABLE phrases ADD COLUMN pack_uid TEXT;
-- Times the agent changed the filled text before copying it (anonymous usage reports for leads).
ALTER TABLE phrases ADD COLUMN edit_count INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX phrases_pack_uid ON phrases(pack_id, pack_uid) WHERE pack_uid IS NOT NULL;

CREATE TABLE pack_channels (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('folder', 'url')),
    location TEXT NOT NULL UNIQUE,       -- a folder path (shared drive, USB stick) or an https:// manifest
    added_at TEXT NOT NULL,
    last_checked TEXT,
    last_error TEXT NOT NULL DEFAULT ''
);
