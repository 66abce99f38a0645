"""Team packs (.huashu files): the signed format, keys, verification, update preview and channels."""

from __future__ import annotations

import base64
import binascii
import contextlib
import difflib
import hashlib
import json
import os
import re
import ssl
import stat
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import SigningKey, VerifyKey

from huashu.core import models, placeholders
from huashu.core.coded import CodedError
from huashu.core.models import SEVERITIES, PhraseRow, Rule, default_uid, normalize_category_path
from huashu.core.spreadsheet import MAX_CELL_CHARS, PHRASE_HEADERS, read_table, write_table
from huashu.paths import atomic_write_bytes

# -- limits and constants --------------------------------------------------------------------------

MAGIC = b"HUASHU-PACK 1\n"
MAGIC_PREFIX = b"HUASHU-PACK "
FORMAT_VERSION = 1
SUFFIX = ".huashu"
# A pack of 10,000 phrases is about 1 MB on disk and 5 MB decompressed; these caps leave room
# for very large libraries and refuse anything absurd before it is read or inflated.
MAX_PACK_BYTES = 64 * 1024 * 1024
MAX_PAYLOAD_BYTES = 256 * 1024 * 1024
MAX_HEADER_BYTES = 4096
MAX_MANIFEST_BYTES = 64 * 1024
MAX_KEY_FILE_BYTES = 64 * 1024
MAX_PHRASES = 200_000
MAX_RULES = 50_000
MAX_SYNONYM_GROUPS = 100_000
# A phrase's fields take what the library's spreadsheet import takes, whose one length limit is the
# cell: whatever a lead imported (or keeps in the library) can be published, and a sheet that
# imports builds. Names of the pack itself, publishers and synonyms stay short.
MAX_TEXT_CHARS = MAX_CELL_CHARS
MAX_TITLE_CHARS = MAX_CELL_CHARS
MAX_NAME_CHARS = 100
MAX_LIST_ITEMS = 200
MAX_VERSION = 2**53 - 1
DEFAULT_MIN_APP = "0.1.0"  # the first Huashu that reads format 1
_PACK_NAMESPACE = uuid.UUID("b7a4c5e2-3f1d-4d8a-9c6e-1a2b3c4d5e6f")

_UID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_APP_VERSION_RE = re.compile(r"^\d{1,6}(\.\d{1,6}){0,3}$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# Control characters, and lone surrogates (a signed pack's JSON may spell them as \ud800 escapes;
# SQLite cannot store them).
_CONTROL_RE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_TEXT_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


# -- errors ----------------------------------------------------------------------------------------


class PackError(CodedError, ValueError):
    """A pack that cannot be used; the message is for the user. `exit_code` follows the CLI contract.

    The message is Chinese (the command line's); a UI in another language words the error from
    `code` and `details`. Where a raise names no code, the
    class's `default_code` tells the kind of problem, with the message as details["problem"].
    """

    exit_code = 2
    default_code: str | None = None

    def __init__(
        self, *args: object, code: str | None = None, details: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(*args, code=code, details=details)
        if code is None and self.default_code is not None:
            self.code, self.details = self.default_code, {"problem": str(self)}


class PackFormatError(PackError):
    """Not a pack, truncated, oversized or malformed (exit 2)."""

    # Anything a file a lead's Huashu wrote never has (a pack built by hand, or damage past the signature).
    default_code = "pack_invalid"


class PackSignatureError(PackError):
    """The signature does not match the content: tampered or damaged (exit 1)."""

    exit_code = 1


class PackRefusedError(PackError):
    """A well-formed, correctly signed pack that this library must not install (exit 1)."""

    exit_code = 1


class PackUntrustedError(PackRefusedError):
    """Signed by a key the library does not trust; carries what the user needs to decide."""

    def __init__(
        self,
        message: str,
        *,
        public_key: str,
        publisher: str,
        pack_name: str,
        code: str | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, code=code, details=details)
        self.public_key = public_key
        self.fingerprint = fingerprint(public_key)
        self.publisher = publisher
        self.pack_name = pack_name


class PackKeyMismatchError(PackRefusedError):
    """An installed pack is updated only by the key that installed it."""


class PackDowngradeError(PackRefusedError):
    """The version is not newer than the installed one."""


class PackAppTooOldError(PackRefusedError):
    """The pack needs a newer Huashu."""


class ChannelError(PackError):
    """A folder or URL channel that cannot be checked or downloaded from."""

    default_code = "channel_failed"


# -- keys ------------------------------------------------------------------------------------------


def public_key_text(raw: bytes) -> str:
    """The canonical text of a public key: standard base64 of its 32 bytes."""
    return base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> str:
    """Accept a public key as base64 (standard or URL-safe) or hex; return canonical base64."""
    value = text.strip()
    raw: bytes | None = None
    if re.fullmatch(r"[0-9a-fA-F]{64}", value):
        raw = bytes.fromhex(value)
    else:
        with contextlib.suppress(binascii.Error, ValueError):
            raw = base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    if raw is None or len(raw) != 32:
        raise PackError(f"公钥格式不对（应为 44 个字符的 base64 或 64 位十六进制）: {text[:60]!r}")
    try:
        VerifyKey(raw)
    except (CryptoError, ValueError, TypeError) as exc:
        raise PackError(f"公钥无效: {exc}") from exc
    return public_key_text(raw)


def fingerprint(public_key: str) -> str:
    """A short, readable fingerprint of a public key (first 64 bits of its SHA-256), e.g. 3f2a-91c0-…."""
    raw = base64.b64decode(public_key)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True)
class PrivateKey:
    """A lead's signing key; `seed` is the 32-byte Ed25519 secret."""

    seed: bytes = field(repr=False)
    publisher: str = ""
    insecure_permissions: bool = False

    @property
    def public_key(self) -> str:
        return public_key_text(bytes(SigningKey(self.seed).verify_key))

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return bytes(SigningKey(self.seed).sign(message).signature)


def generate_key(publisher: str = "") -> PrivateKey:
    return PrivateKey(seed=bytes(SigningKey.generate()), publisher=publisher.strip())


def write_private_key(path: Path | str, key: PrivateKey, *, overwrite: bool = False) -> None:
    """Write the key file readable by its owner only (0600); never replaces a key unless asked."""
    target = Path(path)
    body = json.dumps(
        {
            "type": "huashu-signing-key",
            "version": 1,
            "algorithm": "ed25519",
            "seed": base64.b64encode(key.seed).decode("ascii"),
            "public_key": key.public_key,
            "publisher": key.publisher,
        },
        ensure_ascii=False,
        indent=2,
    )
    text = "// 话术助手 Huashu 签名私钥 — 请妥善保管，切勿分享\n" + body + "\n"
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError:
        raise PackError(f"密钥文件已存在，未覆盖: {target}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        os.chmod(target, 0o600)


def read_private_key(path: Path | str) -> PrivateKey:
    source = Path(path)
    try:
        info = source.stat()
        if info.st_size > MAX_KEY_FILE_BYTES:
            raise PackError(f"不是话术助手的密钥文件（过大）: {source}")
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"无法读取密钥文件 {source}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise PackError(f"不是话术助手的密钥文件: {source}") from None
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or data.get("type") != "huashu-signing-key":
            raise ValueError("type")
        seed = base64.b64decode(str(data["seed"]), validate=True)
        if len(seed) != 32:
            raise ValueError("seed")
        publisher = str(data.get("publisher", ""))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise PackError(f"不是话术助手的密钥文件（或已损坏）: {source}") from None
    key = PrivateKey(seed=seed, publisher=publisher)
    stated = data.get("public_key")
    if stated is not None and stated != key.public_key:
        raise PackError(f"密钥文件已损坏（公钥与私钥不符）: {source}")
    insecure = os.name == "posix" and bool(stat.S_IMODE(info.st_mode) & 0o077)
    return PrivateKey(seed=seed, publisher=publisher, insecure_permissions=insecure)


# -- pack content ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackPhrase:
    """One phrase in a pack; `uid` is stable across versions so updates match in place."""

    uid: str
    category: str
    title: str
    text: str
    shortcut: str | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""

    def content(self) -> tuple[str, str, str, str | None, tuple[str, ...], str]:
        return (self.category, self.title, self.text, self.shortcut, self.tags, self.notes)

    @property
    def row(self) -> PhraseRow:
        return PhraseRow(self.category, self.title, self.text, self.shortcut, self.tags, self.notes)

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "category": self.category,
            "title": self.title,
            "text": self.text,
            "shortcut": self.shortcut or "",
            "tags": list(self.tags),
            "notes": self.notes,
        }


@dataclass(frozen=True)
class PackManifest:
    """Who published which version of which pack, and what it needs."""

    id: str
    name: str
    version: int
    publisher: str
    publisher_key: str
    created: str
    min_app: str = DEFAULT_MIN_APP
    description: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.publisher_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "publisher": self.publisher,
            "publisher_key": self.publisher_key,
            "created": self.created,
            "min_app": self.min_app,
            "description": self.description,
        }


@dataclass(frozen=True)
class Pack:
    manifest: PackManifest
    categories: tuple[str, ...]
    phrases: tuple[PackPhrase, ...]
    rules: tuple[Rule, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()

    def counts(self) -> dict[str, int]:
        return {
            "categories": len(self.categories),
            "phrases": len(self.phrases),
            "rules": len(self.rules),
            "synonyms": len(self.synonyms),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "pack": self.manifest.to_json(),
            "categories": list(self.categories),
            "phrases": [p.to_json() for p in self.phrases],
            "rules": [r.to_dict() for r in self.rules],
            "synonyms": [list(g) for g in self.synonyms],
        }


@dataclass(frozen=True)
class VerifiedPack:
    """A pack whose signature checked out; `public_key` signed it, `sha256` is of the whole file."""

    pack: Pack
    public_key: str
    sha256: str
    size: int

    @property
    def manifest(self) -> PackManifest:
        return self.pack.manifest

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def default_pack_id(public_key: str, name: str) -> str:
    """A pack id stable for one key and pack name, so v1 and v2 built the same way match."""
    return str(uuid.uuid5(_PACK_NAMESPACE, f"{public_key}\n{name.strip()}"))


def normalize_shortcut(value: str | None) -> str | None:
    return models.normalize_shortcut(value, PackFormatError)


def _clean_list(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        value = str(value).strip()
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


def make_pack(
    *,
    name: str,
    version: int,
    key: PrivateKey | str,
    phrases: Sequence[PackPhrase],
    categories: Sequence[str] = (),
    rules: Sequence[Rule] = (),
    synonyms: Sequence[Sequence[str]] = (),
    pack_id: str | None = None,
    publisher: str | None = None,
    min_app: str = DEFAULT_MIN_APP,
    description: str = "",
    created: str | None = None,
) -> Pack:
    """Normalise and validate a pack's content; raises PackFormatError naming the first problem."""
    public_key = key.public_key if isinstance(key, PrivateKey) else parse_public_key(key)
    if publisher is None:
        publisher = key.publisher if isinstance(key, PrivateKey) else ""
    name = name.strip()
    clean_phrases = []
    for index, p in enumerate(phrases, start=1):
        try:
            shortcut = normalize_shortcut(p.shortcut)
        except PackFormatError as exc:
            raise PackFormatError(f"第 {index} 条话术“{p.title}”: {exc}") from None
        clean_phrases.append(
            PackPhrase(
                uid=p.uid.strip(),
                category=normalize_category_path(p.category),
                title=p.title.strip(),
                text=p.text.strip("\r\n"),
                shortcut=shortcut,
                tags=_clean_list(p.tags),
                notes=p.notes.strip(),
            )
        )
    paths: dict[str, None] = {}
    for path in categories:
        clean = normalize_category_path(path)
        if clean:
            paths.setdefault(clean, None)
    for p in clean_phrases:
        paths.setdefault(p.category, None)
    clean_rules = [
        Rule(
            uid=r.uid.strip(),
            patterns=_clean_list(r.patterns),
            severity=r.severity,
            category=r.category.strip(),
            suggestions=_clean_list(r.suggestions),
            allow=_clean_list(r.allow),
            note=r.note.strip(),
            is_regex=r.is_regex,
            must_flag=tuple(r.must_flag),
            must_not_flag=tuple(r.must_not_flag),
            enabled=r.enabled,
        )
        for r in rules
    ]
    groups: dict[tuple[str, ...], None] = {}
    for group in synonyms:
        terms = _clean_list(group)
        if len(terms) >= 2:
            groups.setdefault(terms, None)
    pack = Pack(
        manifest=PackManifest(
            id=(pack_id or default_pack_id(public_key, name)).strip(),
            name=name,
            version=version,
            publisher=publisher.strip() or name,
            publisher_key=public_key,
            created=created or datetime.now(UTC).isoformat(timespec="seconds"),
            min_app=min_app.strip(),
            description=description.strip(),
        ),
        categories=tuple(paths),
        phrases=tuple(clean_phrases),
        rules=tuple(clean_rules),
        synonyms=tuple(groups),
    )
    validate_pack(pack)
    return pack


def _check_line(value: str, what: str, limit: int, *, controls: re.Pattern[str] = _CONTROL_RE) -> None:
    if not value:
        raise PackFormatError(f"{what}为空")
    if len(value) > limit:
        raise PackFormatError(f"{what}过长（超过 {limit} 字）")
    if controls.search(value):
        raise PackFormatError(f"{what}包含控制字符或无效字符")


def _check_text(value: str, what: str, *, allow_empty: bool = False) -> None:
    if not value.strip() and not allow_empty:
        raise PackFormatError(f"{what}为空")
    if len(value) > MAX_TEXT_CHARS:
        raise PackFormatError(f"{what}过长（超过 {MAX_TEXT_CHARS} 字）")
    if _TEXT_CONTROL_RE.search(value):
        raise PackFormatError(f"{what}包含控制字符或无效字符")


def _check_items(values: Sequence[str], what: str, limit: int = MAX_TEXT_CHARS) -> None:
    if len(values) > MAX_LIST_ITEMS:
        raise PackFormatError(f"{what}过多（超过 {MAX_LIST_ITEMS} 项）")
    for value in values:
        _check_text(value, what)
        if len(value) > limit:
            raise PackFormatError(f"{what}过长")


def app_version_tuple(version: str) -> tuple[int, ...]:
    match = re.match(r"^\d+(\.\d+)*", version.strip())
    if not match:
        return (0,)
    return tuple(int(part) for part in match.group(0).split("."))


def _check_category(path: str) -> None:
    for part in path.split("/"):
        _check_line(part, f"分类“{path[:40]}”的名称", MAX_TITLE_CHARS, controls=_TEXT_CONTROL_RE)
        if part in (".", ".."):
            raise PackFormatError(f"分类名称不能是“{part}”: {path[:40]}")


def _check_phrase(p: PackPhrase) -> None:
    if not _UID_RE.match(p.uid):
        raise PackFormatError(f"编号无效: {p.uid[:140]!r}")
    if not p.category or normalize_category_path(p.category) != p.category:
        raise PackFormatError(f"分类无效: {p.category[:40]!r}")
    _check_category(p.category)
    # Tabs and line breaks are what a spreadsheet cell holds; the import takes them in titles too.
    _check_line(p.title, "标题", MAX_TITLE_CHARS, controls=_TEXT_CONTROL_RE)
    if p.title != p.title.strip():
        raise PackFormatError("标题首尾有空格")
    _check_text(p.text, "内容")
    issues = placeholders.validate(p.text)
    if issues:
        # Worded as the library import words it, so a lead reads one message for one mistake.
        raise PackFormatError(f"占位符错误（第 {issues[0].position + 1} 个字符）: {issues[0].message_zh}")
    if p.shortcut is not None and normalize_shortcut(p.shortcut) != p.shortcut:
        raise PackFormatError(f"快捷编码无效: {p.shortcut!r}")
    for tag in p.tags:
        _check_text(tag, "标签")
    # The import reads all of a phrase's tags from one cell: that cell's limit is theirs.
    if len(";".join(p.tags)) > MAX_CELL_CHARS:
        raise PackFormatError(f"标签过长（合计超过 {MAX_CELL_CHARS} 字）")
    _check_text(p.notes, "备注", allow_empty=True)


def phrase_problem(p: PackPhrase) -> str | None:
    """Why one phrase cannot go into a pack, or None: the checks every phrase passes whether it
    comes from a sheet (told by its row), the lead's library or a pack file being read."""
    try:
        _check_phrase(p)
    except PackFormatError as exc:
        return str(exc)
    return None


def validate_pack(pack: Pack) -> None:
    """Everything a pack must satisfy, whether just built or just read; raises PackFormatError."""
    m = pack.manifest
    if not _UID_RE.match(m.id):
        raise PackFormatError(f"话术包编号无效: {m.id!r}")
    _check_line(m.name, "话术包名称", MAX_NAME_CHARS)
    if isinstance(m.version, bool) or not isinstance(m.version, int) or not 1 <= m.version <= MAX_VERSION:
        raise PackFormatError(f"版本号必须是正整数: {m.version!r}")
    _check_line(m.publisher, "发布者", MAX_NAME_CHARS)
    parse_public_key(m.publisher_key)
    _check_line(m.created, "创建时间", 64)
    if not _APP_VERSION_RE.match(m.min_app):
        raise PackFormatError(f"最低程序版本格式不对: {m.min_app!r}")
    _check_text(m.description, "说明", allow_empty=True)
    if len(pack.phrases) > MAX_PHRASES:
        raise PackFormatError(f"话术过多（上限 {MAX_PHRASES} 条）")
    if len(pack.rules) > MAX_RULES:
        raise PackFormatError(f"规则过多（上限 {MAX_RULES} 条）")
    if len(pack.synonyms) > MAX_SYNONYM_GROUPS:
        raise PackFormatError(f"同义词组过多（上限 {MAX_SYNONYM_GROUPS} 组）")
    known_paths: set[str] = set()
    for path in pack.categories:
        if normalize_category_path(path) != path or not path:
            raise PackFormatError(f"分类路径无效: {path!r}")
        _check_category(path)
        if path in known_paths:
            raise PackFormatError(f"分类重复: {path}")
        known_paths.add(path)
    uids: set[str] = set()
    for index, p in enumerate(pack.phrases, start=1):
        where = f"第 {index} 条话术“{p.title[:40]}”"
        problem = phrase_problem(p)
        if problem:
            raise PackFormatError(f"{where}: {problem}")
        if p.uid in uids:
            raise PackFormatError(f"{where}: 编号重复: {p.uid}")
        uids.add(p.uid)
        if p.category not in known_paths:
            raise PackFormatError(f"{where}: 分类不在分类列表中: {p.category!r}")
    rule_ids: set[str] = set()
    for r in pack.rules:
        where = f"规则 {r.uid!r}"
        if not _UID_RE.match(r.uid):
            raise PackFormatError(f"{where}的编号无效")
        if r.uid in rule_ids:
            raise PackFormatError(f"{where}的编号重复")
        rule_ids.add(r.uid)
        if not r.patterns:
            raise PackFormatError(f"{where}没有匹配词")
        if r.severity not in SEVERITIES:
            raise PackFormatError(f"{where}的级别无效: {r.severity!r}")
        for values, what in (
            (r.patterns, "匹配词"),
            (r.suggestions, "建议用语"),
            (r.allow, "例外词"),
            (r.must_flag, "示例"),
            (r.must_not_flag, "示例"),
        ):
            _check_items(values, f"{where}的{what}")
        if r.is_regex:
            for pattern in r.patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise PackFormatError(f"{where}的正则表达式错误: {exc}") from None
        _check_text(r.category, f"{where}的分类", allow_empty=True)
        _check_text(r.note, f"{where}的说明", allow_empty=True)
    for group in pack.synonyms:
        if len(group) < 2:
            raise PackFormatError(f"同义词组至少需要两个词: {list(group)!r}")
        _check_items(group, "同义词", MAX_NAME_CHARS)


# -- the file format -------------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _signed_message(header: Mapping[str, Any], body: bytes) -> bytes:
    unsigned = {k: v for k, v in header.items() if k != "sig"}
    return MAGIC + canonical_json(unsigned) + b"\n" + body


def encode_pack(pack: Pack, key: PrivateKey, *, compress: bool = True) -> bytes:
    """The bytes of a .huashu file: magic line, signed header line, (compressed) canonical payload."""
    validate_pack(pack)
    if pack.manifest.publisher_key != key.public_key:
        raise PackError("话术包中的发布者公钥与签名私钥不一致")
    payload = canonical_json(pack.to_json())
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise PackFormatError("话术包内容过大")
    body = zlib.compress(payload, 6) if compress else payload
    header: dict[str, Any] = {
        "alg": "ed25519",
        "compression": "zlib" if compress else "none",
        "key": key.public_key,
        "size": len(body),
    }
    header["sig"] = base64.b64encode(key.sign(_signed_message(header, body))).decode("ascii")
    data = MAGIC + canonical_json(header) + b"\n" + body
    if len(data) > MAX_PACK_BYTES:
        raise PackFormatError(f"话术包文件过大（上限 {MAX_PACK_BYTES // (1024 * 1024)} MB）")
    return data


def write_pack(path: Path | str, pack: Pack, key: PrivateKey) -> VerifiedPack:
    """Sign and write a pack atomically; returns it as a reader would see it."""
    data = encode_pack(pack, key)
    atomic_write_bytes(path, data)
    return decode_pack(data)


def _b64field(header: Mapping[str, Any], name: str, length: int) -> bytes:
    value = header.get(name)
    if not isinstance(value, str):
        raise PackFormatError(f"话术包文件头缺少 {name}")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PackFormatError(f"话术包文件头的 {name} 格式不对") from None
    if len(raw) != length:
        raise PackFormatError(f"话术包文件头的 {name} 长度不对")
    return raw


def _inflate(body: bytes, compression: str) -> bytes:
    if compression == "none":
        return body
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(body, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as exc:
        raise PackFormatError(f"话术包内容无法解压（文件已损坏）: {exc}") from None
    if len(out) > MAX_PAYLOAD_BYTES or inflater.unconsumed_tail:
        raise PackFormatError(f"话术包解压后过大（上限 {MAX_PAYLOAD_BYTES // (1024 * 1024)} MB），已拒绝")
    if not inflater.eof or inflater.unused_data:
        raise PackFormatError("话术包内容不完整或有多余数据（文件已损坏）")
    return out


def _damaged(why: str) -> str:
    """The one wording for a damaged file, so a seat never reads damage as "newer" or "incomplete"."""
    return f"话术包文件已损坏（{why}；可能在传输中或被其他程序修改），请向组长重新获取原文件"


def _refuse_other_first_line(data: bytes) -> None:
    """Why a file that does not start with MAGIC is refused: only a clean `HUASHU-PACK <n>` line
    with n above ours is a newer format; a first line with a BOM or a CR (an editor or a text-mode
    transfer converted the file) is damage, and anything else is not a pack."""
    start = data.removeprefix(b"\xef\xbb\xbf")
    if start.startswith(MAGIC_PREFIX):
        end = start.find(b"\n", 0, len(MAGIC_PREFIX) + 16)
        token = start[len(MAGIC_PREFIX) : end] if end >= 0 else b""
        if start is data and token.isdigit() and int(token) > FORMAT_VERSION:
            raise PackAppTooOldError(
                f"话术包格式版本 {int(token)} 比本程序新，请先升级话术助手",
                code="pack_format_newer",
                details={"version": int(token)},
            )
        if token.rstrip(b"\r") == str(FORMAT_VERSION).encode():
            if token.endswith(b"\r"):
                raise PackFormatError(
                    _damaged("换行符被转换，曾被当作文本传输或编辑"), code="pack_damaged_line_endings"
                )
            raise PackFormatError(
                _damaged("开头被加了不可见的编码标记，曾被当作文本传输或编辑"), code="pack_damaged_bom"
            )
        raise PackFormatError(_damaged("文件头不对"), code="pack_damaged_first_line")
    raise PackFormatError("不是话术包文件（.huashu 文件头不对）", code="pack_not_a_pack")


def decode_pack(data: bytes) -> VerifiedPack:
    """Check size, magic, header and signature, and only then inflate and parse the payload."""
    if len(data) > MAX_PACK_BYTES:
        raise PackFormatError(
            f"话术包文件过大（上限 {MAX_PACK_BYTES // (1024 * 1024)} MB），已拒绝",
            code="pack_too_large",
            details={"limit": MAX_PACK_BYTES // (1024 * 1024)},
        )
    if not data.startswith(MAGIC):
        if not data:
            raise PackFormatError("文件是空的，不是话术包", code="pack_empty")
        _refuse_other_first_line(data)
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER_BYTES + 1)
    if end < 0:
        raise PackFormatError("话术包文件头不完整（文件被截断或损坏）", code="pack_header_truncated")
    try:
        header = json.loads(data[len(MAGIC) : end].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PackFormatError("话术包文件头已损坏", code="pack_header_damaged") from None
    if not isinstance(header, dict):
        raise PackFormatError("话术包文件头已损坏", code="pack_header_damaged")
    if header.get("alg") != "ed25519":
        raise PackFormatError(f"不支持的签名算法: {str(header.get('alg'))[:40]!r}")
    compression = header.get("compression")
    if compression not in ("zlib", "none"):
        raise PackFormatError(f"不支持的压缩方式: {str(compression)[:40]!r}")
    key_raw = _b64field(header, "key", 32)
    signature = _b64field(header, "sig", 64)
    body = data[end + 1 :]
    size = header.get("size")
    if isinstance(size, bool) or not isinstance(size, int):
        raise PackFormatError("话术包文件头缺少内容长度")
    # A length that does not match is damage (a copy cut short, a payload edited, a header
    # reformatted): told as such, never as a pack that is merely incomplete.
    if len(body) < size:
        raise PackFormatError(
            _damaged(f"内容比文件头记录的少 {size - len(body)} 字节"),
            code="pack_damaged_short",
            details={"bytes": size - len(body)},
        )
    if len(body) > size:
        raise PackFormatError(
            _damaged(f"末尾有多余的 {len(body) - size} 字节"),
            code="pack_damaged_extra",
            details={"bytes": len(body) - size},
        )
    try:
        VerifyKey(key_raw).verify(_signed_message(header, body), signature)
    except (BadSignatureError, CryptoError, ValueError, TypeError):
        raise PackSignatureError(
            "签名无效，已拒绝：" + _damaged("内容与签名不符"), code="pack_signature_invalid"
        ) from None
    # Only now, with the content known to come from the key holder, inflate and parse it.
    payload = _inflate(body, str(compression))
    try:
        obj = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackFormatError("话术包内容不是有效的 JSON") from None
    pack = pack_from_json(obj)
    public_key = public_key_text(key_raw)
    if pack.manifest.publisher_key != public_key:
        raise PackFormatError("话术包中的发布者公钥与签名公钥不一致")
    return VerifiedPack(
        pack=pack, public_key=public_key, sha256=hashlib.sha256(data).hexdigest(), size=len(data)
    )


def read_pack(path: Path | str, *, max_bytes: int = MAX_PACK_BYTES) -> VerifiedPack:
    """Read and verify a .huashu file; its size is checked before a single byte is read."""
    source = Path(path)
    try:
        info = source.stat()
    except FileNotFoundError:
        raise PackFormatError(f"文件不存在: {source}", code="pack_file_missing", details={"path": source}) from None
    except OSError as exc:
        raise PackFormatError(
            f"无法读取文件 {source}: {exc.strerror or exc}",
            code="pack_file_unreadable",
            details={"path": source, "reason": exc.strerror or exc},
        ) from exc
    if not stat.S_ISREG(info.st_mode):
        raise PackFormatError(f"不是普通文件: {source}", code="pack_not_a_file", details={"path": source})
    if info.st_size > max_bytes:
        raise PackFormatError(
            f"话术包文件过大（{info.st_size // (1024 * 1024)} MB，上限 {max_bytes // (1024 * 1024)} MB），"
            f"已拒绝: {source.name}",
            code="pack_file_too_large",
            details={
                "size": info.st_size // (1024 * 1024),
                "limit": max_bytes // (1024 * 1024),
                "name": source.name,
            },
        )
    try:
        with source.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise PackFormatError(
            f"无法读取文件 {source}: {exc.strerror or exc}",
            code="pack_file_unreadable",
            details={"path": source, "reason": exc.strerror or exc},
        ) from exc
    if len(data) > max_bytes:
        raise PackFormatError(
            f"话术包文件过大（上限 {max_bytes // (1024 * 1024)} MB），已拒绝: {source.name}",
            code="pack_too_large",
            details={"limit": max_bytes // (1024 * 1024)},
        )
    return decode_pack(data)


def is_pack_file(path: Path | str) -> bool:
    """A .huashu file, or any file that starts with the pack magic."""
    source = Path(path)
    if source.suffix.lower() == SUFFIX:
        return True
    try:
        with source.open("rb") as handle:
            return handle.read(len(MAGIC_PREFIX)) == MAGIC_PREFIX
    except OSError:
        return False


# -- parsing the payload ---------------------------------------------------------------------------


def _get(obj: Mapping[str, Any], key: str, kind: type, where: str, default: Any = None) -> Any:
    if key not in obj:
        if default is not None:
            return default
        raise PackFormatError(f"{where}缺少字段 {key}")
    value = obj[key]
    if kind is int and isinstance(value, bool):
        raise PackFormatError(f"{where}的 {key} 类型不对")
    if not isinstance(value, kind):
        raise PackFormatError(f"{where}的 {key} 类型不对")
    return value


def _str_list(obj: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PackFormatError(f"{where}的 {key} 应为文字列表")
    return tuple(value)


def pack_from_json(obj: Any) -> Pack:
    """Turn a parsed payload into a Pack, checking every type; unknown keys are ignored."""
    if not isinstance(obj, dict):
        raise PackFormatError("话术包内容格式不对")
    fmt = _get(obj, "format", int, "话术包")
    if fmt != FORMAT_VERSION:
        raise PackAppTooOldError(
            f"话术包格式版本 {fmt} 比本程序新，请先升级话术助手", code="pack_format_newer", details={"version": fmt}
        )
    meta = _get(obj, "pack", dict, "话术包")
    manifest = PackManifest(
        id=_get(meta, "id", str, "清单"),
        name=_get(meta, "name", str, "清单"),
        version=_get(meta, "version", int, "清单"),
        publisher=_get(meta, "publisher", str, "清单"),
        publisher_key=_get(meta, "publisher_key", str, "清单"),
        created=_get(meta, "created", str, "清单"),
        min_app=_get(meta, "min_app", str, "清单"),
        description=_get(meta, "description", str, "清单", ""),
    )
    categories = _get(obj, "categories", list, "话术包")
    if not all(isinstance(c, str) for c in categories):
        raise PackFormatError("分类列表格式不对")
    phrases = []
    for index, item in enumerate(_get(obj, "phrases", list, "话术包"), start=1):
        if not isinstance(item, dict):
            raise PackFormatError(f"第 {index} 条话术格式不对")
        where = f"第 {index} 条话术"
        shortcut = _get(item, "shortcut", str, where, "")
        phrases.append(
            PackPhrase(
                uid=_get(item, "uid", str, where),
                category=_get(item, "category", str, where),
                title=_get(item, "title", str, where),
                text=_get(item, "text", str, where),
                shortcut=shortcut or None,
                tags=_str_list(item, "tags", where),
                notes=_get(item, "notes", str, where, ""),
            )
        )
    rules = []
    for index, item in enumerate(_get(obj, "rules", list, "话术包", []), start=1):
        if not isinstance(item, dict):
            raise PackFormatError(f"第 {index} 条规则格式不对")
        where = f"第 {index} 条规则"
        examples = _get(item, "examples", dict, where, {})
        rules.append(
            Rule(
                uid=_get(item, "id", str, where),
                patterns=_str_list(item, "patterns", where),
                is_regex=bool(_get(item, "regex", bool, where, False)),
                severity=_get(item, "severity", str, where),
                category=_get(item, "category", str, where, ""),
                suggestions=_str_list(item, "suggestions", where),
                allow=_str_list(item, "allow", where),
                note=_get(item, "note", str, where, ""),
                must_flag=_str_list(examples, "flag", where),
                must_not_flag=_str_list(examples, "ok", where),
                enabled=bool(_get(item, "enabled", bool, where, True)),
            )
        )
    synonyms = []
    for group in _get(obj, "synonyms", list, "话术包", []):
        if not isinstance(group, list) or not all(isinstance(t, str) for t in group):
            raise PackFormatError("同义词组格式不对")
        synonyms.append(tuple(group))
    pack = Pack(
        manifest=manifest,
        categories=tuple(categories),
        phrases=tuple(phrases),
        rules=tuple(rules),
        synonyms=tuple(synonyms),
    )
    validate_pack(pack)
    return pack


def check_app_version(manifest: PackManifest, app_version: str) -> None:
    if app_version_tuple(app_version) < app_version_tuple(manifest.min_app):
        raise PackAppTooOldError(
            f"话术包“{manifest.name}”需要话术助手 {manifest.min_app} 或更新版本（当前 {app_version}），"
            "请先升级程序",
            code="pack_needs_newer_app",
            details={"name": manifest.name, "needs": manifest.min_app, "current": app_version},
        )


# -- update preview --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstalledPhrase:
    """A pack phrase as it is in the agent's library, with what the agent did with it."""

    phrase: PackPhrase  # uid is the pack uid
    phrase_id: int
    favorite: bool = False
    edited: bool = False
    use_count: int = 0


@dataclass(frozen=True)
class InstalledPack:
    """What a library holds of one pack: the snapshot the preview diffs against."""

    manifest: PackManifest
    phrases: tuple[InstalledPhrase, ...]
    rules: tuple[Rule, ...] = ()  # uids as in the pack
    synonyms: tuple[tuple[str, ...], ...] = ()


# A phrase's fields as leads' sheets name them (the source column is an export's, not a phrase's).
_FIELD_NAMES = {name: header for name, header in PHRASE_HEADERS["zh"].items() if name != "source"}


def diff_segments(old: str, new: str) -> list[tuple[str, str]]:
    """A character-level diff as (kind, text) runs, kind "=" kept, "-" removed, "+" added."""
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(("=", old[i1:i2]))
            continue
        if i2 > i1:
            segments.append(("-", old[i1:i2]))
        if j2 > j1:
            segments.append(("+", new[j1:j2]))
    return segments


def inline_diff(old: str, new: str) -> str:
    """A character-level diff: deletions as [-…-], insertions as {+…+}."""
    if len(old) + len(new) > 4000:
        return "\n".join(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1))
    marks = {"=": "{0}", "-": "[-{0}-]", "+": "{{+{0}+}}"}
    return "".join(marks[kind].format(text) for kind, text in diff_segments(old, new))


def _field_value(p: PackPhrase, name: str) -> str:
    value = getattr(p, name)
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value or "")


@dataclass(frozen=True)
class PhraseChange:
    """A phrase the update changes; `fields` lists what changed."""

    old: InstalledPhrase
    new: PackPhrase
    fields: tuple[str, ...]
    adopted: bool = False  # an unchanged personal copy of the default library taken over by the pack
    # With `adopted`: a phrase this pack once had, kept as personal when it left the pack (removed
    # with the pack, or by an update) and still as it was; it goes back into the pack, not beside it.
    reclaimed: bool = False

    @property
    def keeps_personal_copy(self) -> bool:
        """The agent edited this phrase: their version stays as a personal phrase."""
        return self.old.edited and not self.adopted

    def diff_lines(self) -> list[str]:
        lines = []
        for name in self.fields:
            old, new = _field_value(self.old.phrase, name), _field_value(self.new, name)
            if name == "text":
                # Old above new, whole lines: marks inside the text ({+…+}[-…-]) were hard to read
                # for Chinese sentences. The app colours the same change (diff_segments).
                lines.append(f"{_FIELD_NAMES[name]}:")
                lines += [f"  － {line}" for line in (old or "（空）").splitlines()]
                lines += [f"  ＋ {line}" for line in (new or "（空）").splitlines()]
            else:
                lines.append(f"{_FIELD_NAMES[name]}: {old or '（空）'} → {new or '（空）'}")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.new.uid,
            "phrase_id": self.old.phrase_id,
            "category": self.new.category,
            "title": self.new.title,
            "fields": list(self.fields),
            "old": {name: _field_value(self.old.phrase, name) for name in self.fields},
            "new": {name: _field_value(self.new, name) for name in self.fields},
            "diff": self.diff_lines(),
            "keeps_personal_copy": self.keeps_personal_copy,
            "adopted": self.adopted,
            "reclaimed": self.reclaimed,
        }


@dataclass(frozen=True)
class PhraseRemoval:
    """A phrase the update removes; `keep` when the agent favorited or edited it."""

    old: InstalledPhrase
    keep: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.old.phrase.uid,
            "phrase_id": self.old.phrase_id,
            "category": self.old.phrase.category,
            "title": self.old.phrase.title,
            "moves_to_personal": self.keep,
        }


@dataclass(frozen=True)
class ShortcutMove:
    """A shortcut that goes to a pack phrase from a phrase the update keeps as personal.

    A lead who renames a phrase (a new uid) or replaces it keeps its shortcut for the new one; the
    agent's favourite old wording stays, but typing the shortcut must bring the team's phrase.
    """

    shortcut: str
    kept: InstalledPhrase  # stays as a personal phrase, without the shortcut
    to: PackPhrase

    def line(self) -> str:
        return (
            f"快捷编码 {self.shortcut} 改为打开“{self.to.title}”，保留的“{self.kept.phrase.title}”不再使用它"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "shortcut": self.shortcut,
            "kept_phrase_id": self.kept.phrase_id,
            "kept_title": self.kept.phrase.title,
            "uid": self.to.uid,
            "title": self.to.title,
        }


@dataclass
class PackPreview:
    """What installing or updating a pack would do, computed before anything is written."""

    manifest: PackManifest
    installed_version: int | None = None
    added: list[PackPhrase] = field(default_factory=list)
    adopted: list[PhraseChange] = field(default_factory=list)
    changed: list[PhraseChange] = field(default_factory=list)
    removed: list[PhraseRemoval] = field(default_factory=list)
    unchanged: int = 0
    rules_added: list[str] = field(default_factory=list)
    rules_changed: list[str] = field(default_factory=list)
    rules_removed: list[str] = field(default_factory=list)
    synonyms_added: list[tuple[str, ...]] = field(default_factory=list)
    synonyms_removed: list[tuple[str, ...]] = field(default_factory=list)
    new_key: bool = False  # the publisher key is not yet trusted; installing trusts it
    shortcuts_dropped: list[PackPhrase] = field(default_factory=list)  # taken by the agent's own
    shortcuts_moved: list[ShortcutMove] = field(default_factory=list)
    # Installed phrases the new version carries under another uid with the same content (the lead
    # built it another way): counted as unchanged, only their pack uid is brought up to date.
    renumbered: list[PhraseChange] = field(default_factory=list)
    rules_text: dict[str, str] = field(default_factory=dict)  # rule uid -> its words, for the lines

    @property
    def is_update(self) -> bool:
        return self.installed_version is not None

    @property
    def kept_as_personal(self) -> int:
        return sum(1 for r in self.removed if r.keep) + sum(1 for c in self.changed if c.keeps_personal_copy)

    @property
    def reclaimed(self) -> list[PhraseChange]:
        return [c for c in self.adopted if c.reclaimed]

    @property
    def rules_changed_any(self) -> bool:
        return bool(self.rules_added or self.rules_changed or self.rules_removed)

    @property
    def synonyms_changed_any(self) -> bool:
        return bool(self.synonyms_added or self.synonyms_removed)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "removed": len(self.removed),
            "unchanged": self.unchanged,
            "renumbered": len(self.renumbered),
            "adopted": len(self.adopted),
            "kept_as_personal": self.kept_as_personal,
            "shortcuts_dropped": len(self.shortcuts_dropped),
            "shortcuts_moved": len(self.shortcuts_moved),
            "reclaimed": len(self.reclaimed),
            "rules_added": len(self.rules_added),
            "rules_changed": len(self.rules_changed),
            "rules_removed": len(self.rules_removed),
            "synonyms_added": len(self.synonyms_added),
            "synonyms_removed": len(self.synonyms_removed),
        }

    def summary(self) -> str:
        m = self.manifest
        head = (
            f"更新“{m.name}” v{self.installed_version} → v{m.version}"
            if self.is_update
            else f"安装“{m.name}” v{m.version}"
        )
        parts = [
            f"新增 {len(self.added)}",
            f"修改 {len(self.changed)}",
            f"删除 {len(self.removed)}",
            f"未变 {self.unchanged}",
        ]
        reclaimed = len(self.reclaimed)
        if len(self.adopted) > reclaimed:
            parts.append(f"接管内置话术 {len(self.adopted) - reclaimed}")
        if reclaimed:
            parts.append(f"个人话术中保留的 {reclaimed} 条回到话术包")
        text = f"{head}: " + "，".join(parts)
        if self.kept_as_personal:
            text += f"（其中 {self.kept_as_personal} 条您收藏或改过的话术将保留到个人话术）"
        rules = (len(self.rules_added), len(self.rules_changed), len(self.rules_removed))
        if any(rules):
            text += f"；规则 新增 {rules[0]}，修改 {rules[1]}，删除 {rules[2]}"
        if self.synonyms_changed_any:
            text += f"；同义词 新增 {len(self.synonyms_added)} 组，删除 {len(self.synonyms_removed)} 组"
        if self.shortcuts_dropped:
            text += f"；{len(self.shortcuts_dropped)} 个快捷编码与您自己的重复，保留您的"
        if self.shortcuts_moved:
            text += (
                f"；{len(self.shortcuts_moved)} 个快捷编码改由团队话术使用，保留到个人话术的旧话术不再占用"
            )
        return text

    def lines(self, *, limit: int | None = 50) -> list[str]:
        """The preview as text: the summary, then each change with its diff (at most `limit` each)."""

        def cut(items: Sequence[Any]) -> Sequence[Any]:
            return items if limit is None else items[:limit]

        def more(items: Sequence[Any]) -> list[str]:
            hidden = 0 if limit is None else len(items) - limit
            return [f"  …… 另有 {hidden} 条"] if hidden > 0 else []

        out = [self.summary()]
        if self.new_key:
            out.append(
                f"发布者“{self.manifest.publisher}”的公钥将被加入信任列表（指纹 {self.manifest.fingerprint}）"
            )
        for p in cut(self.added):
            out.append(f"+ {p.category} › {p.title}")
        out += more(self.added)
        for c in cut(self.changed):
            note = "（您改过的版本保留到个人话术）" if c.keeps_personal_copy else ""
            out.append(f"~ {c.new.category} › {c.new.title}{note}")
            out += [f"    {line}" for line in c.diff_lines()]
        out += more(self.changed)
        for r in cut(self.removed):
            note = "（已收藏或改过，移到个人话术）" if r.keep else ""
            out.append(f"- {r.old.phrase.category} › {r.old.phrase.title}{note}")
        out += more(self.removed)
        for c in cut(self.reclaimed):
            out.append(f"= {c.new.category} › {c.new.title}（您保留的个人话术，回到话术包，不会重复）")
        out += more(self.reclaimed)
        for move in cut(self.shortcuts_moved):
            out.append(f"  {move.line()}")
        out += more(self.shortcuts_moved)
        for mark, uids in (("+", self.rules_added), ("~", self.rules_changed), ("-", self.rules_removed)):
            out += [f"{mark} 规则 {self.rules_text.get(uid, uid)}" for uid in cut(uids)]
            out += more(uids)
        for mark, groups in (("+", self.synonyms_added), ("-", self.synonyms_removed)):
            out += [f"{mark} 同义词 {' '.join(group)}" for group in cut(groups)]
            out += more(groups)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "pack": self.manifest.to_json(),
            "fingerprint": self.manifest.fingerprint,
            "installed_version": self.installed_version,
            "new_key": self.new_key,
            "counts": self.counts(),
            "added": [p.to_json() for p in self.added],
            "adopted": [c.to_json() for c in self.adopted],
            "changed": [c.to_json() for c in self.changed],
            "removed": [r.to_json() for r in self.removed],
            "shortcuts_dropped": [{"uid": p.uid, "shortcut": p.shortcut} for p in self.shortcuts_dropped],
            "shortcuts_moved": [move.to_json() for move in self.shortcuts_moved],
            "rules": {
                "added": self.rules_added,
                "changed": self.rules_changed,
                "removed": self.rules_removed,
            },
            "synonyms": {
                "added": [list(g) for g in self.synonyms_added],
                "removed": [list(g) for g in self.synonyms_removed],
            },
        }


def _match_by_content(
    new_phrases: Sequence[PackPhrase], installed: Sequence[InstalledPhrase]
) -> dict[str, InstalledPhrase]:
    """Installed phrases that a new version carries under another uid, by the new uid.

    A pack built from the lead's library has the library rows' uids, one built from a sheet has the
    sheet's uid column or uids made from category and title; a rebuilt library on a new PC has new
    row uids. The same phrase must still be the same row on every seat (favourites, counts,
    remembered values stay on it), so a new phrase whose uid matches nothing installed takes an
    installed phrase of this pack whose uid the new version no longer has: first one at the same
    category and title, then, for a phrase moved to another category, one with the same title when
    that title is unique among what is left on both sides.
    """
    if not installed:
        return {}
    new_uids = {p.uid for p in new_phrases}
    old_uids = {p.phrase.uid for p in installed}
    loose = [p for p in new_phrases if p.uid not in old_uids]
    free = [p for p in installed if p.phrase.uid not in new_uids]
    if not loose or not free:
        return {}
    found: dict[str, InstalledPhrase] = {}
    by_place: dict[tuple[str, str], list[InstalledPhrase]] = {}
    for old in free:
        by_place.setdefault((old.phrase.category, old.phrase.title), []).append(old)
    for new in loose:
        candidates = by_place.get((new.category, new.title))
        if candidates:
            found[new.uid] = candidates.pop(0)
    taken = {old.phrase_id for old in found.values()}
    rest_new = [p for p in loose if p.uid not in found]
    rest_old = [p for p in free if p.phrase_id not in taken]
    new_titles: dict[str, list[PackPhrase]] = {}
    for p in rest_new:
        new_titles.setdefault(p.title, []).append(p)
    old_titles: dict[str, list[InstalledPhrase]] = {}
    for old in rest_old:
        old_titles.setdefault(old.phrase.title, []).append(old)
    for title, news in new_titles.items():
        olds = old_titles.get(title, [])
        if len(news) == 1 and len(olds) == 1:
            found[news[0].uid] = olds[0]
    return found


def _changed_fields(old: PackPhrase, new: PackPhrase) -> tuple[str, ...]:
    return tuple(name for name in _FIELD_NAMES if getattr(old, name) != getattr(new, name))


def preview_pack(
    pack: Pack,
    installed: InstalledPack | None,
    *,
    adoptable: Mapping[str, InstalledPhrase] | None = None,
    taken_shortcuts: Set[str] = frozenset(),
    reclaimable: Mapping[str, InstalledPhrase] | None = None,
) -> PackPreview:
    """Diff a pack against what is installed of it.

    `adoptable` maps uids to the agent's personal phrases that are unchanged copies of the
    default library; one at the same category and title as a pack phrase with that uid is taken
    over by the pack (keeping favorites and counts) instead of being duplicated.
    `reclaimable` maps uids to personal phrases this pack once had, kept when they left it and
    still as the pack has them: taken back the same way (a pack removed and installed again).
    `taken_shortcuts` are used by the agent's own phrases (or another pack's): the pack phrase
    is installed without it, so the agent's shortcut keeps working. A shortcut the pack gives
    twice goes to its first phrase. A phrase the update keeps as personal gives up a shortcut
    that a pack phrase has after the update (`shortcuts_moved`).
    """
    preview = PackPreview(
        manifest=pack.manifest, installed_version=installed.manifest.version if installed else None
    )
    current = {p.phrase.uid: p for p in installed.phrases} if installed else {}
    current.update(_match_by_content(pack.phrases, installed.phrases if installed else ()))
    adoptable = adoptable or {}
    reclaimable = reclaimable or {}
    claimed: dict[str, PackPhrase] = {}  # shortcut -> the pack phrase that has it after the update
    for new in pack.phrases:
        code = new.shortcut
        if code is not None:
            if code in taken_shortcuts or code in claimed:
                preview.shortcuts_dropped.append(new)
                new = replace(new, shortcut=None)
            else:
                claimed[code] = new
        old = current.get(new.uid)
        if old is None:
            for candidates, reclaimed in ((reclaimable, True), (adoptable, False)):
                candidate = candidates.get(new.uid)
                if (
                    candidate is not None
                    and candidate.phrase.category == new.category
                    and candidate.phrase.title == new.title
                ):
                    fields = _changed_fields(candidate.phrase, new)
                    preview.adopted.append(PhraseChange(candidate, new, fields, True, reclaimed))
                    break
            else:
                preview.added.append(new)
            continue
        fields = _changed_fields(old.phrase, new)
        if fields:
            preview.changed.append(PhraseChange(old, new, fields))
        else:
            preview.unchanged += 1
            if old.phrase.uid != new.uid:
                preview.renumbered.append(PhraseChange(old, new, ()))
    matched = {current[p.uid].phrase_id for p in pack.phrases if p.uid in current}
    for old in installed.phrases if installed else ():
        if old.phrase_id not in matched:
            preview.removed.append(PhraseRemoval(old, keep=old.favorite or old.edited))
    kept = [r.old for r in preview.removed if r.keep]
    kept += [c.old for c in preview.changed if c.keeps_personal_copy]
    for old in kept:
        code = old.phrase.shortcut
        if code is not None and code in claimed:
            preview.shortcuts_moved.append(ShortcutMove(code, old, claimed[code]))
    old_rules = {r.uid: r.to_dict() for r in installed.rules} if installed else {}
    new_rules = {r.uid: r.to_dict() for r in pack.rules}
    preview.rules_added = [uid for uid in new_rules if uid not in old_rules]
    preview.rules_changed = [
        uid for uid in new_rules if uid in old_rules and old_rules[uid] != new_rules[uid]
    ]
    preview.rules_removed = [uid for uid in old_rules if uid not in new_rules]
    from huashu.core.checker import rule_label  # the checker's code loads only with rules to name

    for rule in (*(installed.rules if installed else ()), *pack.rules):
        preview.rules_text[rule.uid] = f"“{rule_label(rule)}”"
    old_groups = set(installed.synonyms) if installed else set()
    new_groups = set(pack.synonyms)
    preview.synonyms_added = [g for g in pack.synonyms if g not in old_groups]
    preview.synonyms_removed = [g for g in (installed.synonyms if installed else ()) if g not in new_groups]
    return preview


# -- building from sheets --------------------------------------------------------------------------

_UID_ALIASES = {"uid": "uid", "编号": "uid", "话术编号": "uid", "id": "uid"}


@dataclass
class SheetPhrases:
    """A lead's sheet read for a pack, told by sheet row as the library import tells it (the header
    row, and blank rows above it, count). Rows of a workbook whose several sheets were read are
    `SheetLine`s naming their sheet (`models.row_label` says "工作表“售后”第 3 行")."""

    phrases: list[PackPhrase] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the sheet row of each phrase
    problems: list[tuple[int, str]] = field(default_factory=list)  # rows that keep the pack from being built
    converted: list[tuple[int, str]] = field(default_factory=list)  # legacy markers now fields, to review
    warnings: list[tuple[int, str]] = field(default_factory=list)  # built all the same (a shortcut left out)
    encoding: str = ""
    # How the file was read, as the import tells it: sheets not read (hidden, without the columns),
    # a category taken from a sheet's name or from the row above, hidden rows read all the same.
    notes: list[tuple[int, str]] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # worksheets read, in order (empty for a CSV)

    def told(
        self, published: Iterable[int] | None = None
    ) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """(warnings, converted) for the lead, in the workbook's order as the import lists them: every
        note on how the file was read, and what became of the rows `published` (by default all)."""
        keep = None if published is None else {models.row_order(line) for line in published}

        def shown(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
            return [(line, m) for line, m in items if keep is None or models.row_order(line) in keep]

        warnings = sorted([*self.notes, *shown(self.warnings)], key=lambda item: models.row_order(item[0]))
        return warnings, sorted(shown(self.converted), key=lambda item: models.row_order(item[0]))

    def told_json(self, published: Iterable[int] | None = None) -> dict[str, list[dict[str, object]]]:
        """`told` as the import's JSON report has it: each row's number, and its sheet when several
        sheets were read."""
        warnings, converted = self.told(published)
        return {
            "warnings": [models._located(line, message=m) for line, m in warnings],
            "converted": [models._located(line, message=m) for line, m in converted],
        }


def _row_key(line: int, only_sheet: str) -> tuple[str, int]:
    """A row told apart from the same row number of another sheet (a plain int is of `only_sheet`)."""
    return (line.sheet if isinstance(line, models.SheetLine) else only_sheet, int(line))


def read_sheet_phrases(path: Path | str) -> SheetPhrases:
    """Pack phrases from a CSV/XLSX sheet, row by row as the library import takes them.

    A workbook is read as the import reads it: every visible worksheet with the phrase columns
    (hidden ones are not, and the notes say so). Rows without a `uid` column get a stable uid from
    category and title. A row the import would skip, or one a pack cannot carry, is a problem
    naming its row; a shortcut the import would ignore is left out with a warning; legacy markers
    become fields and are listed.
    """
    from huashu.core.spreadsheet import read_phrase_sheet, read_tables

    sheet = read_phrase_sheet(path, all_sheets=True)
    result = SheetPhrases(
        problems=list(sheet.problems),
        encoding=sheet.encoding,
        notes=list(sheet.notes),
        sheets=list(sheet.sheets),
    )
    only_sheet = sheet.sheets[0] if sheet.sheets else ""
    uids: dict[tuple[str, int], str] = {}
    if any(col.strip().lower() in _UID_ALIASES for col in sheet.ignored_columns):
        for table in read_tables(path, aliases=_UID_ALIASES, required=("uid",), all_sheets=True):
            for table_row in table.rows:
                uids[_row_key(table_row.line, table.sheet)] = table_row.values.get("uid", "").strip()
    seen: dict[str, int] = {}  # uid -> the row that has it
    shortcuts: dict[str, int] = {}  # shortcut -> the row that has it
    for line, row in sheet.rows:
        given = uids.get(_row_key(line, only_sheet), "")
        uid = given or default_uid(row.category, row.title)
        if uid in seen:
            # Told like the import tells it: the lead fixes the sheet, not a uid they never saw.
            same = "同一分类下同名标题" if not given else "编号相同"
            result.problems.append((line, f"与{models.row_label(seen[uid])}重复（{same}）"))
            continue
        seen[uid] = line
        text = row.text
        converted: tuple[placeholders.LegacyField, ...] = ()
        # Exactly as the import converts: around the fields a text has; a text without any
        # marker, or with a bracket error (reported below), stays as written.
        conversion = placeholders.convert_markers(text)
        if conversion.fields:
            text, converted = conversion.text, conversion.fields
        try:
            shortcut = normalize_shortcut(row.shortcut)
        except PackFormatError as exc:
            result.warnings.append((line, f"{exc}；已忽略快捷编码"))
            shortcut = None
        if shortcut is not None and shortcut in shortcuts:
            result.warnings.append(
                (line, f"快捷编码 {shortcut} 已被{models.row_label(shortcuts[shortcut])}使用，已忽略")
            )
            shortcut = None
        phrase = PackPhrase(
            uid=uid,
            category=row.category,
            title=row.title.strip(),
            text=text.strip("\r\n"),
            shortcut=shortcut,
            tags=_clean_list(row.tags),
            notes=row.notes.strip(),
        )
        problem = phrase_problem(phrase)
        if problem:
            result.problems.append((line, problem))
            continue
        if shortcut is not None:
            shortcuts[shortcut] = line
        if converted:
            names = "、".join(f"{f.marker}→[{f.name}]" for f in converted)
            result.converted.append((line, f"旧式占位符已转换: {names}"))
        result.phrases.append(phrase)
        result.rows.append(line)
    result.problems.sort(key=lambda item: (models.row_order(item[0]), item[1]))
    return result


def phrases_from_sheet(path: Path | str) -> tuple[list[PackPhrase], list[tuple[int, str]]]:
    """The phrases of a sheet and the rows that cannot go into a pack (see read_sheet_phrases)."""
    sheet = read_sheet_phrases(path)
    return sheet.phrases, sheet.problems


# -- usage reports ---------------------------------------------------------------------------------

USAGE_COLUMNS: tuple[str, ...] = ("uid", "title", "use_count", "favorite", "edit_count")
_USAGE_ALIASES = {name: name for name in USAGE_COLUMNS}
REPORT_COLUMNS: tuple[str, ...] = (
    "uid",
    "title",
    "status",
    "seats",
    "seats_used",
    "total_uses",
    "favorites",
    "edits",
    "edit_ratio",
)
OFTEN_EDITED_RATIO = 0.3


@dataclass(frozen=True)
class UsageRow:
    """One phrase's anonymous usage on one seat: no agent name, no phrase text."""

    uid: str
    title: str
    use_count: int
    favorite: bool
    edit_count: int = 0


@dataclass
class UsageSummary:
    uid: str
    title: str
    seats: int = 0
    seats_used: int = 0
    total_uses: int = 0
    favorites: int = 0
    edits: int = 0

    @property
    def edit_ratio(self) -> float:
        return self.edits / self.total_uses if self.total_uses else 0.0

    @property
    def status(self) -> str:
        if self.total_uses == 0:
            return "never_used"
        if self.edits >= 2 and self.edit_ratio >= OFTEN_EDITED_RATIO:
            return "often_edited"
        return "used"


def write_usage_csv(path: Path | str, rows: Iterable[UsageRow]) -> int:
    return write_table(
        path,
        USAGE_COLUMNS,
        (
            {
                "uid": r.uid,
                "title": r.title,
                "use_count": str(r.use_count),
                "favorite": "1" if r.favorite else "0",
                "edit_count": str(r.edit_count),
            }
            for r in rows
        ),
    )


def _count(value: str, line: int, path: Path | str) -> int:
    try:
        number = int(value.strip() or "0")
    except ValueError:
        raise PackError(f"{path} 第 {line} 行: 不是数字: {value!r}") from None
    if number < 0:
        raise PackError(f"{path} 第 {line} 行: 次数不能为负数")
    return number


def read_usage_csv(path: Path | str) -> list[UsageRow]:
    table = read_table(path, aliases=_USAGE_ALIASES, required=("uid", "use_count"))
    rows = []
    for row in table.rows:
        v = row.values
        uid = v.get("uid", "").strip()
        if not uid:
            continue
        rows.append(
            UsageRow(
                uid=uid,
                title=v.get("title", "").strip(),
                use_count=_count(v.get("use_count", "0"), row.line, path),
                favorite=v.get("favorite", "0").strip().lower() in ("1", "true", "yes", "是"),
                edit_count=_count(v.get("edit_count", "0"), row.line, path),
            )
        )
    return rows


def merge_usage(reports: Iterable[Sequence[UsageRow]]) -> list[UsageSummary]:
    """Merge many seats' usage into one summary per phrase; most used first, never used last."""
    merged: dict[str, UsageSummary] = {}
    for report in reports:
        for row in report:
            summary = merged.setdefault(row.uid, UsageSummary(uid=row.uid, title=row.title))
            summary.title = summary.title or row.title
            summary.seats += 1
            summary.seats_used += 1 if row.use_count else 0
            summary.total_uses += row.use_count
            summary.favorites += 1 if row.favorite else 0
            summary.edits += row.edit_count
    return sorted(merged.values(), key=lambda s: (-s.total_uses, s.title, s.uid))


def write_usage_report(path: Path | str, summaries: Iterable[UsageSummary]) -> int:
    return write_table(
        path,
        REPORT_COLUMNS,
        (
            {
                "uid": s.uid,
                "title": s.title,
                "status": s.status,
                "seats": str(s.seats),
                "seats_used": str(s.seats_used),
                "total_uses": str(s.total_uses),
                "favorites": str(s.favorites),
                "edits": str(s.edits),
                "edit_ratio": f"{s.edit_ratio:.2f}",
            }
            for s in summaries
        ),
    )


# -- channels: a watched folder, or a static HTTPS manifest ----------------------------------------


@dataclass(frozen=True)
class FoundPack:
    """A verified pack found in a folder (signature checked; trust is the library's decision)."""

    path: Path
    verified: VerifiedPack

    @property
    def manifest(self) -> PackManifest:
        return self.verified.manifest


@dataclass
class FolderScan:
    # The newest of each pack id and signing key: a file claiming a pack's id under another key
    # (a spoof, or another lead's mistake) must not hide the real publisher's newest version.
    found: list[FoundPack] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)


def scan_folder(path: Path | str) -> FolderScan:
    """The newest valid pack of each id and key directly in `path`; unreadable files are listed,
    not fatal. Whether a key may update a pack is the library's decision (storage.scan_channels)."""
    folder = Path(path)
    scan = FolderScan()
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise ChannelError(
            f"无法读取文件夹 {folder}: {exc.strerror or exc}",
            code="channel_folder_unreadable",
            details={"folder": folder, "reason": exc.strerror or exc},
        ) from exc
    newest: dict[tuple[str, str], FoundPack] = {}
    for entry in entries:
        if entry.suffix.lower() != SUFFIX or entry.name.startswith((".", "~")):
            continue
        try:
            verified = read_pack(entry)
        except PackError as exc:
            scan.problems.append((entry, str(exc)))
            continue
        which = (verified.manifest.id, verified.public_key)
        current = newest.get(which)
        if current is None or verified.manifest.version > current.manifest.version:
            newest[which] = FoundPack(entry, verified)
    scan.found = sorted(newest.values(), key=lambda f: (f.manifest.name, f.manifest.id))
    return scan


def check_folder(path: Path | str, pack_id: str | None = None) -> FoundPack | None:
    """The newest valid pack in a watched folder (of `pack_id` if given), or None."""
    found = [f for f in scan_folder(path).found if pack_id is None or f.manifest.id == pack_id]
    if not found:
        return None
    return max(found, key=lambda f: (f.manifest.version, f.manifest.created))


@dataclass(frozen=True)
class UrlManifest:
    """A static manifest next to a pack on any HTTPS server: which version, where, and its SHA-256."""

    manifest_url: str
    version: int
    sha256: str
    url: str  # absolute https URL of the .huashu file
    id: str = ""
    name: str = ""
    size: int | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": "huashu-pack-manifest",
            "version": self.version,
            "sha256": self.sha256,
            "url": self.url,
        }
        if self.id:
            data["id"] = self.id
        if self.name:
            data["name"] = self.name
        if self.size is not None:
            data["size"] = self.size
        return data


def manifest_for(verified: VerifiedPack, url: str) -> dict[str, Any]:
    """The manifest a lead publishes beside a pack for the HTTPS channel."""
    return UrlManifest(
        manifest_url="",
        version=verified.manifest.version,
        sha256=verified.sha256,
        url=url,
        id=verified.manifest.id,
        name=verified.manifest.name,
        size=verified.size,
    ).to_json()


def _require_https(url: str) -> str:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme.lower() != "https" or not parsed.hostname:
        raise ChannelError(
            f"只支持 https:// 地址（为了防止被篡改）: {url[:200]}",
            code="channel_https_only",
            details={"url": url[:200]},
        )
    if parsed.username or parsed.password:
        raise ChannelError("地址中不能包含用户名或密码", code="channel_url_credentials")
    return url


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        _require_https(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _open_https(url: str, context: ssl.SSLContext | None, timeout: float) -> Any:
    _require_https(url)
    ctx = context or ssl.create_default_context()
    if ctx.verify_mode != ssl.CERT_REQUIRED or not ctx.check_hostname:
        raise ChannelError("必须验证服务器证书")
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ctx), _HttpsOnlyRedirects())
    request = urllib.request.Request(url, headers={"User-Agent": "huashu-pack-channel/1"})
    try:
        return opener.open(request, timeout=timeout)
    except ChannelError:
        raise
    except urllib.error.HTTPError as exc:
        raise ChannelError(
            f"服务器返回错误 {exc.code}: {url[:200]}",
            code="channel_http_error",
            details={"status": exc.code, "url": url[:200]},
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ChannelError(
            f"无法连接 {url[:200]}: {reason}", code="channel_unreachable", details={"url": url[:200], "reason": reason}
        ) from None


def _read_capped(response: Any, limit: int, sink: Callable[[bytes], None] | None = None) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ChannelError(
            f"下载内容过大（{int(declared)} 字节，上限 {limit}），已拒绝",
            code="channel_download_too_large",
            details={"limit": limit},
        )
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = response.read(65536)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise ChannelError(
                f"下载内容过大（上限 {limit} 字节），已拒绝",
                code="channel_download_too_large",
                details={"limit": limit},
            )
        if sink is not None:
            sink(chunk)
        else:
            chunks.append(chunk)
    return b"".join(chunks)


def check_url(
    manifest_url: str, *, context: ssl.SSLContext | None = None, timeout: float = 20.0
) -> UrlManifest:
    """Fetch and check a static manifest over HTTPS (certificate verified)."""
    with _open_https(manifest_url, context, timeout) as response:
        data = _read_capped(response, MAX_MANIFEST_BYTES)
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ChannelError(
            f"更新清单不是有效的 JSON: {manifest_url[:200]}",
            code="channel_manifest_invalid",
            details={"url": manifest_url[:200]},
        ) from None
    # What is wrong with it is for the lead who published it; the agent is told where it is.
    where = {"url": manifest_url[:200]}
    if not isinstance(obj, dict):
        raise ChannelError("更新清单格式不对", code="channel_manifest_invalid", details=where)
    version, sha, url = obj.get("version"), obj.get("sha256"), obj.get("url")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        raise ChannelError("更新清单的 version 应为正整数", code="channel_manifest_invalid", details=where)
    if not isinstance(sha, str) or not _SHA256_RE.match(sha.lower()):
        raise ChannelError("更新清单的 sha256 格式不对", code="channel_manifest_invalid", details=where)
    if not isinstance(url, str) or not url:
        raise ChannelError("更新清单缺少 url", code="channel_manifest_invalid", details=where)
    absolute = _require_https(urllib.parse.urljoin(manifest_url, url))
    size = obj.get("size")
    return UrlManifest(
        manifest_url=manifest_url,
        version=version,
        sha256=sha.lower(),
        url=absolute,
        id=str(obj.get("id", "")),
        name=str(obj.get("name", "")),
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
    )


def download_pack(
    manifest: UrlManifest,
    dest_dir: Path | str,
    *,
    context: ssl.SSLContext | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download the pack a manifest names, verify its SHA-256, and keep it under `dest_dir`."""
    folder = Path(dest_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{manifest.sha256[:16]}{SUFFIX}"
    fd, tmp = tempfile.mkstemp(prefix=".download.", suffix=".partial", dir=folder)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as handle, _open_https(manifest.url, context, timeout) as response:

            def sink(chunk: bytes) -> None:
                digest.update(chunk)
                handle.write(chunk)

            _read_capped(response, MAX_PACK_BYTES, sink)
            handle.flush()
            os.fsync(handle.fileno())
        if digest.hexdigest() != manifest.sha256:
            raise ChannelError(
                "下载的话术包与清单中的 SHA-256 不符（文件不完整或被篡改），已丢弃", code="channel_checksum_mismatch"
            )
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
