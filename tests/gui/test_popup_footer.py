"""The quick popup's footer names what the keys do where the agent is: the list or the fill panel."""

from __future__ import annotations

import pytest

from huashu.gui import hotkeys, i18n, theme
from huashu.gui.companion import Companion
from huashu.gui.main_window import MainWindow
from huashu.gui.paste import Paster
from huashu.gui.qt import QApplication, QCoreApplication, Qt

LIST_KEYS = "↑↓ choose · Enter paste into the chat · Ctrl+1…9 · Esc close"
FILL_KEYS = "Enter next field, then paste · Ctrl+Enter paste now · Esc back to the list"


def keys(source: str) -> str:
    return QCoreApplication.translate("QuickPopup", source)


class NoPaste(Paster):
    name = "fake"

    def active_window(self) -> int:
        return 4242


def shown_text(label) -> str:  # type: ignore[no-untyped-def]
    """The footer as drawn: cut with … where it does not fit."""
    return label.fontMetrics().elidedText(
        label.text(), Qt.TextElideMode.ElideRight, label.contentsRect().width()
    )


@pytest.mark.parametrize(("language", "mode"), [("zh_CN", "light"), ("en", "dark")])
def test_the_footer_follows_the_list_and_the_fill_panel(
    qtbot, app: QApplication, window: MainWindow, shot, language: str, mode: str
) -> None:
    i18n.install_translators(app, language)
    theme.apply(app, mode, 0)
    c = Companion(window, backend=hotkeys.NullBackend("test"), paster=NoPaste(), use_paster=False, tray=False)
    try:
        popup = c.popup
        c.show_popup()
        qtbot.waitUntil(popup.isVisible)
        listing = popup.footer.text()
        assert listing == keys(LIST_KEYS)
        popup.search_box.setText("/tkjd")
        qtbot.waitUntil(lambda: popup.model.rowCount() > 0)
        qtbot.keyClick(popup.search_box, Qt.Key.Key_Return)
        assert popup.pages.currentWidget() is popup.fill
        filling = popup.footer.text()
        assert filling == keys(FILL_KEYS) and filling != listing
        assert "Ctrl+1…9" not in filling  # those choose from the list, not from the fields
        qtbot.wait(50)
        assert shown_text(popup.footer) == filling  # whole, the Esc part too
        shot(popup, f"popup-footer-{language}-{mode}-fill")

        # Esc does what the footer says, from a field and from the search box alike.
        field = next(iter(popup.fill.inputs.values()))
        qtbot.keyClick(field, Qt.Key.Key_Escape)
        assert popup.pages.currentWidget() is popup.list_page and popup.isVisible()
        assert popup.footer.text() == listing
        qtbot.keyClick(popup.search_box, Qt.Key.Key_Return)
        assert popup.pages.currentWidget() is popup.fill
        popup.search_box.setFocus()
        qtbot.keyClick(popup.search_box, Qt.Key.Key_Escape)
        assert popup.pages.currentWidget() is popup.list_page and popup.isVisible()
        shot(popup, f"popup-footer-{language}-{mode}-list")
        qtbot.keyClick(popup.search_box, Qt.Key.Key_Escape)  # on the list Esc closes, as it says
        assert not popup.isVisible()

        # A language change while filling in keeps the footer of the fill panel.
        c.show_popup()
        qtbot.keyClick(popup.search_box, Qt.Key.Key_Return)
        assert popup.pages.currentWidget() is popup.fill
        i18n.install_translators(app, "en" if language == "zh_CN" else "zh_CN")
        qtbot.waitUntil(lambda: popup.footer.text() == keys(FILL_KEYS))
        assert popup.footer.text() != keys(LIST_KEYS)
    finally:
        c.close()
