"""The one resource locator (development, installed and frozen forms), the per-user directories, and
writing a file so that a crash never leaves half of it."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "huashu"
DB_ENV = "HUASHU_DB"
DATA_DIR_ENV = "HUASHU_DATA_DIR"


def _package_dir(package: str) -> Path:
    # Every form Huashu ships in keeps its data files on disk beside the package (a checkout, a
    # wheel install, the PyInstaller bundle): a plain path, without importlib.resources (~3 ms of
    # every start) and its temporary copies for zipped packages, which Huashu never is.
    module = importlib.import_module(package)
    return Path(next(iter(module.__path__)))


def resource(*parts: str) -> Path:
    """A file or folder under resources/, wherever the app is installed or frozen."""
    return _package_dir("huashu.resources").joinpath(*parts)


def read_resource_text(*parts: str) -> str:
    return resource(*parts).read_text(encoding="utf-8")


def migrations_dir() -> Path:
    return _package_dir("huashu.db") / "migrations"


def schema_snapshot() -> Path:
    return _package_dir("huashu.db") / "schema.sql"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def user_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_cache_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override) / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """`HUASHU_DB` wins; otherwise the library lives in the per-user data dir."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return user_data_dir() / "library.huashu.db"


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync, then rename into place: readers see the old
    file or the new one, never a part. The temporary file is removed if anything fails.

    The file gets the permissions any new file gets (0666 less the umask, e.g. -rw-r--r--), not
    mkstemp's private 0600: exports, packs and rules a lead writes to a shared folder are for
    colleagues to read. Secrets (a signing key) are written elsewhere, with 0600.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        tmp = target.parent / f".{target.name}.{os.urandom(4).hex()}.partial"
        try:
            fd = os.open(tmp, flags, 0o666)  # the kernel applies the umask (and a folder's default ACL)
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(f"no free temporary name beside {target}")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def instance_key(db_path: Path) -> str:
    """The name every app on the same library file of the same user shares: its single-instance
    lock and socket. Here, Qt-free, so the command line can tell whether the app has a library open."""
    import zlib  # not hashlib: its OpenSSL binding costs every start ~2 ms, and this is no secret

    try:
        resolved = str(db_path.expanduser().resolve())
    except OSError:
        resolved = str(db_path)
    data = resolved.encode("utf-8")
    digest = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
    return f"huashu-{login_name()}-{digest}"


def login_name() -> str:
    """The user's login name, as getpass.getuser() finds it (without importing it on every start)."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        value = os.environ.get(name)
        if value:
            return value
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):  # no login name (Windows without USERNAME, some containers)
        return "user"
