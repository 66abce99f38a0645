"""Team packs over the Library: trust, install/update/remove, channels, usage, backups and restore."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import sys
import uuid
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from huashu import __version__
from huashu.core import packs as core
from huashu.core.models import OpChanges, Phrase, Rule
from huashu.core.packs import (
    ChannelError,
    InstalledPack,
    InstalledPhrase,
    Pack,
    PackDowngradeError,
    PackError,
    PackKeyMismatchError,
    PackManifest,
    PackPhrase,
    PackPreview,
    PackUntrustedError,
    UrlManifest,
    UsageRow,
    VerifiedPack,
)
from huashu.paths import backups_dir, instance_key, user_cache_dir
from huashu.storage import migrations
from huashu.storage.library import (
    SQLITE_MAGIC,
    Library,
    LibraryError,
    NotFoundError,
    ValidationError,
    now_iso,
)

BACKUP_KEEP = 10
_UID_NAMESPACE = uuid.UUID("0c6f2a9e-58d4-4b7e-a1f3-9d2e7c5b8a41")
_CHUNK = 900  # stay under SQLite's bound-parameter limit


def _invalidate(lib: Library) -> None:
    """Raw category writes below bypass the Library's category cache; drop it."""
    lib._categories = None


def _dump(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _load(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    loaded = json.loads(value)
    return tuple(str(v) for v in loaded) if isinstance(loaded, list) else ()


# -- trusted keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustedKey:
    public_key: str
    fingerprint: str
    name: str
    added_at: str


def trusted_keys(lib: Library) -> list[TrustedKey]:
    with lib._lock:
        rows = lib.conn.execute(
            "SELECT public_key, fingerprint, name, added_at FROM trusted_keys ORDER BY added_at, public_key"
        ).fetchall()
    return [TrustedKey(*row) for row in rows]


def is_trusted(lib: Library, public_key: str) -> bool:
    key = core.parse_public_key(public_key)
    return lib.conn.execute("SELECT 1 FROM trusted_keys WHERE public_key = ?", (key,)).fetchone() is not None


def _insert_trust(lib: Library, key: str, name: str) -> None:
    lib.conn.execute(
        "INSERT INTO trusted_keys (public_key, fingerprint, name, added_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(public_key) DO UPDATE SET name = CASE WHEN excluded.name != '' "
        "THEN excluded.name ELSE trusted_keys.name END",
        (key, core.fingerprint(key), name.strip(), now_iso()),
    )


def trust_key(lib: Library, public_key: str, name: str = "") -> TrustedKey:
    """Trust packs signed by this key (adding it again only updates its name)."""
    key = core.parse_public_key(public_key)
    with lib.transaction():
        _insert_trust(lib, key, name)
    return next(k for k in trusted_keys(lib) if k.public_key == key)


def _key_by_fingerprint(lib: Library, text: str) -> str | None:
    """The trusted key with this fingerprint (as `trust list` shows it), or None."""
    wanted = text.strip().lower()
    return next((k.public_key for k in trusted_keys(lib) if k.fingerprint == wanted), None)


def untrust_key(lib: Library, public_key: str) -> list[str]:
    """Stop trusting a key (given whole, or by the fingerprint `trust list` shows); installed packs
    stay, but take no more updates. Returns their names."""
    key = _key_by_fingerprint(lib, public_key) or core.parse_public_key(public_key)
    with lib.transaction():
        cursor = lib.conn.execute("DELETE FROM trusted_keys WHERE public_key = ?", (key,))
        if cursor.rowcount == 0:
            raise NotFoundError(
                f"信任列表中没有这个公钥（指纹 {core.fingerprint(key)}）",
                code="trusted_key_not_found",
                details={"fingerprint": core.fingerprint(key)},
            )
    return [p.name for p in installed_packs(lib) if p.publisher_key == key]


# -- installed packs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstalledPackInfo:
    id: str
    name: str
    version: int
    publisher: str
    publisher_key: str
    installed_at: str
    created: str
    min_app: str
    description: str
    sha256: str
    source: str
    phrases: int

    @property
    def fingerprint(self) -> str:
        return core.fingerprint(self.publisher_key) if self.publisher_key else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "publisher": self.publisher,
            "publisher_key": self.publisher_key,
            "fingerprint": self.fingerprint,
            "installed_at": self.installed_at,
            "created": self.created,
            "phrases": self.phrases,
            "source": self.source,
        }


def installed_packs(lib: Library) -> list[InstalledPackInfo]:
    with lib._lock:
        rows = _installed_rows(lib)
    return [InstalledPackInfo(*row) for row in rows]


def _installed_rows(lib: Library) -> list[Any]:
    return lib.conn.execute(
        "SELECT p.id, p.name, p.version, p.publisher, p.publisher_key, p.installed_at, p.created, "
        "p.min_app, p.description, p.sha256, p.source, "
        "(SELECT count(*) FROM phrases f WHERE f.pack_id = p.id AND f.origin = 'pack') "
        "FROM packs p ORDER BY p.name, p.id"
    ).fetchall()


def installed_pack(lib: Library, pack_id: str) -> InstalledPackInfo | None:
    return next((p for p in installed_packs(lib) if p.id == pack_id), None)


def installed_state(lib: Library, pack_id: str) -> InstalledPack | None:
    """A snapshot of one installed pack: the phrases, rules and synonyms it put in the library."""
    row = lib.conn.execute(
        "SELECT id, name, version, publisher, publisher_key, created, min_app, description "
        "FROM packs WHERE id = ?",
        (pack_id,),
    ).fetchone()
    if row is None:
        return None
    manifest = PackManifest(
        id=row[0],
        name=row[1],
        version=row[2],
        publisher=row[3],
        publisher_key=row[4],
        created=row[5],
        min_app=row[6],
        description=row[7],
    )
    paths = {c.id: c.path for c in lib.categories()}
    phrases = tuple(
        _installed_phrase(r, paths)
        for r in lib.conn.execute(
            _installed_select("pack_uid")
            + " FROM phrases WHERE pack_id = ? AND origin = 'pack' AND pack_uid IS NOT NULL ORDER BY id",
            (pack_id,),
        )
    )
    prefix = f"{pack_id}/"
    rules = tuple(
        r._replace(uid=r.uid.removeprefix(prefix), origin="personal", pack_id=None)
        for r in lib.rules()
        if r.origin == "pack" and r.pack_id == pack_id
    )
    synonyms = tuple(
        _load(r[0])
        for r in lib.conn.execute(
            "SELECT terms FROM synonyms WHERE origin = 'pack' AND pack_id = ? ORDER BY id", (pack_id,)
        )
    )
    return InstalledPack(manifest=manifest, phrases=phrases, rules=rules, synonyms=synonyms)


def _adoptable(lib: Library, pack: Pack) -> tuple[dict[str, InstalledPhrase], dict[str, InstalledPhrase]]:
    """Personal phrases the pack takes over instead of installing a duplicate beside them, by pack uid.

    First, copies of the default library the agent never changed since they were created (they
    share the pack phrase's uid). Second, phrases this pack once had and kept as personal when they
    left it (removed with the pack, or dropped by an update, as favourites): they keep the row uid
    and the pack uid they had (_detach), and are taken back only while exactly as the pack has them,
    so nothing the agent wrote is ever overwritten; a copy the agent changed stays theirs. A lead's
    own phrases, which share their uids with the pack built from them, have no pack uid.
    """
    by_row_uid: dict[str, PackPhrase] = {}
    for p in pack.phrases:
        by_row_uid[_kept_uid(pack.manifest.id, p.uid)] = p
        by_row_uid[p.uid] = p  # should a plain uid equal another phrase's kept uid, the plain one wins
    uids = list(by_row_uid)
    paths = {c.id: c.path for c in lib.categories()}
    defaults: dict[str, InstalledPhrase] = {}
    kept: dict[str, InstalledPhrase] = {}
    for start in range(0, len(uids), _CHUNK):
        chunk = uids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for r in lib.conn.execute(
            _installed_select("uid") + f", created = updated, pack_uid FROM phrases WHERE origin = 'personal' "
            f"AND uid IN ({marks}) ORDER BY id",
            chunk,
        ):
            wanted = by_row_uid[r[1]]
            found = _installed_phrase(r, paths)
            found = replace(found, phrase=replace(found.phrase, uid=wanted.uid), edited=False)
            if r[11] and r[1] == wanted.uid:
                defaults.setdefault(wanted.uid, found)
            elif r[12] == wanted.uid and _same_content(found.phrase, wanted):
                kept.setdefault(wanted.uid, found)
    return defaults, kept


def _kept_uid(pack_id: str, pack_uid: str) -> str:
    """The row uid a pack phrase gets when its own uid is taken (see _free_uid)."""
    return str(uuid.uuid5(_UID_NAMESPACE, f"{pack_id}\n{pack_uid}"))


def _same_content(mine: PackPhrase, theirs: PackPhrase) -> bool:
    """A kept copy still as the pack has the phrase; one that lost its shortcut (to a pack phrase, or
    because another phrase held it) is still the same phrase."""
    return (mine.category, mine.title, mine.text, mine.tags, mine.notes) == (
        theirs.category,
        theirs.title,
        theirs.text,
        theirs.tags,
        theirs.notes,
    ) and mine.shortcut in (None, theirs.shortcut)


def _installed_select(uid_column: str) -> str:
    """The SELECT whose rows _installed_phrase reads; `uid_column` is uid or pack_uid. More columns
    may follow (then the caller adds FROM)."""
    return f"SELECT id, {uid_column}, category_id, title, text, shortcut, tags, notes, favorite, edited, use_count"


def _installed_phrase(r: Sequence[Any], paths: Mapping[int, str]) -> InstalledPhrase:
    """A row of _installed_select as an InstalledPhrase."""
    return InstalledPhrase(
        phrase=PackPhrase(
            uid=r[1],
            category=paths.get(r[2], ""),
            title=r[3],
            text=r[4],
            shortcut=r[5],
            tags=_load(r[6]),
            notes=r[7],
        ),
        phrase_id=r[0],
        favorite=bool(r[8]),
        edited=bool(r[9]),
        use_count=r[10],
    )


def _taken_shortcuts(lib: Library, pack_id: str, exclude_ids: set[int]) -> set[str]:
    """Shortcuts held by phrases that are not this pack's (the agent's own, or another pack's)."""
    return {
        row[1]
        for row in lib.conn.execute(
            "SELECT id, shortcut FROM phrases WHERE shortcut IS NOT NULL "
            "AND NOT (origin = 'pack' AND pack_id IS ?)",
            (pack_id,),
        )
        if row[0] not in exclude_ids
    }


def _preview(lib: Library, pack: Pack) -> PackPreview:
    adoptable, reclaimable = _adoptable(lib, pack)
    by_uid = {p.uid: p for p in pack.phrases}
    adopted = {
        c.phrase_id
        for found in (adoptable, reclaimable)
        for uid, c in found.items()
        if (by_uid[uid].category, by_uid[uid].title) == (c.phrase.category, c.phrase.title)
    }
    return core.preview_pack(
        pack,
        installed_state(lib, pack.manifest.id),
        adoptable=adoptable,
        reclaimable=reclaimable,
        taken_shortcuts=_taken_shortcuts(lib, pack.manifest.id, adopted),
    )


# -- preview and install ---------------------------------------------------------------------------


@dataclass
class PendingInstall:
    """A verified pack that may be installed, with the preview the user confirms."""

    verified: VerifiedPack
    preview: PackPreview
    source: str = ""

    @property
    def manifest(self) -> PackManifest:
        return self.verified.manifest


@dataclass
class ApplyResult:
    preview: PackPreview
    backup: Path | None
    changes: OpChanges = field(default_factory=OpChanges)


def _check_installable(lib: Library, verified: VerifiedPack, trust: str | None, app_version: str) -> bool:
    """Refuse what must not be installed; True when installing also trusts a new key."""
    m = verified.manifest
    key = verified.public_key
    core.check_app_version(m, app_version)
    trusted = is_trusted(lib, key)
    if trust is not None:
        given = core.parse_public_key(trust)
        if given != key:
            raise PackUntrustedError(
                f"--trust 给出的公钥（指纹 {core.fingerprint(given)}）不是这个话术包的签名公钥"
                f"（指纹 {core.fingerprint(key)}），已拒绝",
                public_key=key,
                publisher=m.publisher,
                pack_name=m.name,
                code="pack_trust_key_mismatch",
                details={"given": core.fingerprint(given), "actual": core.fingerprint(key)},
            )
    elif not trusted:
        raise PackUntrustedError(
            f"话术包“{m.name}”来自未受信任的发布者“{m.publisher}”（公钥指纹 {core.fingerprint(key)}）。"
            "请向组长核对指纹后，用 --trust 公钥 安装，或先运行 huashu trust add 公钥",
            public_key=key,
            publisher=m.publisher,
            pack_name=m.name,
            code="pack_untrusted",
            details={"name": m.name, "publisher": m.publisher, "fingerprint": core.fingerprint(key)},
        )
    row = lib.conn.execute("SELECT version, publisher_key, name FROM packs WHERE id = ?", (m.id,)).fetchone()
    if row is not None:
        version, installed_key, name = row
        if installed_key and installed_key != key:
            raise PackKeyMismatchError(
                f"已安装的话术包“{name}”由另一个公钥签名（指纹 {core.fingerprint(installed_key)}），"
                f"这个文件的签名公钥是 {core.fingerprint(key)}，已拒绝",
                code="pack_signed_by_other_key",
                details={
                    "name": name,
                    "installed": core.fingerprint(installed_key),
                    "actual": core.fingerprint(key),
                },
            )
        if m.version == version:
            raise PackDowngradeError(
                f"话术包“{m.name}” v{m.version} 已经安装，不是更新，已拒绝",
                code="pack_already_installed",
                details={"name": m.name, "version": m.version},
            )
        if m.version < version:
            raise PackDowngradeError(
                f"话术包“{m.name}”已安装 v{version}，这个文件是旧版本 v{m.version}，不是更新，已拒绝",
                code="pack_older_version",
                details={"name": m.name, "installed": version, "version": m.version},
            )
    return not trusted


def prepare_install(
    lib: Library,
    verified: VerifiedPack,
    *,
    trust: str | None = None,
    app_version: str = __version__,
    source: str = "",
) -> PendingInstall:
    """Check that the pack may be installed and compute the preview; writes nothing."""
    with lib._lock:
        new_key = _check_installable(lib, verified, trust, app_version)
        preview = _preview(lib, verified.pack)
    preview.new_key = new_key
    return PendingInstall(verified=verified, preview=preview, source=source)


def preview_file(lib: Library, path: Path | str, *, trust: str | None = None) -> PendingInstall:
    """Read, verify and check a .huashu file against the library; raises PackError if refused."""
    verified = core.read_pack(path)
    return prepare_install(lib, verified, trust=trust, source=str(Path(path).resolve()))


def apply_install(
    lib: Library,
    pending: PendingInstall,
    *,
    backup: bool = True,
    keep: int = BACKUP_KEEP,
    app_version: str = __version__,
) -> ApplyResult:
    """Install or update a pack in one transaction, after a backup of the library file."""
    verified = pending.verified
    trust = verified.public_key if pending.preview.new_key else None
    # Refuse early (before any backup) if the library changed since the preview was shown.
    _check_installable(lib, verified, trust, app_version)
    backup_path = make_backup(lib, reason="pre-pack", keep=keep) if backup and lib.path else None
    with lib.transaction():
        new_key = _check_installable(lib, verified, trust, app_version)
        preview = _preview(lib, verified.pack)
        preview.new_key = new_key
        changes = _apply(lib, verified, preview, pending.source)
    return ApplyResult(preview=preview, backup=backup_path, changes=changes)


def install_file(
    lib: Library,
    path: Path | str,
    *,
    trust: str | None = None,
    backup: bool = True,
) -> ApplyResult:
    return apply_install(lib, preview_file(lib, path, trust=trust), backup=backup)


def _free_uid(taken: set[str], pack_id: str, pack_uid: str) -> str:
    for candidate in (pack_uid, _kept_uid(pack_id, pack_uid)):
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    fresh = uuid.uuid4().hex
    taken.add(fresh)
    return fresh


class _Positions:
    """Next free position per category, read once and counted up locally."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.next: dict[int, int] = {}

    def take(self, category_id: int) -> int:
        if category_id not in self.next:
            row = self.conn.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM phrases WHERE category_id = ?", (category_id,)
            ).fetchone()
            self.next[category_id] = int(row[0])
        position = self.next[category_id]
        self.next[category_id] = position + 1
        return position


def _ensure_categories(lib: Library, pack_id: str, paths: Sequence[str]) -> tuple[dict[str, int], bool]:
    """Category ids for every path, creating missing ones (marked as the pack's)."""
    existing = {c.path: c.id for c in lib.categories()}
    before = set(existing.values())
    missing = [p for p in paths if p not in existing]
    for path in missing:
        lib.ensure_category(path)
    if not missing:
        return existing, False
    now = {c.path: c.id for c in lib.categories()}
    created = [cid for cid in now.values() if cid not in before]
    for start in range(0, len(created), _CHUNK):
        chunk = created[start : start + _CHUNK]
        lib.conn.execute(
            f"UPDATE categories SET pack_id = ? WHERE id IN ({','.join('?' * len(chunk))})",
            [pack_id, *chunk],
        )
    _invalidate(lib)
    return now, True


def _detach(lib: Library, phrase_ids: Sequence[int], *, without_shortcut: Set[int] = frozenset()) -> None:
    """Move pack phrases to the agent's personal library, keeping id, uid, favorites and counts;
    those in `without_shortcut` give up their shortcut (a pack phrase has it now).

    The pack uid stays as a mark of where the phrase came from: installed again, the pack takes
    back a kept phrase still as it was instead of putting a duplicate beside it (_adoptable).
    """
    stamp = now_iso()
    lib.conn.executemany(
        "UPDATE phrases SET origin = 'personal', pack_id = NULL, pack_version = NULL, "
        "edited = 0, updated = ?, shortcut = CASE WHEN ? THEN NULL ELSE shortcut END WHERE id = ?",
        [(stamp, int(pid in without_shortcut), pid) for pid in phrase_ids],
    )


def _delete_phrases(lib: Library, phrase_ids: Sequence[int]) -> None:
    from huashu.storage import search_index

    if not phrase_ids:
        return
    search_index.remove(lib.conn, list(phrase_ids))
    lib.conn.executemany("DELETE FROM phrases WHERE id = ?", [(pid,) for pid in phrase_ids])


def _cleanup_categories(lib: Library, pack_id: str, keep_paths: set[str]) -> bool:
    """Delete the pack's categories it no longer uses when empty; hand non-empty ones to the agent."""
    wanted = set(keep_paths)
    for path in keep_paths:
        parts = path.split("/")
        wanted.update("/".join(parts[:i]) for i in range(1, len(parts)))
    changed = False
    for cat in reversed(lib.categories()):
        if cat.pack_id != pack_id or cat.path in wanted:
            continue
        busy = lib.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM phrases WHERE category_id = ?) "
            "OR EXISTS (SELECT 1 FROM categories WHERE parent_id = ?)",
            (cat.id, cat.id),
        ).fetchone()[0]
        if busy:
            lib.conn.execute("UPDATE categories SET pack_id = NULL WHERE id = ?", (cat.id,))
        else:
            lib.conn.execute("DELETE FROM categories WHERE id = ?", (cat.id,))
        changed = True
    _invalidate(lib)
    return changed


def _apply(lib: Library, verified: VerifiedPack, preview: PackPreview, source: str) -> OpChanges:
    from huashu.storage import search_index

    pack = verified.pack
    m = pack.manifest
    conn = lib.conn
    stamp = now_iso()
    changes = OpChanges(rules=preview.rules_changed_any, synonyms=preview.synonyms_changed_any)
    if preview.new_key:
        _insert_trust(lib, verified.public_key, m.publisher)
    else:
        # A key trusted by `trust add` without a name gets the publisher's once a pack tells it.
        conn.execute(
            "UPDATE trusted_keys SET name = ? WHERE public_key = ? AND name = ''", (m.publisher, verified.public_key)
        )
    conn.execute(
        "INSERT INTO packs (id, name, version, publisher, publisher_key, installed_at, created, min_app, "
        "description, sha256, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET name = excluded.name, version = excluded.version, "
        "publisher = excluded.publisher, publisher_key = excluded.publisher_key, "
        "installed_at = excluded.installed_at, created = excluded.created, min_app = excluded.min_app, "
        "description = excluded.description, sha256 = excluded.sha256, source = excluded.source",
        (
            m.id,
            m.name,
            m.version,
            m.publisher,
            verified.public_key,
            stamp,
            m.created,
            m.min_app,
            m.description,
            verified.sha256,
            source,
        ),
    )
    ids, created = _ensure_categories(lib, m.id, pack.categories)
    changes.categories = created
    positions = _Positions(conn)
    taken = {row[0] for row in conn.execute("SELECT uid FROM phrases")}
    touched: list[int] = []

    def content(p: PackPhrase) -> tuple[str, str, str | None, str, str]:
        return (p.title, p.text, p.shortcut, _dump(p.tags), p.notes)

    inserts: list[PackPhrase] = list(preview.added)
    detach: list[int] = []
    for change in preview.adopted + preview.changed:
        old, new = change.old, change.new
        if change.keeps_personal_copy:
            detach.append(old.phrase_id)
            inserts.append(new)
            continue
        category_id = ids[new.category]
        moved = new.category != old.phrase.category
        position_sql = ", position = ?" if moved else ""
        params: list[Any] = [category_id, *content(new)]
        if moved:
            params.append(positions.take(category_id))
            changes.categories = True
        conn.execute(
            "UPDATE phrases SET origin = 'pack', pack_id = ?, pack_uid = ?, pack_version = ?, edited = 0, "
            f"category_id = ?, title = ?, text = ?, shortcut = ?, tags = ?, notes = ?{position_sql}, "
            "updated = CASE WHEN ? THEN ? ELSE updated END WHERE id = ?",
            [m.id, new.uid, m.version, *params, int(bool(change.fields)), stamp, old.phrase_id],
        )
        touched.append(old.phrase_id)
    # The same phrase under the uid the lead's new build gave it: later updates match by that uid.
    conn.executemany(
        "UPDATE phrases SET pack_uid = ? WHERE id = ?",
        [(change.new.uid, change.old.phrase_id) for change in preview.renumbered],
    )
    keep = [r.old.phrase_id for r in preview.removed if r.keep]
    drop = [r.old.phrase_id for r in preview.removed if not r.keep]
    _detach(lib, detach + keep, without_shortcut={move.kept.phrase_id for move in preview.shortcuts_moved})
    touched.extend(detach + keep)
    _delete_phrases(lib, drop)
    changes.deleted_phrases = set(drop)
    for p in inserts:
        category_id = ids[p.category]
        cursor = conn.execute(
            "INSERT INTO phrases (uid, category_id, title, text, shortcut, tags, notes, position, origin, "
            "pack_id, pack_version, pack_uid, created, updated) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pack', ?, ?, ?, ?, ?)",
            (
                _free_uid(taken, m.id, p.uid),
                category_id,
                *content(p),
                positions.take(category_id),
                m.id,
                m.version,
                p.uid,
                stamp,
                stamp,
            ),
        )
        assert cursor.lastrowid is not None
        touched.append(cursor.lastrowid)
    conn.execute(
        "UPDATE phrases SET pack_version = ? WHERE pack_id = ? AND origin = 'pack'", (m.version, m.id)
    )
    lib.replace_rules(
        [r._replace(uid=f"{m.id}/{r.uid}", origin="pack", pack_id=m.id) for r in pack.rules],
        origin="pack",
        pack_id=m.id,
    )
    _sync_default_rules(lib)
    lib.replace_synonyms(pack.synonyms, origin="pack", pack_id=m.id)
    changes.categories |= _cleanup_categories(lib, m.id, set(pack.categories))
    search_index.reindex(conn, touched)
    changes.phrases = set(touched)
    return changes


def uninstall_pack(lib: Library, pack_id: str, *, backup: bool = True, keep: int = BACKUP_KEEP) -> OpChanges:
    """Remove a pack: its phrases go (favorited or edited ones move to personal), and its rules,
    synonyms and now-empty categories with them."""
    state = installed_state(lib, pack_id)
    if state is None:
        raise NotFoundError(f"没有安装这个话术包: {pack_id}", code="pack_not_installed", details={"id": pack_id})
    if backup and lib.path:
        make_backup(lib, reason="pre-pack", keep=keep)
    with lib.transaction():
        keep_ids = [p.phrase_id for p in state.phrases if p.favorite or p.edited]
        drop = [p.phrase_id for p in state.phrases if not (p.favorite or p.edited)]
        # Phrases of the pack without a pack uid (should not exist) are removed the same way.
        strays = [
            r[0]
            for r in lib.conn.execute(
                "SELECT id FROM phrases WHERE pack_id = ? AND origin = 'pack' AND pack_uid IS NULL",
                (pack_id,),
            )
        ]
        _detach(lib, keep_ids)
        _delete_phrases(lib, drop + strays)
        lib.replace_rules([], origin="pack", pack_id=pack_id)
        _sync_default_rules(lib)
        lib.replace_synonyms([], origin="pack", pack_id=pack_id)
        _cleanup_categories(lib, pack_id, set())
        lib.conn.execute("DELETE FROM packs WHERE id = ?", (pack_id,))
        from huashu.storage import search_index

        search_index.reindex(lib.conn, keep_ids)
    return OpChanges(
        phrases=set(keep_ids), deleted_phrases=set(drop + strays), categories=True, rules=True, synonyms=True
    )


RETIRED_DEFAULTS_KEY = "rules.retired_defaults"


def _sync_default_rules(lib: Library) -> None:
    """A pack's rule takes over from this seat's copy of the same default rule while the copy is
    still exactly the default, and the copy comes back when no pack carries that rule any more.

    A lead's library holds the default rules as its own, so a pack republishes them: without this,
    every seat would have each rule twice, and disabling one would leave its twin underlining.
    A copy the agent changed is theirs and stays. Runs inside the install's transaction.
    """
    from huashu.core.checker import load_default_rules

    rules = lib.rules()
    mine = {r.uid: r for r in rules if r.origin == "personal"}
    covered = {r.uid.split("/", 1)[1] for r in rules if r.origin == "pack" and "/" in r.uid}
    stored = lib.setting(RETIRED_DEFAULTS_KEY, [])
    retired = set(stored) if isinstance(stored, list) else set()
    for default in load_default_rules():
        own = mine.get(default.uid)
        if default.uid in covered:
            if own is not None and own.to_dict() == default.to_dict():
                lib.delete_rule(default.uid)
                retired.add(default.uid)
        elif default.uid in retired:
            if own is None:
                lib.save_rule(default)
            retired.discard(default.uid)
    lib.set_setting(RETIRED_DEFAULTS_KEY, sorted(retired))


# -- building a pack from a lead's library ---------------------------------------------------------


@dataclass
class LibraryContent:
    categories: list[str]
    phrases: list[PackPhrase]
    rules: list[Rule]
    synonyms: list[tuple[str, ...]]


def library_content(
    lib: Library,
    categories: Sequence[str] = (),
    *,
    rules: bool = True,
    synonyms: bool = True,
) -> LibraryContent:
    """The lead's own phrases (all, or those under `categories`), rules and synonyms, ready for a pack.

    Phrases installed from other packs are left out: a pack republishes only what the lead owns.
    """
    selected: list[int] | None = None
    if categories:
        selected = []
        for path in categories:
            cat = lib.category_by_path(path)
            if cat is None:
                raise NotFoundError(f"分类不存在: {path}")
            selected.extend(lib.descendant_ids(cat.id))
    wanted = set(selected) if selected is not None else None
    cats = [c.path for c in lib.categories() if (wanted is None or c.id in wanted) and (c.pack_id is None)]
    phrases = [
        PackPhrase(
            uid=p.uid,
            category=p.category,
            title=p.title,
            text=p.text,
            shortcut=p.shortcut,
            tags=p.tags,
            notes=p.notes,
        )
        for p in lib.phrases()
        if p.origin == "personal" and (wanted is None or p.category_id in wanted)
    ]
    personal_rules = [r for r in lib.rules() if r.origin == "personal"] if rules else []
    groups = (
        [
            _load(r[0])
            for r in lib.conn.execute("SELECT terms FROM synonyms WHERE origin = 'personal' ORDER BY id")
        ]
        if synonyms
        else []
    )
    return LibraryContent(categories=cats, phrases=phrases, rules=personal_rules, synonyms=groups)


# -- usage reports ---------------------------------------------------------------------------------


def usage_rows(lib: Library, *, include_personal: bool = False) -> list[UsageRow]:
    """Anonymous usage per phrase: pack phrases under the lead's uid (personal ones only if asked)."""
    sql = "SELECT coalesce(pack_uid, uid), title, use_count, favorite, edit_count FROM phrases"
    if not include_personal:
        sql += " WHERE origin = 'pack'"
    return [
        UsageRow(uid=r[0], title=r[1], use_count=r[2], favorite=bool(r[3]), edit_count=r[4])
        for r in lib.conn.execute(sql + " ORDER BY pack_id, id")
    ]


def record_edited_copy(lib: Library, phrase_id: int) -> OpChanges:
    """Count that the agent changed a phrase's filled text before copying it (for usage reports)."""
    with lib.transaction():
        cursor = lib.conn.execute("UPDATE phrases SET edit_count = edit_count + 1 WHERE id = ?", (phrase_id,))
        if cursor.rowcount == 0:
            raise NotFoundError(f"话术不存在: {phrase_id}", code="phrase_not_found", details={"id": phrase_id})
    return OpChanges(phrases={phrase_id})


# -- channels --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Channel:
    id: int
    kind: str  # "folder" or "url"
    location: str
    added_at: str
    last_checked: str | None
    last_error: str


@dataclass(frozen=True)
class AvailableUpdate:
    """A pack newer than what is installed (or not installed at all), found on a channel."""

    channel: Channel
    pack_id: str
    name: str
    version: int
    installed_version: int | None
    path: Path | None = None  # folder channels
    manifest: UrlManifest | None = None  # URL channels

    def to_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel.location,
            "pack_id": self.pack_id,
            "name": self.name,
            "version": self.version,
            "installed_version": self.installed_version,
            "path": str(self.path) if self.path else None,
            "url": self.manifest.url if self.manifest else None,
        }


@dataclass
class ChannelCheck:
    channel: Channel
    updates: list[AvailableUpdate] = field(default_factory=list)
    error: str = ""
    problems: list[str] = field(default_factory=list)


def channels(lib: Library) -> list[Channel]:
    return [
        Channel(*row)
        for row in lib.conn.execute(
            "SELECT id, kind, location, added_at, last_checked, last_error FROM pack_channels ORDER BY id"
        )
    ]


def add_channel(lib: Library, location: str) -> Channel:
    """Watch a folder (shared drive, USB stick) or an https:// manifest for new packs."""
    location = location.strip()
    if not location:
        raise ValidationError("渠道地址不能为空", code="channel_empty")
    if "://" in location:
        core._require_https(location)
        kind = "url"
    else:
        kind = "folder"
        location = str(Path(location).expanduser().absolute())
    with lib.transaction():
        try:
            lib.conn.execute(
                "INSERT INTO pack_channels (kind, location, added_at) VALUES (?, ?, ?)",
                (kind, location, now_iso()),
            )
        except sqlite3.IntegrityError:
            raise ValidationError(
                f"渠道已存在: {location}", code="channel_exists", details={"location": location}
            ) from None
    return next(c for c in channels(lib) if c.location == location)


def remove_channel(lib: Library, ref: str) -> None:
    with lib.transaction():
        by_id = ref.isdigit()
        cursor = lib.conn.execute(
            "DELETE FROM pack_channels WHERE " + ("id = ?" if by_id else "location = ? OR location = ?"),
            (int(ref),) if by_id else (ref, str(Path(ref).expanduser().absolute())),
        )
        if cursor.rowcount == 0:
            raise NotFoundError(f"没有这个渠道: {ref}", code="channel_not_found", details={"channel": ref})


@dataclass(frozen=True)
class ChannelPlan:
    """What a channel check needs from the library, read in one go so the slow part (network
    drives, HTTPS) can run without holding the library: the app's one worker stays free for search."""

    channels: list[Channel]
    installed: dict[str, int]
    keys: dict[str, str] = field(default_factory=dict)  # installed pack id -> the key that signed it


def channel_plan(lib: Library) -> ChannelPlan:
    packs = installed_packs(lib)
    return ChannelPlan(
        channels(lib),
        {p.id: p.version for p in packs},
        {p.id: p.publisher_key for p in packs if p.publisher_key},
    )


def _refusal(plan: ChannelPlan, found: core.FoundPack) -> str | None:
    """Why a pack file found on a folder channel is not offered: only what would install is.

    A file claiming an installed pack's id under another key is a spoof (or another lead's
    mistake): an update offer for it would be a lie, installing it is refused anyway. A new pack
    from a key not yet trusted is offered: that is how a seat gets its first pack from the share,
    and installing it asks to trust the key, showing its fingerprint (the app's default answer is
    no; the CLI needs --trust).
    """
    m, key = found.manifest, found.verified.public_key
    installed_key = plan.keys.get(m.id)
    if installed_key is not None and installed_key != key:
        return (
            f"“{m.name}” v{m.version} 的签名公钥（指纹 {core.fingerprint(key)}）与已安装的话术包不同"
            f"（指纹 {core.fingerprint(installed_key)}），可能是伪造的，不提供更新"
        )
    return None


def scan_channels(plan: ChannelPlan, *, context: Any = None) -> list[ChannelCheck]:
    """Look at every channel for packs newer than installed; touches no library, never raises for
    a channel that is offline or broken (the app works without any channel)."""
    installed = plan.installed
    results = []
    for channel in plan.channels:
        check = ChannelCheck(channel)
        try:
            if channel.kind == "folder":
                scan = core.scan_folder(channel.location)
                check.problems = [f"{path.name}: {message}" for path, message in scan.problems]
                for found in scan.found:
                    m = found.manifest
                    if m.version <= installed.get(m.id, 0):
                        continue
                    refusal = _refusal(plan, found)
                    if refusal is not None:
                        check.problems.append(f"{found.path.name}: {refusal}")
                    else:
                        check.updates.append(
                            AvailableUpdate(
                                channel, m.id, m.name, m.version, installed.get(m.id), path=found.path
                            )
                        )
            else:
                manifest = core.check_url(channel.location, context=context)
                current = installed.get(manifest.id) if manifest.id else None
                if manifest.version > (current or 0):
                    check.updates.append(
                        AvailableUpdate(
                            channel,
                            manifest.id,
                            manifest.name,
                            manifest.version,
                            current,
                            manifest=manifest,
                        )
                    )
        except PackError as exc:
            check.error = str(exc)
        results.append(check)
    return results


def record_checks(lib: Library, results: Sequence[ChannelCheck]) -> None:
    """Note when each channel was looked at and what went wrong (shown by `channel list`)."""
    if lib.read_only:
        return
    with lib.transaction():
        for check in results:
            lib.conn.execute(
                "UPDATE pack_channels SET last_checked = ?, last_error = ? WHERE id = ?",
                (now_iso(), check.error, check.channel.id),
            )


def check_channels(lib: Library, *, context: Any = None, record: bool = True) -> list[ChannelCheck]:
    """All three steps at once, for the command line."""
    results = scan_channels(channel_plan(lib), context=context)
    if record:
        record_checks(lib, results)
    return results


def fetch_update(update: AvailableUpdate, *, context: Any = None, cache_dir: Path | None = None) -> Path:
    """The local file of an available update (downloaded and SHA-256-checked for URL channels)."""
    if update.path is not None:
        return update.path
    if update.manifest is None:
        raise ChannelError("更新没有文件地址")
    return core.download_pack(update.manifest, cache_dir or user_cache_dir() / "packs", context=context)


# -- backups and restore ---------------------------------------------------------------------------


# A fixed set of reasons: with free-form ones, `shop-north-manual-….db` (a backup of shop-north.db
# in the same folder) would read as a "north-manual" backup of shop.db, to be restored or pruned.
BACKUP_REASONS = ("daily", "manual", "pre-migration", "pre-pack", "pre-import", "pre-repair", "pre-restore")
_BACKUP_RE_TEMPLATE = (
    r"^{stem}-(?P<reason>" + "|".join(BACKUP_REASONS) + r")-(?P<stamp>\d{{8}}-\d{{6}}(?:-\d{{6}})?)\.db$"
)
_NOT_DEFAULT = ("pre-restore",)


@dataclass(frozen=True)
class Backup:
    path: Path
    reason: str
    stamp: str

    @property
    def when(self) -> datetime:
        fmt = "%Y%m%d-%H%M%S-%f" if self.stamp.count("-") == 2 else "%Y%m%d-%H%M%S"
        return datetime.strptime(self.stamp, fmt)


def list_backups(db_path: Path | str) -> list[Backup]:
    """Backups of this library in its `backups/` folder, oldest first."""
    target = Path(db_path)
    folder = backups_dir(target)
    pattern = re.compile(_BACKUP_RE_TEMPLATE.format(stem=re.escape(target.stem)))
    found = []
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = pattern.match(entry.name)
            if match and entry.is_file():
                found.append(Backup(entry, match["reason"], match["stamp"]))
    return sorted(found, key=lambda b: (b.stamp, b.path.name))


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def prune_backups(db_path: Path | str, keep: int = BACKUP_KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups; returns what was deleted."""
    backups = list_backups(db_path)
    # The newest backup of each kind (daily, pre-migration, pre-pack, manual) always stays, so a
    # burst of pack updates cannot push the last daily copy out.
    protected = {id(b) for b in {b.reason: b for b in backups}.values()}
    excess = max(0, len(backups) - keep)
    doomed = [b for b in backups if id(b) not in protected][:excess]
    for b in doomed:
        b.path.unlink(missing_ok=True)
    # Leftovers of backups interrupted by a crash.
    folder = backups_dir(Path(db_path))
    with contextlib.suppress(OSError):
        for entry in folder.glob(f".{Path(db_path).stem}-*.partial"):
            entry.unlink(missing_ok=True)
    return [b.path for b in doomed]


def make_backup(
    lib: Library, target: Path | str | None = None, *, reason: str = "manual", keep: int = BACKUP_KEEP
) -> Path:
    """A consistent copy of the library (SQLite online backup); into `backups/`, keeping the last
    `keep`, unless `target` names a file."""
    if lib.path is None:
        raise LibraryError("内存中的话术库不能备份")
    if target is not None:
        return lib.backup_to(Path(target))
    if reason not in BACKUP_REASONS:
        raise ValueError(f"bad backup reason {reason!r}")
    path = lib.backup_to(backups_dir(lib.path) / f"{lib.path.stem}-{reason}-{_stamp()}.db")
    prune_backups(lib.path, keep)
    return path


def backup_problems(path: Path | str) -> list[str]:
    """Why a file cannot be restored (empty if it is a sound library this app can open)."""
    source = Path(path)
    try:
        with source.open("rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return [f"不是话术库文件: {source}"]
    except OSError as exc:
        return [f"无法读取 {source}: {exc.strerror or exc}"]
    return []


def library_problems(conn: sqlite3.Connection) -> list[str]:
    """Why an open file is not a sound library this version can open: the full integrity check,
    foreign keys, a phrase table and the schema. Raises sqlite3.DatabaseError if it cannot be read."""
    problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check") if str(r[0]) != "ok"]
    problems += [f"foreign key: {tuple(r)}" for r in conn.execute("PRAGMA foreign_key_check")]
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'phrases'").fetchone():
        problems.append("不是话术库（没有话术表）")
    else:
        conn.execute("SELECT count(*) FROM phrases").fetchone()
    try:
        migrations.pending(conn)
    except migrations.SchemaError as exc:
        problems.append(str(exc))
    except sqlite3.Error:
        pass  # a file from before migrations were recorded: opening it migrates it
    return problems


def _check_copy(path: Path) -> list[str]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        problems = library_problems(conn)
        # Fold any WAL content into the file and leave it self-contained.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return problems
    except sqlite3.DatabaseError as exc:
        return [f"文件已损坏: {exc}"]
    finally:
        conn.close()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    saved_current: Path | None  # the state before the restore, itself restorable (or the damaged file)
    skipped: tuple[tuple[Path, str], ...] = ()  # newer backups passed over as damaged, with the reason


def corrupt_copy_name(db_path: Path) -> Path:
    """Where a damaged library is kept aside: beside it, `<name>.corrupt-<timestamp>`."""
    return db_path.with_name(f"{db_path.name}.corrupt-{_stamp()}")


def keep_damaged(db_path: Path, *, move: bool = False) -> Path | None:
    """Copy (or move) a damaged library and its -wal aside under a `.corrupt-<timestamp>` name.

    The copy is never pruned and never overwritten; support can try to salvage it later.
    """
    if not db_path.exists():
        return None
    aside = corrupt_copy_name(db_path)
    wal = Path(f"{db_path}-wal")
    if move:
        # The database first: if it cannot move (a Windows lock), nothing has moved. If then its
        # -wal cannot follow, put the database back rather than split recent commits from it.
        os.replace(db_path, aside)
        if wal.exists():
            try:
                os.replace(wal, Path(f"{aside}-wal"))
            except OSError:
                os.replace(aside, db_path)
                raise
        Path(f"{db_path}-shm").unlink(missing_ok=True)
    else:
        shutil.copyfile(db_path, aside)
        if wal.exists() and wal.stat().st_size:
            shutil.copyfile(wal, Path(f"{aside}-wal"))
    _fsync_dir(db_path.parent)
    return aside


def _save_current(db_path: Path) -> Path | None:
    """Keep the state being replaced: a consistent backup if readable, else the raw bytes."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{db_path.stem}-pre-restore-{_stamp()}.db"
    staging = target.with_name(f".{target.name}.partial")
    try:
        src = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        try:
            if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            dest = sqlite3.connect(staging)
            try:
                src.backup(dest)
            finally:
                dest.close()
        finally:
            src.close()
        os.replace(staging, target)
        return target
    except sqlite3.DatabaseError:
        staging.unlink(missing_ok=True)
        return keep_damaged(db_path)


def restore_file(db_path: Path | str, backup: Path | str | None = None) -> RestoreResult:
    """Replace the library file with a backup (the newest good one if none is named), atomically.

    The library must be closed. The backup is copied beside the library, checked (integrity,
    foreign keys, a schema this app can open); without a named backup, damaged newer ones are
    passed over (listed in `skipped`). The current state is itself kept (a restorable backup, or
    the damaged file under a `.corrupt-<timestamp>` name), stale -wal/-shm files are removed, and
    the checked copy is renamed into place.
    """
    target = Path(db_path)
    if backup is None:
        candidates = [b.path for b in reversed(list_backups(target)) if b.reason not in _NOT_DEFAULT]
        if not candidates:
            raise LibraryError(f"没有找到备份（{backups_dir(target)}）")
    else:
        candidates = [Path(backup)]
    staging = target.with_name(f".{target.name}.restoring")

    def clear_staging() -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{staging}{suffix}").unlink(missing_ok=True)

    skipped: list[tuple[Path, str]] = []
    source: Path | None = None
    clear_staging()
    try:
        for candidate in candidates:
            problems = backup_problems(candidate)
            if problems:
                if backup is not None:
                    raise LibraryError(f"备份不可用: {problems[0]}")
                skipped.append((candidate, problems[0]))
                continue
            clear_staging()
            shutil.copyfile(candidate, staging)
            problems = _check_copy(staging)
            if problems:
                if backup is not None:
                    raise LibraryError(f"备份已损坏，未恢复: {candidate}（{problems[0]}）")
                skipped.append((candidate, problems[0]))
                continue
            source = candidate
            break
        if source is None:
            raise LibraryError(
                f"没有可用的备份：{len(skipped)} 份备份都已损坏，话术库未改动（{backups_dir(target)}）"
            )
        with staging.open("rb+") as handle:
            os.fsync(handle.fileno())
        saved = _save_current(target)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(staging, target)
        _fsync_dir(target.parent)
    finally:
        clear_staging()
    return RestoreResult(restored_from=source, saved_current=saved, skipped=tuple(skipped))


_ANY_BACKUP_RE = re.compile(
    r"^(?P<stem>.+)-(?P<reason>" + "|".join(BACKUP_REASONS) + r")-\d{8}-\d{6}(?:-\d{6})?\.db$"
)


def backup_owner(backup: Path | str) -> str | None:
    """The library a backup's name says it was made of (`agent1` for `agent1-manual-….db`), or None
    for a file not named as a backup."""
    match = _ANY_BACKUP_RE.match(Path(backup).name)
    return match["stem"] if match else None


def foreign_backup(db_path: Path | str, backup: Path | str) -> str | None:
    """The other library's name when `backup` is, by its name, a backup of another library file."""
    owner = backup_owner(backup)
    target = Path(db_path).stem
    # `shop-north-manual-….db` is shop-north's: the greedy stem takes the longest name, and a
    # backup of this library always matches its own stem exactly.
    if owner is None or owner == target:
        return None
    return owner


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return bool(ok) and code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def app_holding(db_path: Path | str, lock_dir: Path | None = None) -> int | None:
    """The process id of a running desktop app that has this library open, or None.

    The app holds a QLockFile (`<instance key>.lock` in the cache folder) while it runs. Its first
    lines are the pid, the program name and the host; later lines identify the boot. A lock whose
    process is gone, or whose pid now belongs to another boot or program, is stale, as QLockFile
    itself judges it.
    """
    folder = lock_dir if lock_dir is not None else user_cache_dir()
    lock = folder / f"{instance_key(Path(db_path))}.lock"
    try:
        lines = lock.read_text(encoding="utf-8", errors="replace").splitlines()
        pid = int(lines[0].strip())
    except (OSError, ValueError, IndexError):
        return None
    if not _process_alive(pid):
        return None
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, IndexError):
            boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")
            if len(lines) > 4 and lines[4].strip() and lines[4].strip().replace("-", "") != boot:
                return None
        with contextlib.suppress(OSError, IndexError):
            program = Path(os.readlink(f"/proc/{pid}/exe")).name
            if lines[1].strip() and program != lines[1].strip():
                return None
    return pid


def restore(lib: Library, backup: Path | str | None = None) -> tuple[Library, RestoreResult]:
    """Close the live library, restore a backup over its file, and open it again."""
    if lib.path is None:
        raise LibraryError("内存中的话术库不能恢复")
    path = lib.path
    lib.close()
    result = restore_file(path, backup)
    return Library.open(path, create=False), result


@dataclass(frozen=True)
class ShortcutClash:
    """A shortcut held by more than one phrase. `phrases[0]` is the one typing the shortcut brings
    (Library.phrase_by_shortcut: the agent's own before a pack's, then the oldest)."""

    shortcut: str
    phrases: tuple[Phrase, ...]

    def message(self) -> str:
        names = "、".join(
            f"“{p.title}”（{p.category}，{'团队话术' if p.origin == 'pack' else '个人话术'} #{p.id}）"
            for p in self.phrases
        )
        return f"快捷编码 {self.shortcut} 被 {len(self.phrases)} 条话术同时使用: {names}"

    def repaired(self) -> str:
        others = "、".join(f"“{p.title}”" for p in self.phrases[1:])
        return f"快捷编码 {self.shortcut} 只留给“{self.phrases[0].title}”，{others} 不再使用它"


def shortcut_clashes(lib: Library) -> list[ShortcutClash]:
    """Shortcuts that more than one phrase has: typing one brings only the first, the others never."""
    with lib._lock:
        codes = [
            r[0]
            for r in lib.conn.execute(
                "SELECT shortcut FROM phrases WHERE shortcut IS NOT NULL "
                "GROUP BY shortcut HAVING count(*) > 1 ORDER BY shortcut"
            )
        ]
        clashes = []
        for code in codes:
            ids = [
                r[0]
                for r in lib.conn.execute(
                    "SELECT id FROM phrases WHERE shortcut = ? ORDER BY origin = 'pack', id", (code,)
                )
            ]
            clashes.append(ShortcutClash(code, tuple(lib.phrases_by_ids(ids))))
    return clashes


@dataclass(frozen=True)
class ShortcutRepair:
    fixed: list[ShortcutClash]
    backup: Path | None
    changes: OpChanges = field(default_factory=OpChanges)


def repair_shortcuts(lib: Library, *, backup: bool = True, keep: int = BACKUP_KEEP) -> ShortcutRepair:
    """Leave each shared shortcut to the phrase typing it brings today, and take it from the others.

    What the agent gets for a shortcut does not change; the phrases that lose it can be given
    another in the editor. Their text, favourites and counts are untouched, and `updated` too:
    this is bookkeeping, not an edit (an untouched default copy stays one a pack may take over).
    A backup is taken first; one transaction.
    """
    if not shortcut_clashes(lib):
        return ShortcutRepair([], None)
    backup_path = make_backup(lib, reason="pre-repair", keep=keep) if backup and lib.path else None
    from huashu.storage import search_index

    with lib.transaction():
        fixed = shortcut_clashes(lib)
        losing = [p.id for clash in fixed for p in clash.phrases[1:]]
        lib.conn.executemany("UPDATE phrases SET shortcut = NULL WHERE id = ?", [(pid,) for pid in losing])
        search_index.reindex(lib.conn, losing)
    return ShortcutRepair(fixed, backup_path, OpChanges(phrases=set(losing)))


def check_library(lib: Library) -> list[str]:
    """Everything wrong with the library: SQLite integrity, foreign keys, pack bookkeeping, and
    shortcuts that more than one phrase has."""
    problems = lib.integrity_problems(quick=False)
    conn = lib.conn
    orphans = conn.execute(
        "SELECT count(*) FROM phrases WHERE origin = 'pack' AND "
        "(pack_id IS NULL OR pack_id NOT IN (SELECT id FROM packs))"
    ).fetchone()[0]
    if orphans:
        problems.append(f"{orphans} 条团队话术不属于任何已安装的话术包")
    no_uid = conn.execute(
        "SELECT count(*) FROM phrases WHERE origin = 'pack' AND pack_uid IS NULL"
    ).fetchone()[0]
    if no_uid:
        problems.append(f"{no_uid} 条团队话术缺少话术包编号")
    stray_rules = conn.execute(
        "SELECT count(*) FROM rules WHERE origin = 'pack' AND "
        "(pack_id IS NULL OR pack_id NOT IN (SELECT id FROM packs))"
    ).fetchone()[0]
    if stray_rules:
        problems.append(f"{stray_rules} 条团队规则不属于任何已安装的话术包")
    problems += [clash.message() for clash in shortcut_clashes(lib)]
    return problems


__all__ = [
    "BACKUP_KEEP",
    "ApplyResult",
    "AvailableUpdate",
    "Backup",
    "Channel",
    "ChannelCheck",
    "InstalledPackInfo",
    "LibraryContent",
    "PendingInstall",
    "RestoreResult",
    "ShortcutClash",
    "ShortcutRepair",
    "TrustedKey",
    "add_channel",
    "apply_install",
    "backup_problems",
    "channels",
    "check_channels",
    "check_library",
    "corrupt_copy_name",
    "fetch_update",
    "install_file",
    "installed_pack",
    "installed_packs",
    "installed_state",
    "is_trusted",
    "keep_damaged",
    "library_content",
    "list_backups",
    "make_backup",
    "prepare_install",
    "preview_file",
    "prune_backups",
    "record_edited_copy",
    "remove_channel",
    "repair_shortcuts",
    "restore",
    "restore_file",
    "shortcut_clashes",
    "trust_key",
    "trusted_keys",
    "uninstall_pack",
    "untrust_key",
    "usage_rows",
]
