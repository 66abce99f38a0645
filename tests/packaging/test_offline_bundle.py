"""packaging/offline_bundle.py: the USB-stick zip keeps modes and symlinks and its checksums verify."""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path

import offline_bundle
import pytest


def linux_dist(tmp_path: Path) -> tuple[Path, Path]:
    """A small onedir tree shaped like PyInstaller's output, and the icons the spec renders."""
    dist = tmp_path / "dist"
    onedir = dist / "huashu"
    (onedir / "_internal" / "huashu" / "resources").mkdir(parents=True)
    exe = onedir / "huashu"
    exe.write_bytes(b"\x7fELF-not-really")
    exe.chmod(0o755)
    (onedir / "_internal" / "libpython3.11.so.1.0").write_bytes(b"lib")
    (onedir / "_internal" / "huashu" / "resources" / "default_library.csv").write_text(
        "话术", encoding="utf-8"
    )
    os.symlink("libpython3.11.so.1.0", onedir / "_internal" / "libpython3.11.so")
    build = tmp_path / "build"
    icon = build / "icons" / "hicolor" / "48x48" / "apps" / "huashu.png"
    icon.parent.mkdir(parents=True)
    icon.write_bytes(b"png")
    return dist, build


@pytest.mark.skipif(os.name == "nt", reason="symlinks and modes are a Unix concern")
def test_linux_bundle(tmp_path: Path) -> None:
    dist, build = linux_dist(tmp_path)
    out = offline_bundle.make_bundle("linux", dist, build)
    assert out.parent == dist and out.name.endswith("-offline.zip")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert (dist / f"{out.name}.sha256").read_text() == f"{digest}  {out.name}\n"

    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        top = names[0].split("/")[0]
        assert all(n.startswith(top + "/") for n in names)
        rel = {n[len(top) + 1 :]: archive.getinfo(n) for n in names}
        for required in (
            "huashu/huashu",
            "install.sh",
            "share/applications/huashu.desktop",
            "share/mime/packages/huashu.xml",
            "share/icons/hicolor/48x48/apps/huashu.png",
            "INSTALL.md",
            "README.txt",
            "SHA256SUMS",
        ):
            assert required in rel, required
        assert stat.S_IMODE(rel["huashu/huashu"].external_attr >> 16) == 0o755
        assert stat.S_IMODE(rel["install.sh"].external_attr >> 16) == 0o755
        link = rel["huashu/_internal/libpython3.11.so"]
        assert stat.S_ISLNK(link.external_attr >> 16)
        assert archive.read(link) == b"libpython3.11.so.1.0"

        sums = archive.read(f"{top}/SHA256SUMS").decode().splitlines()
        listed = dict(reversed(line.split("  ", 1)) for line in sums)
        assert set(listed) == {n for n, i in rel.items() if not stat.S_ISLNK(i.external_attr >> 16)} - {
            "SHA256SUMS",
            "README.txt",
        }
        for name, want in listed.items():
            assert hashlib.sha256(archive.read(f"{top}/{name}")).hexdigest() == want, name
        assert "sha256sum -c SHA256SUMS" in archive.read(f"{top}/README.txt").decode()


def test_missing_build_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"build_linux\.sh"):
        offline_bundle.make_bundle("linux", tmp_path / "dist", tmp_path / "build")
    with pytest.raises(SystemExit, match=r"build_windows\.ps1"):
        offline_bundle.make_bundle("windows", tmp_path / "dist", tmp_path / "build")
    with pytest.raises(SystemExit, match=r"build_macos\.sh"):
        offline_bundle.make_bundle("macos", tmp_path / "dist", tmp_path / "build")


def test_windows_bundle_has_installer_portable_copy_and_verify_script(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "huashu").mkdir(parents=True)
    (dist / "huashu" / "huashu.exe").write_bytes(b"MZ")
    (dist / "huashu-0.1.0-windows-x64-setup.exe").write_bytes(b"MZ setup")
    out = offline_bundle.make_bundle("windows", dist, tmp_path / "build")
    with zipfile.ZipFile(out) as archive:
        rel = {n.split("/", 1)[1] for n in archive.namelist()}
        verify = next(n for n in archive.namelist() if n.endswith("verify.ps1"))
        assert archive.read(verify).startswith(b"\xef\xbb\xbf")  # PowerShell 5.1 needs the BOM
    assert {"huashu-0.1.0-windows-x64-setup.exe", "huashu/huashu.exe", "verify.ps1", "SHA256SUMS"} <= rel
