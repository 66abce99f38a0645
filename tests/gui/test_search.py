"""Searching as you type, keyboard navigation, scopes, and the input method owning Enter while composing."""

from __future__ import annotations

from huashu.gui.qt import QApplication, QInputMethodEvent, QKeySequence, QMenu, Qt, QTimer, QToolButton
from huashu.gui.search_panel import Scope, run_query


def test_focus_starts_in_the_search_box(window) -> None:
    assert QApplication.focusWidget() is window.search_box
    assert window.model.rowCount() == window.tree_data.total


def test_typing_a_query_updates_results(qtbot, idle, type_, window, shot) -> None:
    type_(window.search_box, "退款")
    idle(window)
    items = window.model.items()
    assert len(items) >= 5 and all("退款" in i.title for i in items[:5])
    assert all(i.matched for i in items[:5])  # the search says why a phrase matched
    assert window.results.currentIndex().row() == 0
    assert window.preview.item == items[0]
    assert "退款" in window.results_header.text()
    shot(window, "main-search")


def test_shortcut_and_pinyin_queries(qtbot, idle, type_, window) -> None:
    qtbot.keyClicks(window.search_box, "/dhwh")
    idle(window)
    assert window.model.item(0).title == "电话接入问候"
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, "tuikuan")
    idle(window)
    assert any("退款" in i.title for i in window.model.items())


def test_arrows_move_and_escape_clears(qtbot, idle, type_, window) -> None:
    type_(window.search_box, "物流")
    idle(window)
    assert window.model.rowCount() > 3
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert window.results.currentIndex().row() == 2
    assert window.preview.item == window.model.item(2)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Up)
    assert window.results.currentIndex().row() == 1
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == ""
    idle(window)
    assert window.model.rowCount() == window.tree_data.total


def test_the_clear_button_appears_with_text_and_clears_it(qtbot, idle, type_, window) -> None:
    box = window.search_box
    assert not box.clear_action.isVisible()
    type_(box, "物流")
    idle(window)
    assert box.clear_action.isVisible() and not box.clear_action.icon().isNull()
    # Click it where it is drawn: the line edit's trailing action button.
    (button,) = [b for b in box.findChildren(QToolButton) if b.defaultAction() is box.clear_action]
    # Both icons sit on the box's middle line (the style sheet's button rules once pushed them down).
    (glass,) = [b for b in box.findChildren(QToolButton) if b.defaultAction() is box.search_action]
    for side in (glass, button):
        assert abs(side.geometry().center().y() - box.rect().center().y()) <= 1, side.geometry()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert box.text() == "" and not box.clear_action.isVisible()
    idle(window)
    assert window.model.rowCount() == window.tree_data.total


def test_no_results_explains_what_to_try(qtbot, idle, type_, window) -> None:
    qtbot.keyClicks(window.search_box, "zzzzqqqq")
    idle(window)
    assert window.model.rowCount() == 0
    assert "没有找到" in window.results_header.text()
    assert "全部话术" not in window.results_header.text()  # already searching everything
    assert window.preview.item is None
    cat = next(c for c in window.tree_data.categories if c.path == "投诉处理")
    window.tree.select_scope(Scope("category", cat.id))
    idle(window)
    assert "投诉处理" in window.results_header.text() and "全部话术" in window.results_header.text()


def test_typing_in_the_list_goes_to_the_search_box(qtbot, idle, type_, window) -> None:
    # Pinyin letters typed while the list has focus land in the search box (the IME takes over there).
    window.results.setFocus()
    qtbot.keyClicks(window.results, "fp")
    assert window.search_box.text() == "fp"
    assert window.search_box.hasFocus()


def test_scopes_favorites_recent_and_category(qtbot, idle, type_, window, gui_lib) -> None:
    first = window.model.item(0)
    window.select_row(0)
    qtbot.keySequence(window, QKeySequence("Ctrl+D"))  # star it
    idle(window)
    window.tree.select_scope(Scope("favorites"))
    idle(window)
    assert [i.phrase_id for i in window.model.items()] == [first.phrase_id]
    assert window.tree_data.favorites == 1
    assert window.model.item(0).favorite

    cat = next(c for c in window.tree_data.categories if c.path == "投诉处理")
    window.tree.select_scope(Scope("category", cat.id))
    idle(window)
    assert window.model.rowCount() == window.tree_data.counts[cat.id]
    assert all(i.category.startswith("投诉处理") for i in window.model.items())
    type_(window.search_box, "退款")
    idle(window)
    assert all(i.category.startswith("投诉处理") for i in window.model.items())
    # A /shortcut names one phrase: it is found whatever category is selected, and the header says so.
    window.search_box.clear()
    type_(window.search_box, "/dhwh")
    idle(window)
    assert window.model.rowCount() and window.model.item(0).title == "电话接入问候"
    assert "投诉处理" not in window.results_header.text()
    # Compact mode hides the tree, so it searches everything.
    window.search_box.clear()
    window.compact.set_active(True)
    try:
        assert window.tree.current_scope() == Scope()
    finally:
        window.compact.set_active(False)


def test_stale_results_are_dropped(qtbot, idle, type_, window) -> None:
    # A burst of requests: only the newest one's results may be shown.
    for query in ("发", "发票", "发票抬", "发票抬头"):
        window.controller.request(query)
    idle(window)
    assert window.controller.last.query == "发票抬头"
    assert any("抬头" in i.title + i.text for i in window.model.items())


def test_browse_large_library_shows_recent_instead_of_everything(gui_lib) -> None:
    from huashu.gui import search_panel

    items, total, limited = run_query(gui_lib, "", Scope())
    assert total == gui_lib.count_phrases() and not limited and len(items) == total
    old = search_panel.BROWSE_ALL_MAX
    search_panel.BROWSE_ALL_MAX = 10
    try:
        gui_lib.record_use(items[5].phrase_id)
        items, total, limited = run_query(gui_lib, "", Scope())
        assert limited and [i.phrase_id for i in items] == [items[0].phrase_id]
    finally:
        search_panel.BROWSE_ALL_MAX = old


def _preedit(widget, text: str) -> None:
    event = QInputMethodEvent(text, [])
    QApplication.sendEvent(widget, event)


def _commit(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_enter_while_ime_composes_does_not_use_a_phrase(qtbot, idle, type_, window) -> None:
    type_(window.search_box, "感谢")
    idle(window)
    clipboard = QApplication.clipboard()
    clipboard.setText("untouched")
    _preedit(window.search_box, "tui")
    assert window.search_box.composing
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Down):
        qtbot.keyClick(window.search_box, key)
    qtbot.keyClick(window.search_box, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "untouched"
    assert window.side.currentWidget() is window.preview
    assert window.search_box.text() == "感谢"  # Esc did not clear the query either
    assert window.results.currentIndex().row() == 0  # Down belonged to the input method
    _commit(window.search_box, "退")
    assert not window.search_box.composing
    assert window.search_box.text() == "感谢退"


def test_enter_in_fill_field_while_composing_does_not_copy(qtbot, idle, type_, window) -> None:
    qtbot.keyClicks(window.search_box, "/dhwh")  # 电话接入问候: only [您的名字/工号]
    idle(window)
    window.ctx.profile = {}
    QApplication.clipboard().setText("untouched")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.side.currentWidget() is window.fill
    field = window.fill.inputs["您的名字/工号"]
    assert field.hasFocus()
    _preedit(field, "xiao")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert QApplication.clipboard().text() == "untouched"
    assert window.side.currentWidget() is window.fill
    _commit(field, "小王")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert QApplication.clipboard().text().startswith("您好，很高兴为您服务！我是小王")


def test_search_box_icons_follow_the_theme(app, window) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui import theme
    from huashu.gui.search_panel import SearchBox

    popup_like = SearchBox()  # the quick popup's box restyles itself too
    boxes = (window.search_box, popup_like)
    light = [(b.search_action.icon().pixmap(20).toImage(), b.clear_action.icon().pixmap(18).toImage()) for b in boxes]
    theme.apply(app, "dark", 0)
    dark = [(b.search_action.icon().pixmap(20).toImage(), b.clear_action.icon().pixmap(18).toImage()) for b in boxes]
    for (search_light, clear_light), (search_dark, clear_dark) in zip(light, dark, strict=True):
        assert search_light != search_dark and clear_light != clear_dark
    popup_like.deleteLater()


def test_style_sheet_waits_for_the_window_then_applies_once(app) -> None:  # type: ignore[no-untyped-def]
    from huashu.gui import theme

    theme.apply(app, "light", 0)
    light = app.styleSheet()
    with theme.stylesheet_later(app):
        assert app.styleSheet() == ""
        theme.apply(app, "dark", 0)  # a theme change meanwhile is what ends up applied
        with theme.stylesheet_later(app):
            pass
        assert app.styleSheet() == ""  # an inner block does not set it early
    assert app.styleSheet() not in ("", light)
    assert theme.colors().dark


def test_one_slow_search_does_not_send_every_later_one_to_the_worker(qtbot, idle, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    from huashu.gui import search_panel

    real = search_panel.run_query
    slow = [1]

    def maybe_slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        if slow[0]:
            slow[0] -= 1
            time.sleep(search_panel.SearchController.SYNC_BUDGET_MS / 1000 * 1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(search_panel, "run_query", maybe_slow)
    controller = window.controller
    idle(window)
    controller.request("tk")  # a hiccup: a cache filling
    assert controller.sync
    idle(window)
    controller.request("wl")
    assert controller.sync  # fast again: still answered at once on the GUI thread
    slow[0] = 2
    for query in ("fp", "th"):
        idle(window)
        controller.request(query)
    assert not controller.sync  # slow twice in a row: a slow disk or a huge library
    idle(window)
    controller.request("wlcx")  # on the worker now, and quick again (jieba loaded, disk awake)
    idle(window)
    assert controller.sync


def test_right_click_in_the_category_tree_offers_the_category_actions(qtbot, idle, window) -> None:
    """It used to end in an error dialog (the menu asked the window for a method it did not have)."""

    def menu_on_right_click(item) -> dict[str, bool]:  # type: ignore[no-untyped-def]
        seen: dict[str, bool] = {}

        def read_and_close() -> None:
            menu = QApplication.activePopupWidget()
            if not isinstance(menu, QMenu):
                QTimer.singleShot(20, read_and_close)
                return
            seen.update({a.text(): a.isEnabled() for a in menu.actions() if a.text()})
            menu.close()

        QTimer.singleShot(20, read_and_close)
        rect = window.tree.visualItemRect(item)
        window.tree.customContextMenuRequested.emit(rect.center())
        return seen

    cat = next(c for c in window.tree_data.categories if c.path == "投诉处理")
    window.tree.select_scope(Scope("category", cat.id))
    idle(window)
    seen = menu_on_right_click(window.tree.currentItem())
    names = window.actions_by_name
    for name in ("new_category", "new_subcategory", "rename_category", "delete_category", "new_phrase"):
        assert seen.get(names[name].text()) is True, (name, seen)
    window.tree.select_scope(Scope())  # 全部话术: not a category of its own
    idle(window)
    seen = menu_on_right_click(window.tree.currentItem())
    assert seen[names["new_category"].text()] is True
    assert seen[names["rename_category"].text()] is False and seen[names["delete_category"].text()] is False
    assert window.tree.current_scope() == Scope()
