"""The company preload file (huashu.preload.json): trusted pack keys and channels set up by the team lead."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huashu.paths import user_data_dir

if TYPE_CHECKING:
    from huashu.storage.library import Library

PRELOAD_NAME = "huashu.preload.json"
PRELOAD_ENV = "HUASHU_PRELOAD"
APPLIED_SETTING = "preload.applied"
CHANNEL_TYPES = ("folder", "url")
MAX_PRELOAD_BYTES = 1_000_000
KEY_BYTES = 32  # an Ed25519 public (verify) key


@dataclass(frozen=True)
class TrustedKey:
    """A publisher key whose signed .huashu packs install without asking."""

    key: str
    name: str

    def raw(self) -> bytes:
        """The 32 key bytes (the file may spell them in base64 or hex)."""
        decoded = decode_key(self.key)
        assert decoded is not None  # validated when loaded
        return decoded


@dataclass(frozen=True)
class Channel:
    """Where the team's packs are published: a (network) folder or an http(s) address."""

    type: str
    path: str
    name: str = ""


@dataclass
class PreloadConfig:
    """What the preload file asks for; `problems` lists entries that were skipped and why."""

    source: Path | None = None
    trusted_keys: list[TrustedKey] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    profile: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.trusted_keys or self.channels or self.profile)

    @property
    def digest(self) -> str:
        """Identifies the content, so a library applies each version of the file once."""
        content = {
            "keys": [(k.raw().hex(), k.name) for k in self.trusted_keys],
            "channels": [(c.type, c.path) for c in self.channels],
            "profile": sorted(self.profile.items()),
        }
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class PreloadResult:
    """What `apply_preload` changed in a library."""

    applied: bool = False
    keys_added: list[str] = field(default_factory=list)
    channels_added: list[str] = field(default_factory=list)
    profile_set: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def decode_key(text: str) -> bytes | None:
    """The raw bytes of a 32-byte key written as hex or (standard or URL-safe) base64, else None."""
    text = text.strip()
    if len(text) == 2 * KEY_BYTES:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    padded = text + "=" * (-len(text) % 4)
    if "-" in text or "_" in text:
        padded = padded.replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == KEY_BYTES else None


def candidate_paths() -> list[Path]:
    """Where the preload file is looked for, first match wins.

    1. the file named by the HUASHU_PRELOAD environment variable;
    2. frozen app: beside the executable (the installer's {app} folder, or next to huashu.exe on a stick);
    3. frozen app: inside the bundle's contents folder (baked in at build time, e.g. a signed macOS .app);
    4. the per-user data folder (where a Linux package or an admin script can drop it).
    """
    paths: list[Path] = []
    env = os.environ.get(PRELOAD_ENV)
    if env:
        paths.append(Path(env))
    if getattr(sys, "frozen", False):
        paths.append(Path(sys.executable).resolve().parent / PRELOAD_NAME)
        bundle_dir = getattr(sys, "_MEIPASS", None)
        if bundle_dir:
            paths.append(Path(bundle_dir) / PRELOAD_NAME)
    paths.append(user_data_dir() / PRELOAD_NAME)
    unique: list[Path] = []
    for path in paths:
        if path not in unique:
            unique.append(path)
    return unique


def load_preload_config(path: Path | None = None) -> PreloadConfig:
    """Read the preload file (the first of `candidate_paths()` that exists, or `path`).

    Never raises for bad content: an unreadable file or a bad entry becomes a line in `problems`
    and the rest still applies, so a typo by the lead cannot stop agents from starting the app.
    """
    if path is None:
        env = os.environ.get(PRELOAD_ENV)
        for candidate in candidate_paths():
            if candidate.is_file():
                path = candidate
                break
        else:
            config = PreloadConfig()
            if env:
                config.problems.append(f"{PRELOAD_ENV} 指向的文件不存在: {env}")
            return config
    config = PreloadConfig(source=path)
    try:
        size = path.stat().st_size
        if size > MAX_PRELOAD_BYTES:
            config.problems.append(f"{path}: 文件过大（{size} 字节），已忽略")
            return config
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        config.problems.append(f"{path}: 无法读取: {exc.strerror or exc}")
        return config
    except UnicodeDecodeError:
        config.problems.append(f"{path}: 不是 UTF-8 编码的文本文件")
        return config
    except json.JSONDecodeError as exc:
        config.problems.append(f"{path}: JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）: {exc.msg}")
        return config
    _parse(data, config)
    return config


def _parse(data: Any, config: PreloadConfig) -> None:
    if not isinstance(data, dict):
        config.problems.append("顶层应为 JSON 对象 {...}")
        return
    known = {"trusted_keys", "channels", "profile", "version", "comment"}
    for key in data:
        if key not in known:
            config.problems.append(f"未知的设置项已忽略: {key}")
    version = data.get("version", 1)
    if version != 1:
        config.problems.append(f"不支持的 version: {version!r}（本版本只认识 1）")
        return

    for index, item in enumerate(_list(data, "trusted_keys", config), start=1):
        where = f"trusted_keys 第 {index} 项"
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            config.problems.append(f'{where}: 需要 {{"key": "...", "name": "..."}}')
            continue
        key = item["key"].strip()
        name = item.get("name", "")
        if not isinstance(name, str):
            config.problems.append(f"{where}: name 应为文字")
            continue
        if decode_key(key) is None:
            config.problems.append(f"{where}: key 不是 32 字节的公钥（base64 或十六进制）")
            continue
        if any(k.raw() == decode_key(key) for k in config.trusted_keys):
            config.problems.append(f"{where}: 重复的公钥已忽略")
            continue
        config.trusted_keys.append(TrustedKey(key=key, name=name.strip()))

    for index, item in enumerate(_list(data, "channels", config), start=1):
        where = f"channels 第 {index} 项"
        if not isinstance(item, dict):
            config.problems.append(f'{where}: 需要 {{"type": "folder", "path": "..."}}')
            continue
        kind = item.get("type", "folder")
        path = item.get("path") if kind == "folder" else item.get("url", item.get("path"))
        name = item.get("name", "")
        if kind not in CHANNEL_TYPES:
            config.problems.append(f"{where}: 不支持的 type {kind!r}（可用: {', '.join(CHANNEL_TYPES)}）")
            continue
        if not isinstance(path, str) or not path.strip() or not isinstance(name, str):
            config.problems.append(f"{where}: 缺少 path（文件夹）或 url（网址）")
            continue
        path = path.strip()
        if kind == "url" and not path.lower().startswith("https://"):
            config.problems.append(f"{where}: url 应以 https:// 开头（只支持加密连接）")
            continue
        channel = Channel(type=kind, path=os.path.expandvars(path) if kind == "folder" else path, name=name)
        if channel in config.channels:
            continue
        config.channels.append(channel)

    profile = data.get("profile", {})
    if not isinstance(profile, dict):
        config.problems.append('profile 应为 {"公司": "..."} 形式的对象')
        return
    for key, value in profile.items():
        if not isinstance(value, str) or not key.strip() or any(ch in key for ch in "[]:=|\n"):
            config.problems.append(f"profile 中的 {key!r} 无效，已忽略")
            continue
        config.profile[key.strip()] = value.strip()


def _list(data: dict[str, Any], key: str, config: PreloadConfig) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        config.problems.append(f"{key} 应为列表 [...]")
        return []
    return value


def apply_preload(lib: Library, config: PreloadConfig | None = None, *, force: bool = False) -> PreloadResult:
    """Add the preloaded trusted keys and channels that the library lacks, and fill empty profile fields.

    Call it after opening the library at start-up. Each version of the file is applied once (its digest
    is remembered in the library's settings), so a channel or key the agent removed later stays removed
    until the lead ships a changed file. Nothing the agent configured is ever removed or overwritten.
    """
    from huashu.core.packs import PackError
    from huashu.storage import packs
    from huashu.storage.library import ValidationError

    config = config if config is not None else load_preload_config()
    result = PreloadResult(problems=list(config.problems))
    if config.source is None or config.empty:
        return result
    digest = config.digest
    if not force and lib.setting(APPLIED_SETTING) == digest:
        return result
    with lib.transaction():
        for key in config.trusted_keys:
            canonical = base64.b64encode(key.raw()).decode("ascii")
            try:
                if not packs.is_trusted(lib, canonical):
                    packs.trust_key(lib, canonical, key.name)
                    result.keys_added.append(key.name or canonical)
            except PackError as exc:
                result.problems.append(f"公钥 {key.name or canonical}: {exc}")
        known = {c.location for c in packs.channels(lib)}
        for channel in config.channels:
            location = channel.path
            if channel.type == "folder":
                location = str(Path(location).expanduser().absolute())
            if location in known:
                continue
            try:
                packs.add_channel(lib, channel.path)
            except (ValidationError, PackError) as exc:
                result.problems.append(f"渠道 {channel.path}: {exc}")
                continue
            known.add(location)
            result.channels_added.append(channel.path)
        current = lib.profile()
        missing = {k: v for k, v in config.profile.items() if v and not current.get(k)}
        if missing:
            lib.set_profile(missing)
            result.profile_set = sorted(missing)
        lib.set_setting(APPLIED_SETTING, digest)
    result.applied = True
    return result
