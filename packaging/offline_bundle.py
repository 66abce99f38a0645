"""Zip what a site without internet needs to install Huashu from a USB stick, with SHA-256 checksums."""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import stat
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1 << 20

README = """话术助手 Huashu {version} — offline installation bundle ({target})

Everything needed to install on a computer without internet is in this folder.
Full instructions: INSTALL.md (section "离线安装 / Offline installation").

1. Check the copy:   {verify}
2. Install:          {install}
3. Check the app:    {selftest}

Your library and settings are kept in the per-user data folder and survive reinstalling.
"""

TARGETS = {
    "linux": {
        "verify": "sha256sum -c SHA256SUMS",
        "install": "./install.sh            (just for you; sudo ./install.sh --system for every user)",
        "selftest": "huashu --self-test",
    },
    "windows": {
        "verify": "powershell -ExecutionPolicy Bypass -File verify.ps1",
        "install": "run the huashu-*-setup.exe (no admin rights needed), or use the portable folder huashu\\",
        "selftest": '"%LOCALAPPDATA%\\Programs\\Huashu\\huashu-cli.exe" --self-test',
    },
    "macos": {
        "verify": "shasum -a 256 -c SHA256SUMS",
        "install": "open the .dmg and drag 话术助手 to Applications",
        "selftest": '"/Applications/话术助手.app/Contents/MacOS/huashu" --self-test',
    },
}

VERIFY_PS1 = """# Verifies every file of this bundle against SHA256SUMS (Windows PowerShell 5.1 or later).
$ErrorActionPreference = "Stop"
Set-Location $PSScriptRoot
$bad = 0
foreach ($line in Get-Content -Encoding UTF8 SHA256SUMS) {
  if ($line -notmatch '^([0-9a-f]{64}) [ *](.+)$') { continue }
  $want = $Matches[1]; $file = $Matches[2]
  if (-not (Test-Path -LiteralPath $file)) { Write-Host "MISSING $file"; $bad++; continue }
  $got = (Get-FileHash -Algorithm SHA256 -LiteralPath $file).Hash.ToLower()
  if ($got -ne $want) { Write-Host "BAD     $file"; $bad++ }
}
if ($bad) { Write-Host "$bad file(s) damaged: copy the bundle again."; exit 1 }
Write-Host "All files OK."
"""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def detect_target() -> str:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def version() -> str:
    sys.path.insert(0, str(ROOT / "desktop"))
    from huashu import __version__

    return __version__


def _files(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        base = Path(dirpath)
        for name in sorted(filenames):
            yield base / name
        for name in dirnames:
            if (base / name).is_symlink():
                yield base / name


def contents(target: str, dist: Path, build: Path) -> list[tuple[Path, str]]:
    """(source, name inside the bundle) for every file the bundle needs on this target."""
    items: list[tuple[Path, str]] = []

    def add_tree(src: Path, dest: str) -> None:
        for path in _files(src):
            items.append((path, f"{dest}/{path.relative_to(src).as_posix()}"))

    onedir = dist / "huashu"
    if target == "linux":
        if not (onedir / "huashu").exists():
            raise SystemExit(f"{onedir}/huashu not found: run packaging/build_linux.sh first")
        add_tree(onedir, "huashu")
        linux = ROOT / "packaging" / "linux"
        items.append((linux / "install.sh", "install.sh"))
        items.append((linux / "huashu.desktop", "share/applications/huashu.desktop"))
        items.append((linux / "huashu-mime.xml", "share/mime/packages/huashu.xml"))
        add_tree(build / "icons" / "hicolor", "share/icons/hicolor")
        debs = sorted(dist.glob("huashu_*.deb"))
        if debs:
            items.append((debs[-1], debs[-1].name))
    elif target == "windows":
        setups = sorted(dist.glob("huashu-*-windows-*-setup.exe"))
        if not setups:
            raise SystemExit(
                "no dist/huashu-*-windows-*-setup.exe: run packaging\\windows\\build_windows.ps1 first"
            )
        items.append((setups[-1], setups[-1].name))
        if (onedir / "huashu.exe").exists():
            add_tree(onedir, "huashu")  # portable copy for PCs where installers are not allowed
    else:
        dmgs = sorted(dist.glob("huashu-*-macos*.dmg"))
        if not dmgs:
            raise SystemExit("no dist/huashu-*-macos.dmg: run packaging/macos/build_macos.sh first")
        items.append((dmgs[-1], dmgs[-1].name))
    items.append((ROOT / "docs" / "INSTALL.md", "INSTALL.md"))
    preload = ROOT / "packaging" / "huashu.preload.json"
    if preload.exists():
        items.append((preload, "huashu.preload.json"))
        if target == "windows" and (onedir / "huashu.exe").exists():
            items.append((preload, "huashu/huashu.preload.json"))
    return items


def _zip_info(name: str, path: Path) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo.from_file(path, name) if not path.is_symlink() else zipfile.ZipInfo(name)
    info.create_system = 3  # Unix: keep permission bits and symlinks for unzip/ditto
    if path.is_symlink():
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
    else:
        mode = path.stat().st_mode
        info.external_attr = (stat.S_IFREG | (0o755 if mode & 0o111 else 0o644)) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def make_bundle(target: str, dist: Path, build: Path, out: Path | None = None) -> Path:
    ver = version()
    arch = {"x86_64": "x64", "amd64": "x64", "arm64": "arm64", "aarch64": "arm64"}.get(
        platform.machine().lower(), platform.machine().lower()
    )
    top = f"huashu-{ver}-{target}-{arch}-offline"
    out = out or dist / f"{top}.zip"
    items = contents(target, dist, build)
    sums: list[str] = []
    readme = README.format(version=ver, target=f"{target} {arch}", **TARGETS[target])
    with zipfile.ZipFile(out, "w", compresslevel=6) as archive:
        for path, name in items:
            info = _zip_info(f"{top}/{name}", path)
            if path.is_symlink():
                archive.writestr(info, os.readlink(path))
                continue
            with path.open("rb") as src, archive.open(info, "w") as dst:
                while chunk := src.read(CHUNK):
                    dst.write(chunk)
            sums.append(f"{sha256(path)}  {name}")
        archive.writestr(f"{top}/README.txt", readme)
        if target == "windows":
            archive.writestr(f"{top}/verify.ps1", "\ufeff" + VERIFY_PS1)
        archive.writestr(f"{top}/SHA256SUMS", "\n".join(sums) + "\n")
    digest = sha256(out)
    out.with_name(out.name + ".sha256").write_text(f"{digest}  {out.name}\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", choices=sorted(TARGETS), default=detect_target())
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    out = make_bundle(args.target, args.dist, args.build, args.out)
    size = out.stat().st_size / 1e6
    print(f"{out}  ({size:.1f} MB)")
    print(f"{out}.sha256")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
