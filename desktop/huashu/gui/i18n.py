"""UI translations: the shipped .qm when built, otherwise the committed .ts read directly; plus Qt's own."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from huashu.gui.qt import QCoreApplication, QLibraryInfo, QTranslator
from huashu.paths import resource

if TYPE_CHECKING:
    from huashu.core.placeholders import PlaceholderIssue
    from huashu.gui.qt import QLocale

log = logging.getLogger(__name__)


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # the name lupdate looks for
    """Mark `source` for the catalogue (lupdate finds it) where it is translated later, by its context."""
    return source


# Qt's own file dialog (non-native, as on most Linux desktops) uses strings the qtbase_zh_CN shipped
# with PySide6 lacks, so the Chinese dialog showed them in English: its form labels gained mnemonics
# ("&Look in:", "Files of &type:"; the catalogue has them without "&"), and the Type column's
# "Folder" moved to the QAbstractFileIconProvider context (the catalogue has it under QFileDialog).
# And its size column reads 体积 ("volume") where people say 大小. Declared here, lupdate keeps them
# in our catalogue, which is installed last so Qt consults it before its own.
QT_OWN_STRINGS = (
    QT_TRANSLATE_NOOP("QFileSystemModel", "Size"),
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Folder"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Drive"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Unknown"),
)

DEFAULT_LANGUAGE = "zh_CN"
# Language code -> its own name, shown in the settings so a person can always find their language.
LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}

_installed: list[QTranslator] = []
_current: str | None = None  # None until install_translators has run


QM_CACHE_FORMAT = 1  # bump when compile_qm's output changes
QM_MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")
_TAG_END, _TAG_TRANSLATION, _TAG_SOURCE, _TAG_CONTEXT = 1, 3, 6, 7
_SECTION_HASHES, _SECTION_MESSAGES, _SECTION_LANGUAGE = 0x42, 0x69, 0xA7


def _elf_hash(data: bytes) -> int:
    """The hash QTranslator looks messages up by (Qt's elfHash over source text and comment)."""
    h = 0
    for byte in data:
        h = ((h << 4) + byte) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h or 1


def compile_qm(messages: dict[tuple[str, str], str], language: str = "") -> bytes:
    """A .qm catalogue (what lrelease writes) for (context, source) -> translation.

    A developer checkout and the test suite have only the committed .ts; compiling it in memory
    takes well under a millisecond and needs no Qt tools. Overriding QTranslator.translate in
    Python instead is not an option: PySide6 6.12 over-releases None on every such call.
    """

    def block(tag: int, payload: bytes) -> bytes:
        return bytes([tag]) + len(payload).to_bytes(4, "big") + payload

    body = bytearray()
    offsets: list[tuple[int, int]] = []
    for (context, source), translation in messages.items():
        src = source.encode("utf-8")
        ctx = context.encode("utf-8")
        text = translation.encode("utf-16-be")
        offsets.append((_elf_hash(src), len(body)))
        body += bytes([_TAG_TRANSLATION]) + len(text).to_bytes(4, "big") + text
        body += bytes([_TAG_SOURCE]) + len(src).to_bytes(4, "big") + src
        body += bytes([_TAG_CONTEXT]) + len(ctx).to_bytes(4, "big") + ctx
        body += bytes([_TAG_END])
    hashes = b"".join(h.to_bytes(4, "big") + o.to_bytes(4, "big") for h, o in sorted(offsets))
    out = QM_MAGIC
    if language:
        out += block(_SECTION_LANGUAGE, language.encode("ascii"))
    return out + block(_SECTION_HASHES, hashes) + block(_SECTION_MESSAGES, bytes(body))


class CatalogueTranslator(QTranslator):
    """A QTranslator loaded from .qm bytes it keeps alive (Qt reads them in place, without copying)."""

    def __init__(self, data: bytes, size: int) -> None:
        super().__init__()
        self._data = data
        self.size = size
        if not self.load(self._data):
            raise ValueError("not a .qm catalogue")


def read_ts(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> translation for every finished message of a .ts file."""
    import xml.etree.ElementTree as ET  # only without a built .qm, and then once per .ts (cached)

    messages: dict[tuple[str, str], str] = {}
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source = message.findtext("source")
            node = message.find("translation")
            if source is None or node is None or node.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            if node.text:
                messages[(name, source)] = node.text
    return messages


def language_for(locale: QLocale | str) -> str:
    """The supported language closest to a locale (any Chinese locale reads Simplified Chinese)."""
    name = locale if isinstance(locale, str) else locale.name()
    if name in LANGUAGES:
        return name
    return "zh_CN" if name.lower().startswith("zh") else "en"


def current_language() -> str | None:
    """The language installed last, or None if translators were never installed."""
    return _current


def speaks_chinese() -> bool:
    """Whether the UI shows Chinese, in which the core's own (Chinese) messages are already worded."""
    return _current is None or _current.startswith("zh")


def _app_translator(language: str) -> QTranslator | None:
    base = f"huashu_{language}"
    folder = resource("translations")
    ts = folder / f"{base}.ts"
    qm = folder / f"{base}.qm"
    ts_path = ts if ts.is_file() else None
    qm_path = qm if qm.is_file() else None
    # A .qm older than its .ts is a developer's stale build output; the .ts is the truth then.
    if qm_path is not None and (ts_path is None or qm_path.stat().st_mtime >= ts_path.stat().st_mtime):
        translator = QTranslator()
        if translator.load(str(qm_path)):
            return translator
        log.warning("could not load %s", qm_path)
    if ts_path is not None:
        try:
            return _translator_from_ts(ts_path, language)
        except (OSError, ValueError) as exc:
            log.warning("could not read %s: %s", ts_path, exc)
    return None


def _translator_from_ts(ts_path: Path, language: str) -> QTranslator:
    """The .ts compiled once and kept in the user's cache by content: parsing it costs every start ~8 ms."""
    from huashu.paths import atomic_write_bytes, user_cache_dir

    data = ts_path.read_bytes()
    folder = user_cache_dir() / "translations"
    # The compiler's version is in the name too: a fixed compile_qm never reads an old build. Two
    # checksums, not hashlib (its OpenSSL binding costs every start ~2 ms): a cache key, no secret.
    digest = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
    cached = folder / f"{ts_path.stem}-c{QM_CACHE_FORMAT}-{digest}.qm"
    if cached.is_file():
        translator = QTranslator()
        if translator.load(str(cached)):
            return translator
    messages = read_ts(ts_path)
    compiled = compile_qm(messages, language)
    try:
        atomic_write_bytes(cached, compiled)
        for old in folder.glob(f"{ts_path.stem}-*.qm"):  # builds of earlier .ts versions
            if old != cached:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only or full cache only costs the next start the same parse
        log.debug("could not cache %s: %s", cached, exc)
    return CatalogueTranslator(compiled, len(messages))


def _qt_translator(language: str) -> QTranslator | None:
    """Qt's own strings (standard buttons, context menus of text fields)."""
    translator = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # By file name: QLocale's class (its Language, Country and Script enums) costs a start ~4 ms.
    # Qt tries qtbase_zh_CN.qm, then qtbase_zh.qm, as the locale overload would.
    if translator.load(f"qtbase_{language}", folder):
        return translator
    return None


def install_translators(app: QCoreApplication, locale: QLocale | str = DEFAULT_LANGUAGE) -> str:
    """Replace the installed translators with those for `locale`; returns what was installed.

    Installing and removing translators makes Qt send LanguageChange to every widget, which is
    how open windows retranslate themselves.
    """
    global _current
    language = language_for(locale)
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _current = language
    if language == "en":
        return "en (source strings)"
    names = []
    # The last installed is asked first: the app's own catalogue, which corrects some of Qt's words.
    for kind, translator in (("qtbase", _qt_translator(language)), ("huashu", _app_translator(language))):
        if translator is not None:
            app.installTranslator(translator)
            _installed.append(translator)
            size = f" {translator.size} messages" if isinstance(translator, CatalogueTranslator) else ""
            names.append(f"{kind}_{language}{size}")
    return ", ".join(names) or f"{language}: no catalogue found"


def join_list(items: Iterable[str]) -> str:
    """Names listed in a sentence: 订单号、快递公司 in Chinese, "order no., courier" in English."""
    return QCoreApplication.translate("i18n", ", ").join(items)


def placeholder_message(issue: PlaceholderIssue) -> str:
    """A template problem in the UI's language (the core words it in Chinese for the command line)."""
    values = [value for _key, value in issue.details]
    messages = {
        "unclosed": QCoreApplication.translate(
            "placeholders", "“[” has no closing “]” (for a bracket itself, write “[[”)"
        ),
        "stray_close": QCoreApplication.translate(
            "placeholders", "Extra “]” (for a bracket itself, write “]]”)"
        ),
        "empty": QCoreApplication.translate(
            "placeholders", "Empty field “[]”: write the field’s name between the brackets"
        ),
        "empty_name": QCoreApplication.translate("placeholders", "The field has no name"),
        "empty_choice": QCoreApplication.translate("placeholders", "Field “{0}” has an empty choice"),
        "name_too_long": QCoreApplication.translate(
            "placeholders", "The field name is longer than {0} characters"
        ),
        "bad_name": QCoreApplication.translate(
            "placeholders", "Field name “{0}” cannot contain “|”; choices follow “:”, as in [称呼:先生|女士]"
        ),
        "bad_default": QCoreApplication.translate(
            "placeholders", "The default “{1}” of field “{0}” is not one of its choices"
        ),
    }
    template = messages.get(issue.code)
    if template is None:  # a kind of problem newer than this table: the core's own words
        return issue.message if current_language() == "en" else issue.message_zh
    return template.format(*values)
