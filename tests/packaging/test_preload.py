"""huashu.preload: where the company preload file is found and how each entry is validated."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from huashu import preload
from huashu.preload import PRELOAD_ENV, PRELOAD_NAME, Channel, TrustedKey, load_preload_config

KEY = bytes(range(32))
KEY_B64 = base64.b64encode(KEY).decode()
KEY_HEX = KEY.hex()


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_no_file_anywhere_is_empty_and_fine() -> None:
    config = load_preload_config()
    assert config.source is None
    assert config.empty
    assert config.problems == []


def test_full_example_from_install_docs(tmp_path: Path) -> None:
    path = write(
        tmp_path / PRELOAD_NAME,
        {
            "version": 1,
            "trusted_keys": [{"key": KEY_B64, "name": "华东客服中心"}],
            "channels": [
                {"type": "folder", "path": "\\\\fileserver\\share\\huashu", "name": "公司话术"},
                {"type": "url", "url": "https://packs.example.cn/huashu/"},
            ],
            "profile": {"公司": "某某电商"},
        },
    )
    config = load_preload_config(path)
    assert config.problems == []
    assert config.source == path
    assert config.trusted_keys == [TrustedKey(key=KEY_B64, name="华东客服中心")]
    assert config.trusted_keys[0].raw() == KEY
    assert config.channels == [
        Channel(type="folder", path="\\\\fileserver\\share\\huashu", name="公司话术"),
        Channel(type="url", path="https://packs.example.cn/huashu/"),
    ]
    assert config.profile == {"公司": "某某电商"}
    assert not config.empty


@pytest.mark.parametrize(
    "spelling",
    [KEY_B64, KEY_B64.rstrip("="), KEY_HEX, KEY_HEX.upper(), base64.urlsafe_b64encode(KEY).decode()],
)
def test_key_spellings(spelling: str) -> None:
    assert preload.decode_key(spelling) == KEY
    assert preload.decode_key(f"  {spelling}\n") == KEY


@pytest.mark.parametrize("bad", ["", "abc", base64.b64encode(bytes(31)).decode(), "z" * 64, "这不是公钥"])
def test_bad_keys(bad: str) -> None:
    assert preload.decode_key(bad) is None


def test_bad_entries_are_skipped_and_reported_the_rest_applies(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.json",
        {
            "trusted_keys": [
                {"key": "not-a-key", "name": "坏的"},
                {"name": "缺少 key"},
                {"key": KEY_HEX, "name": "好的"},
                {"key": KEY_B64, "name": "同一个公钥"},
            ],
            "channels": [
                {"type": "ftp", "path": "ftp://x"},
                {"type": "folder"},
                {"type": "url", "url": "file:///etc"},
                {"type": "url", "url": "http://packs.example.cn/"},
                {"type": "folder", "path": "/srv/huashu"},
                {"type": "folder", "path": "/srv/huashu"},
            ],
            "profile": {"公司": "甲", "坏[名]": "x", "工号": 7},
            "colour": "blue",
        },
    )
    config = load_preload_config(path)
    assert [k.name for k in config.trusted_keys] == ["好的"]
    assert config.channels == [Channel(type="folder", path="/srv/huashu")]
    assert config.profile == {"公司": "甲"}
    text = "\n".join(config.problems)
    for expected in (
        "第 1 项",
        "第 2 项",
        "重复",
        "ftp",
        "缺少 path",
        "https://",
        "坏[名]",
        "工号",
        "colour",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{ not json", "JSON 格式错误"),
        (b"\xff\xfe\x00junk", "UTF-8"),
        (b"[1, 2]", "顶层应为 JSON 对象"),
        (b'{"version": 2}', "不支持的 version"),
        (b'{"trusted_keys": {"key": "x"}}', "trusted_keys 应为列表"),
    ],
)
def test_unusable_files_never_raise(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(content)
    config = load_preload_config(path)
    assert config.empty
    assert any(message in p for p in config.problems), config.problems


def test_utf8_bom_written_by_notepad_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"profile": {"门店": "一号店"}}, ensure_ascii=False).encode()
    )
    config = load_preload_config(path)
    assert config.problems == []
    assert config.profile == {"门店": "一号店"}


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(b" " * (preload.MAX_PRELOAD_BYTES + 1))
    config = load_preload_config(path)
    assert config.empty
    assert "过大" in config.problems[0]


def test_env_variable_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = Path(preload.user_data_dir())
    data_dir.mkdir(parents=True, exist_ok=True)
    write(data_dir / PRELOAD_NAME, {"profile": {"公司": "用户目录"}})
    assert load_preload_config().profile == {"公司": "用户目录"}
    env_file = write(tmp_path / "lead.json", {"profile": {"公司": "环境变量"}})
    monkeypatch.setenv(PRELOAD_ENV, str(env_file))
    config = load_preload_config()
    assert config.source == env_file
    assert config.profile == {"公司": "环境变量"}


def test_env_variable_pointing_nowhere_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PRELOAD_ENV, str(tmp_path / "missing.json"))
    config = load_preload_config()
    assert config.source is None
    assert PRELOAD_ENV in config.problems[0]


def test_frozen_app_looks_beside_the_executable_then_inside_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tmp_path / "Huashu"
    internal = app / "_internal"
    internal.mkdir(parents=True)
    exe = app / "huashu.exe"
    exe.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    candidates = preload.candidate_paths()
    assert candidates[:2] == [app.resolve() / PRELOAD_NAME, internal / PRELOAD_NAME]

    write(internal / PRELOAD_NAME, {"profile": {"公司": "构建时"}})
    assert load_preload_config().profile == {"公司": "构建时"}
    write(app / PRELOAD_NAME, {"profile": {"公司": "安装目录"}})
    assert load_preload_config().profile == {"公司": "安装目录"}


def test_example_file_in_packaging_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "packaging" / "huashu.preload.example.json"
    config = load_preload_config(example)
    assert config.problems == []
    assert config.trusted_keys and config.channels


def preload_file(tmp_path: Path, **extra: Any) -> Path:
    data = {
        "trusted_keys": [{"key": KEY_B64.rstrip("="), "name": "总部"}],
        "channels": [{"type": "folder", "path": str(tmp_path / "share")}],
        "profile": {"公司": "某某电商", "门店": "一号店"},
        **extra,
    }
    return write(tmp_path / PRELOAD_NAME, data)


def test_apply_adds_keys_channels_and_missing_profile_once(tmp_path: Path) -> None:
    from huashu.storage import packs
    from huashu.storage.library import Library

    config = load_preload_config(preload_file(tmp_path))
    with Library.open(tmp_path / "lib.db", empty=True) as lib:
        lib.set_profile({"门店": "二号店"})
        result = preload.apply_preload(lib, config)
        assert result.applied and result.problems == []
        assert result.keys_added == ["总部"]
        assert result.channels_added == [str(tmp_path / "share")]
        assert result.profile_set == ["公司"]
        assert [(k.public_key, k.name) for k in packs.trusted_keys(lib)] == [(KEY_B64, "总部")]
        assert [(c.kind, c.location) for c in packs.channels(lib)] == [("folder", str(tmp_path / "share"))]
        assert lib.profile() == {"公司": "某某电商", "门店": "二号店"}  # the agent's own entry wins

        # The agent removes the channel: the same file does not bring it back ...
        packs.remove_channel(lib, str(tmp_path / "share"))
        again = preload.apply_preload(lib, config)
        assert not again.applied
        assert packs.channels(lib) == []
        # ... a changed file from the lead does, without duplicating the key.
        changed = load_preload_config(preload_file(tmp_path, profile={"公司": "新名字"}))
        third = preload.apply_preload(lib, changed)
        assert third.applied and third.keys_added == [] and third.profile_set == []
        assert [c.location for c in packs.channels(lib)] == [str(tmp_path / "share")]
        assert len(packs.trusted_keys(lib)) == 1


def test_apply_without_a_file_changes_nothing(tmp_path: Path) -> None:
    from huashu.storage.library import Library

    with Library.open(tmp_path / "lib.db", empty=True) as lib:
        result = preload.apply_preload(lib)
        assert not result.applied
        assert lib.setting(preload.APPLIED_SETTING) is None


def test_apply_reports_channels_the_library_refuses(tmp_path: Path) -> None:
    from huashu.storage.library import Library

    channels = [{"type": "url", "url": "https://"}, {"type": "folder", "path": "/x"}]
    config = load_preload_config(preload_file(tmp_path, channels=channels))
    with Library.open(tmp_path / "lib.db", empty=True) as lib:
        result = preload.apply_preload(lib, config)
    assert result.applied
    assert result.channels_added == ["/x"]
    assert any("https://" in p for p in result.problems)
