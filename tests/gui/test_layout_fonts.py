"""Whole texts at every font size, in English and Chinese: the trust question, the preview pane, Settings, the tree."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import pytest

from huashu.core import packs as core
from huashu.core.packs import PackUntrustedError
from huashu.gui.main_window import MainWindow
from huashu.gui.pack_flow import PackPreviewDialog, TrustDialog
from huashu.gui.qt import (
    QApplication,
    QCheckBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)
from huashu.gui.settings import FONT_SIZES
from huashu.gui.widgets import ElidedLabel
from looks import apply_look, rect_in, settle

LEAD = core.PrivateKey(seed=b"Q" * 32, publisher="华东组长")
# The sizes the QA report names (14 pt), the largest offered, and the system default.
LOOKS = [(lang, size) for lang in ("en", "zh_CN") for size in (0, 14, max(FONT_SIZES))]





def _shown_in(widget: QWidget, root: QWidget) -> bool:
    """Visible, and not on a tab page or a stack page other than the one shown."""
    return widget.isVisible() and widget.isVisibleTo(root)


def _scrolls(widget: QWidget) -> bool:
    """A scroll area's viewport: what it holds may reach past it, the scroll bar brings it in."""
    area = widget.parentWidget()
    return isinstance(area, QScrollArea) and widget is area.viewport()


def clipped_texts(root: QWidget) -> list[str]:
    """Every button, check box or label under `root` whose text does not show whole, and why.

    A button or check box needs its size hint (its text's advance, icon and padding); a one-line
    label its text's advance; a wrapping label the height of all its lines at its width. Each must
    also lie inside every ancestor up to its window (or its scroll area's content, which scrolls).
    """
    problems: list[str] = []
    for widget in root.findChildren(QWidget):
        if not _shown_in(widget, root):
            continue
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget, (QPushButton, QCheckBox)) and widget.text():
            text = widget.text().replace("&", "")
            if widget.width() < widget.sizeHint().width() or widget.height() < widget.sizeHint().height():
                problems.append(f"button {text!r}: {widget.size()} < {widget.sizeHint()}")
        elif isinstance(widget, QLabel) and widget.text() and not isinstance(widget, ElidedLabel):
            text = widget.text()
            if widget.wordWrap():
                if widget.height() < widget.heightForWidth(widget.width()):
                    problems.append(
                        f"label {text[:40]!r}: {widget.height()} < {widget.heightForWidth(widget.width())}"
                    )
            else:
                margins = widget.contentsMargins()
                room = widget.width() - margins.left() - margins.right() - 2 * widget.margin()
                advance = widget.fontMetrics().horizontalAdvance(text)
                if widget.textFormat() != widget.textFormat().RichText and "<" not in text and advance > room:
                    problems.append(f"label {text!r}: advance {advance} > {room}")
                if widget.width() < widget.sizeHint().width():
                    problems.append(f"label {text[:40]!r}: {widget.width()} < {widget.sizeHint().width()}")
        else:
            continue
        # Inside every ancestor: not pushed past a pane's edge or under the window's border.
        parent = widget.parentWidget()
        while parent is not None and not _scrolls(parent):
            if not parent.rect().contains(rect_in(widget, parent)):
                problems.append(f"{name} {widget.text()!r} outside {type(parent).__name__}")  # type: ignore[attr-defined]
                break
            if parent.isWindow():
                break
            parent = parent.parentWidget()
    return problems


def assert_scrolls_if_cut(root: QWidget) -> None:
    """A scroll page taller than its window shows the scroll bar that reaches the rest."""
    for area in root.findChildren(QScrollArea):
        content = area.widget()
        if _shown_in(area, root) and content is not None and content.height() > area.viewport().height():
            assert area.verticalScrollBar().isVisible(), area.objectName()


@pytest.fixture
def looked(window: MainWindow) -> Iterator[Callable[[str, int], None]]:
    def apply(language: str, size: int) -> None:
        apply_look(window, language, size)

    yield apply


def untrusted() -> PackUntrustedError:
    return PackUntrustedError(
        "untrusted", public_key=LEAD.public_key, publisher="华东组长", pack_name="华东售后包"
    )


@pytest.mark.parametrize(("language", "size"), LOOKS)
def test_the_trust_question_shows_all_of_its_text(
    qtbot, window, looked, shot, language: str, size: int
) -> None:  # type: ignore[no-untyped-def]
    """At 14 pt in English the advice ("…packs from this publisher will…") hid behind the buttons."""
    looked(language, size)
    dialog = TrustDialog(untrusted(), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(qtbot)
    shot(dialog, f"trust-{language}-{size or 'default'}")
    assert clipped_texts(dialog) == []
    # The advice is the last thing above the buttons and does not reach into them.
    text = rect_in(dialog.text, dialog)
    assert text.bottom() < rect_in(dialog.trust_button, dialog).top()
    assert dialog.text.height() >= dialog.text.heightForWidth(dialog.text.width())
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    # The window cannot be made so small that the advice is cut again: its minimum keeps every line.
    dialog.resize(dialog.minimumSize())
    settle(qtbot)
    assert clipped_texts(dialog) == []
    dialog.reject()


def test_the_trust_question_grows_with_the_font(qtbot, window, looked) -> None:  # type: ignore[no-untyped-def]
    sizes = []
    for size in (9, 14, max(FONT_SIZES)):
        looked("en", size)
        dialog = TrustDialog(untrusted(), window)
        qtbot.addWidget(dialog)
        sizes.append(dialog.size())
        dialog.deleteLater()
    assert sizes[0].width() < sizes[1].width() < sizes[2].width()
    assert sizes[0].height() < sizes[2].height()


@pytest.mark.parametrize(
    ("language", "size"), [("en", 14), ("en", max(FONT_SIZES)), ("zh_CN", max(FONT_SIZES))]
)
def test_the_pack_preview_fits_the_font(qtbot, window, looked, language: str, size: int) -> None:  # type: ignore[no-untyped-def]
    looked(language, size)
    old = core.PackPhrase(uid="a", category="售后", title="催件回复", text="预计24小时内回复")
    installed = core.InstalledPack(
        manifest=core.make_pack(name="华东售后包", version=1, key=LEAD, phrases=[old]).manifest,
        phrases=(core.InstalledPhrase(old, phrase_id=3),),
        rules=(),
        synonyms=(),
    )
    new = core.PackPhrase(uid="a", category="售后", title="催件回复", text="预计12小时内回复")
    pack = core.make_pack(name="华东售后包", version=2, key=LEAD, phrases=[new])
    dialog = PackPreviewDialog(core.preview_pack(pack, installed), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(qtbot)
    assert clipped_texts(dialog) == []
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    dialog.reject()


def show_team_phrase(window: MainWindow) -> None:
    """A read-only team phrase, starred: every preview button shows, the longest texts among them."""
    item = window.model.item(0)
    assert item is not None
    window.preview.show_item(replace(item, read_only=True, favorite=True))


def button_problems(window: MainWindow) -> list[str]:
    preview = window.preview
    buttons = [b for b in preview.buttons.widgets() if b.isVisible()]
    problems = clipped_texts(preview)
    for a, b in combinations(buttons, 2):
        if rect_in(a, preview).intersects(rect_in(b, preview)):
            problems.append(f"{a.text()!r} overlaps {b.text()!r}")
    for button in buttons:
        if not preview.rect().contains(rect_in(button, preview)):
            problems.append(f"{button.text()!r} outside the pane")
    return problems


@pytest.mark.parametrize(("language", "size"), LOOKS)
def test_preview_buttons_show_their_whole_text(qtbot, window, looked, shot, language: str, size: int) -> None:  # type: ignore[no-untyped-def]
    """ "Copy to my phrases" showed as "py to my phra" at 14 pt in English: now the row wraps."""
    looked(language, size)
    show_team_phrase(window)
    settle(qtbot)
    assert window.preview.duplicate_button.isVisible()
    assert button_problems(window) == []
    shot(window, f"main-{language}-{size or 'default'}")
    # The pane as narrow as the window lets it be: the buttons take more rows, none is cut.
    split = window.h_split
    total = sum(split.sizes())
    split.setSizes([0, total, 0])
    settle(qtbot)
    assert window.side.width() <= 320  # at its minimum (300) or close to it
    assert button_problems(window) == []
    rows = {rect_in(b, window.preview).top() for b in window.preview.buttons.widgets() if b.isVisible()}
    if size == max(FONT_SIZES):
        assert len(rows) > 1  # four buttons at 20 pt do not fit on one row of a narrow pane
    shot(window.preview, f"preview-narrow-{language}-{size or 'default'}")


def test_preview_buttons_stay_on_one_row_when_there_is_room(qtbot, window, looked) -> None:  # type: ignore[no-untyped-def]
    looked("zh_CN", 0)
    show_team_phrase(window)
    window.h_split.setSizes([200, 400, 800])
    settle(qtbot)
    rows = {b.geometry().top() for b in window.preview.buttons.widgets() if b.isVisible()}
    assert len(rows) == 1
    # Hiding the team-only button leaves no gap where it was; showing it again puts it back.
    item = window.model.item(0)
    assert item is not None
    window.preview.show_item(replace(item, read_only=False))
    settle(qtbot)
    assert not window.preview.duplicate_button.isVisible()
    assert window.preview.buttons.sizeHint().width() < window.preview.buttons.width()


def special_rows_cut(window: MainWindow) -> list[str]:
    tree = window.tree
    problems = []
    option = QStyleOptionViewItem()
    tree.initViewItemOption(option)
    for item in tree._specials:
        index = tree.indexFromItem(item, 0)
        cell = QStyleOptionViewItem(option)
        tree.itemDelegate().initStyleOption(cell, index)
        cell.rect = tree.visualRect(index)
        text_rect = tree.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, cell, tree)
        advance = tree.fontMetrics().horizontalAdvance(item.text(0))
        if advance > text_rect.width():
            problems.append(f"{item.text(0)!r}: {advance} > {text_rect.width()}")
        count = tree.visualRect(tree.indexFromItem(item, 1))
        if count.right() > tree.viewport().width():
            problems.append(f"{item.text(0)!r}: count outside the tree")
    return problems


@pytest.mark.parametrize(("language", "size"), LOOKS)
def test_tree_shows_the_special_scopes_whole(qtbot, window, looked, shot, language: str, size: int) -> None:  # type: ignore[no-untyped-def]
    """ "Recently used" showed as "Recently …" at 14 pt: the tree is at least as wide as they need."""
    looked(language, size)
    settle(qtbot)
    # Dragged as narrow as it goes.
    sizes = window.h_split.sizes()
    window.h_split.setSizes([0, sizes[0] + sizes[1], sizes[2]])
    settle(qtbot)
    assert window.tree.width() == window.tree.minimumWidth()
    assert special_rows_cut(window) == []
    shot(window.tree, f"tree-{language}-{size or 'default'}")


def test_tree_width_follows_the_font_and_names_keep_their_path(qtbot, window, looked) -> None:  # type: ignore[no-untyped-def]
    looked("en", 9)
    small = window.tree.minimumWidth()
    looked("en", max(FONT_SIZES))
    assert window.tree.minimumWidth() > small
    looked("en", 9)
    assert window.tree.minimumWidth() == small
    # A long category name may end in "…" in a narrow tree: its tooltip has the whole path.
    for item in window.tree._category_items():
        assert item.toolTip(0).endswith(item.text(0))


def test_tree_icons_grow_with_the_font(qtbot, window, looked) -> None:  # type: ignore[no-untyped-def]
    """16 px icons beside 14 pt names looked like specks: the icons follow the text's height."""

    def drawn_px() -> set[int]:
        tree = window.tree
        sizes = set()
        for item in [*tree._specials, *tree._category_items()]:
            pixmap = item.icon(0).pixmap(tree.iconSize())
            sizes.add(round(pixmap.width() / pixmap.devicePixelRatio()))
        return sizes

    looked("zh_CN", 9)
    small = window.tree.iconSize().width()
    assert drawn_px() == {small}
    looked("zh_CN", max(FONT_SIZES))
    settle(qtbot)
    large = window.tree.iconSize().width()
    assert large > small
    assert large >= window.tree.fontMetrics().height() * 0.8
    assert drawn_px() == {large}  # rendered at that size, not a small bitmap scaled up
    row = window.tree.visualItemRect(window.tree._specials[0])
    assert row.height() >= large


@pytest.mark.parametrize(("language", "size"), LOOKS)
def test_settings_show_every_text_whole(
    qtbot, active, window, looked, shot, language: str, size: int
) -> None:  # type: ignore[no-untyped-def]
    looked(language, size)
    active(window)
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    for page in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(page)
        settle(qtbot)
        assert clipped_texts(dialog) == [], page
        assert_scrolls_if_cut(dialog)
        shot(dialog, f"settings-{page}-{language}-{size or 'default'}")
    dialog.reject()


def test_settings_fit_a_small_screen_by_scrolling(qtbot, active, window, looked) -> None:  # type: ignore[no-untyped-def]
    """A laptop screen at 20 pt: the dialog stays on it and its General page scrolls, nothing is squeezed."""
    looked("en", max(FONT_SIZES))
    active(window)
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.resize(dialog.width(), dialog.minimumHeight())
    settle(qtbot)
    area = dialog.tabs.currentWidget()
    assert isinstance(area, QScrollArea)
    assert area.verticalScrollBar().isVisible()
    assert dialog.minimumHeight() < 600
    assert clipped_texts(dialog) == []
    dialog.reject()


def test_no_launcher_shows_the_folder_with_a_copy_button(qtbot, window, on_modal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """File › Open data folder did nothing where no launcher exists; now the path is shown and copied."""
    from huashu.gui import dialogs
    from huashu.gui.qt import QMessageBox, QUrl

    asked: list[QUrl] = []
    seen: dict[str, object] = {}

    def act(box: QMessageBox) -> None:
        seen["text"] = box.text() + "\n" + box.informativeText()
        seen["fits"] = clipped_texts(box)
        copy = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
        copy.click()

    def no_launcher(url: QUrl) -> bool:
        asked.append(url)
        return False

    QApplication.clipboard().clear()
    on_modal(QMessageBox, act)
    assert dialogs.open_folder(window, tmp_path, opener=no_launcher) is False
    assert asked == [QUrl.fromLocalFile(str(tmp_path))]
    assert str(tmp_path) in str(seen["text"])
    assert seen["fits"] == []
    qtbot.waitUntil(lambda: QApplication.clipboard().text() == str(tmp_path), timeout=3000)

    # Where a launcher opens it, nothing is asked.
    assert dialogs.open_folder(window, tmp_path, opener=lambda url: True) is True
    assert QApplication.activeModalWidget() is None


def test_the_search_placeholder_is_never_cut(qtbot, window, looked) -> None:  # type: ignore[no-untyped-def]
    """At 14 pt the key hints ran off the end as "Enter 使用 · E…": a shorter text is shown instead."""
    box = window.search_box
    window.resize(1240, 780)
    looked("zh_CN", 0)
    settle(qtbot)
    assert "Esc" in box.placeholderText()  # the default font has room for the key hints
    for size in (14, max(FONT_SIZES)):
        looked("zh_CN", size)
        settle(qtbot)
        room = box.width() - 2 * box.height()
        assert box.fontMetrics().horizontalAdvance(box.placeholderText()) <= room, size
        assert "/" in box.placeholderText()  # still says what to type
    looked("zh_CN", 0)
    settle(qtbot)
    assert "Esc" in box.placeholderText()  # back when there is room again
