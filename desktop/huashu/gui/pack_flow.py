"""Installing team packs from the window: trust the publisher's key, preview what changes, apply, check channels."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path

from huashu.core.packs import PackError, PackPreview, PackUntrustedError, diff_segments
from huashu.gui import theme
from huashu.gui.context import AppContext
from huashu.gui.errors import in_ui_language
from huashu.gui.ops import OpError, Ops
from huashu.gui.qt import (
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QObject,
    Qt,
    QTextBrowser,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from huashu.gui.widgets import WrappingLabel, em, fit_to_screen
from huashu.storage import packs as store
from huashu.storage.library import Library

log = logging.getLogger(__name__)

# Leads publish a few times a week at most; a check every half hour is quick to notice and costs nothing.
CHANNEL_CHECK_MS = 30 * 60 * 1000
MAX_LISTED = 300


def _text_diff_html(old: str, new: str) -> str:
    """The old and the new text on two lines: removed text struck through on red in the old one,
    added text on green in the new one. One merged line of single changed characters ("预计124小时"
    for 24 → 12) does not read as either text."""
    c = theme.colors()
    if len(old) + len(new) > 6000:
        return html.escape(new)
    removed = (
        f'<span style="color:{c.error}; background-color:{c.missing_bg}; text-decoration:line-through;">'
        "{0}</span>"
    )
    added = f'<span style="color:{c.accent}; background-color:{c.accent_soft}; font-weight:600;">{{0}}</span>'
    before: list[str] = []
    after: list[str] = []
    for kind, text in diff_segments(old, new):
        piece = html.escape(text)
        if kind != "+":
            before.append(removed.format(piece) if kind == "-" else piece)
        if kind != "-":
            after.append(added.format(piece) if kind == "+" else piece)
    label = f'<span style="color:{c.muted};">{{0}}</span> '
    return (
        label.format(html.escape(QCoreApplication.translate("PackPreviewDialog", "Before:")))
        + "".join(before)
        + "<br>"
        + label.format(html.escape(QCoreApplication.translate("PackPreviewDialog", "After:")))
        + "".join(after)
    )


class TrustDialog(QDialog):
    """Asks whether to trust an unknown publisher, showing the key's fingerprint to compare with the lead's."""

    def __init__(self, error: PackUntrustedError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packTrust")
        self.setWindowTitle(self.tr("Unknown publisher"))
        # Asks for every wrapped line as its minimum: the window cannot hide the advice behind the buttons.
        text = WrappingLabel()
        text.setObjectName("trustText")
        text.setTextFormat(Qt.TextFormat.RichText)
        self.text = text
        rows = (
            (self.tr("Pack"), error.pack_name),
            (self.tr("Publisher"), error.publisher),
            (self.tr("Key fingerprint"), error.fingerprint),
        )
        table = "".join(
            f"<tr><td style='padding-right:12px;'>{html.escape(k)}</td><td><b>{html.escape(v)}</b></td></tr>"
            for k, v in rows
        )
        text.setText(
            "<p>"
            + html.escape(self.tr("This team pack is signed by a key this library does not trust yet."))
            + f"</p><table>{table}</table><p>"
            + html.escape(
                self.tr(
                    "Compare the fingerprint with the one your team lead gave you. Trust it only if they match: "
                    "packs from this publisher will then install without asking again."
                )
            )
            + "</p>"
        )
        buttons = QDialogButtonBox()
        self.trust_button = buttons.addButton(self.tr("Trust and continue"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.trust_button.setAutoDefault(False)
        # Enter must not trust a key: the safe answer is the default, trusting takes a deliberate click.
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        # Sized for its text in the font and language in use (it stayed 560×300 and cut the advice
        # off at 14 pt in English); wider with a larger font so lines stay a comfortable length.
        fit_to_screen(self, max(560, em(self, 26)))


class PackPreviewDialog(QDialog):
    """What installing or updating the pack will do, before anything is written: apply or cancel."""

    def __init__(self, preview: PackPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packPreview")
        self.preview = preview
        m = preview.manifest
        self.setWindowTitle(self.tr("Team pack"))
        title = WrappingLabel()
        title.setObjectName("sectionTitle")
        if preview.is_update:
            title.setText(
                self.tr("Update “{0}” from v{1} to v{2}").format(m.name, preview.installed_version, m.version)
            )
        else:
            title.setText(self.tr("Install “{0}” v{1}").format(m.name, m.version))
        summary = WrappingLabel()
        summary.setText(
            self.tr("{0} new · {1} changed · {2} removed · {3} unchanged · publisher {4}").format(
                len(preview.added), len(preview.changed), len(preview.removed), preview.unchanged, m.publisher
            )
        )
        summary.setObjectName("muted")
        self.body = QTextBrowser()
        self.body.setObjectName("packDetails")
        self.body.setHtml(self._details())
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton(
            self.tr("Update") if preview.is_update else self.tr("Install"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.apply_button.setProperty("primary", True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addWidget(self.body, 1)
        layout.addWidget(buttons)
        # The list scrolls; the window grows with the font (a pixel size made it cramped at 20 pt).
        fit_to_screen(self, max(720, em(self, 32)), max(560, em(self, 24)))
        self.apply_button.setFocus()

    def _details(self) -> str:
        p = self.preview
        c = theme.colors()
        out: list[str] = []

        def heading(text: str, count: int, color: str) -> None:
            out.append(f'<h4 style="color:{color};">{html.escape(text)} ({count})</h4>')

        def item(category: str, title: str, extra: str = "") -> str:
            where = f'<span style="color:{c.muted};">{html.escape(category)} › </span>'
            return f"<li>{where}<b>{html.escape(title)}</b>{extra}</li>"

        if p.changed:
            heading(self.tr("Changed"), len(p.changed), c.warning)
            out.append("<ul>")
            for change in p.changed[:MAX_LISTED]:
                extra = ""
                if "text" in change.fields:
                    extra += "<br>" + _text_diff_html(change.old.phrase.text, change.new.text)
                others = [f for f in change.fields if f != "text"]
                if others:
                    extra += (
                        f'<br><span style="color:{c.muted};">' + html.escape(", ".join(others)) + "</span>"
                    )
                if change.keeps_personal_copy:
                    extra += (
                        f'<br><i style="color:{c.info};">'
                        + html.escape(
                            self.tr("You edited this phrase: your version is kept as a personal phrase.")
                        )
                        + "</i>"
                    )
                out.append(item(change.new.category, change.new.title, extra))
            out.append("</ul>")
        if p.added:
            heading(self.tr("New"), len(p.added), c.accent)
            out.append("<ul>" + "".join(item(a.category, a.title) for a in p.added[:MAX_LISTED]) + "</ul>")
        if p.removed:
            heading(self.tr("Removed"), len(p.removed), c.error)
            out.append("<ul>")
            for removal in p.removed[:MAX_LISTED]:
                extra = ""
                if removal.keep:
                    extra = (
                        f' <i style="color:{c.info};">'
                        + html.escape(self.tr("(a favourite or edited: moves to your personal phrases)"))
                        + "</i>"
                    )
                out.append(item(removal.old.phrase.category, removal.old.phrase.title, extra))
            out.append("</ul>")
        if p.rules_changed_any:
            heading(
                self.tr("Forbidden-phrase rules"),
                len(p.rules_added) + len(p.rules_changed) + len(p.rules_removed),
                c.info,
            )
            out.append(
                "<p>"
                + html.escape(
                    self.tr("{0} new, {1} changed, {2} removed").format(
                        len(p.rules_added), len(p.rules_changed), len(p.rules_removed)
                    )
                )
                + "</p>"
            )
        if p.synonyms_changed_any:
            heading(self.tr("Search synonyms"), len(p.synonyms_added) + len(p.synonyms_removed), c.info)
        if p.shortcuts_moved:
            heading(self.tr("Shortcuts that now open the team's phrase"), len(p.shortcuts_moved), c.info)
            out.append("<ul>")
            for move in p.shortcuts_moved[:MAX_LISTED]:
                kept = self.tr("“{0}”, kept as your personal phrase, no longer uses it").format(
                    move.kept.phrase.title
                )
                out.append(
                    f"<li><b>{html.escape(move.shortcut)}</b> → {html.escape(move.to.title)}"
                    f'<br><span style="color:{c.muted};">{html.escape(kept)}</span></li>'
                )
            out.append("</ul>")
        if p.reclaimed:
            heading(
                self.tr("Phrases you kept that return to the pack (not duplicated)"), len(p.reclaimed), c.muted
            )
            out.append(
                "<ul>" + "".join(item(r.new.category, r.new.title) for r in p.reclaimed[:MAX_LISTED]) + "</ul>"
            )
        if p.shortcuts_dropped:
            heading(
                self.tr("Shortcuts you already use (the pack's are left out)"),
                len(p.shortcuts_dropped),
                c.muted,
            )
            out.append(
                "<ul>"
                + "".join(
                    item(d.category, d.title, f" <code>{html.escape(d.shortcut or '')}</code>")
                    for d in p.shortcuts_dropped[:MAX_LISTED]
                )
                + "</ul>"
            )
        if not out:
            out.append("<p>" + html.escape(self.tr("Nothing changes in your library.")) + "</p>")
        out.append(
            f'<p style="color:{c.muted};">'
            + html.escape(
                self.tr("A backup of your library is taken first. Your personal phrases are never touched.")
            )
            + "</p>"
        )
        return "".join(out)


class PackFlow(QObject):
    """Install or update a pack: verify and preview on the worker, ask, then apply in one transaction.

    Channel checks and downloads run on a second worker of their own: a slow network drive or
    HTTPS server must never queue the agent's search behind it. Only their short reads and writes
    of the library go through the library worker.
    """

    installed = Signal(object)  # ApplyResult
    failed = Signal(str)
    updates_found = Signal(list)  # list[AvailableUpdate] not offered before in this session
    up_to_date = Signal()  # a check the agent asked for found nothing new

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.io = Ops(ctx.lib, self)  # its jobs never touch the library they are handed
        self.dialog: QDialog | None = None
        self.running = False
        self.available: list[store.AvailableUpdate] = []
        # (pack id, version) of channel updates offered, and of those the agent declined or that
        # failed: a declined update is not pushed at the agent again every half hour.
        self.offered: set[tuple[str, int]] = set()
        self.declined: set[tuple[str, int]] = set()
        self._from_channel: tuple[str, int] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHANNEL_CHECK_MS)
        self.timer.timeout.connect(self.check_channels)

    # -- installing a file -----------------------------------------------------------------------

    def start(self, path: Path, trust: str | None = None) -> bool:
        if self.running:
            return False
        self.running = True

        def op(lib: Library) -> store.PendingInstall | PackError:
            try:
                return store.preview_file(lib, path, trust=trust)
            except PackError as exc:
                # A pack refused (an unknown key above all, which only asks the agent) is an answer
                # about the file, worded for the agent: a failed op would log it with a traceback.
                return exc

        def previewed(result: store.PendingInstall | PackError) -> None:
            if isinstance(result, PackError):
                self._refused(path, result)
            else:
                self._previewed(result)

        self.ctx.ops.run(op, previewed, self._preview_failed)
        return True

    def _finish(self, *, declined: bool = False) -> None:
        self.running = False
        if declined and self._from_channel is not None:
            self.declined.add(self._from_channel)
            self.available = [u for u in self.available if (u.pack_id, u.version) not in self.declined]
        self._from_channel = None

    def _show(self, dialog: QDialog, decided: Callable[[int], None]) -> None:
        self.dialog = dialog
        dialog.finished.connect(decided)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _refused(self, path: Path, exc: PackError) -> None:
        if isinstance(exc, PackUntrustedError):

            def decided(result: int) -> None:
                if result == QDialog.DialogCode.Accepted:
                    self.running = False
                    self.start(path, trust=exc.public_key)
                else:
                    log.info(
                        "team pack %s not installed: its key %s was not trusted", path.name, exc.fingerprint
                    )
                    self._finish(declined=True)

            self._show(TrustDialog(exc, self.window), decided)
            return
        log.info("team pack %s refused: %s", path.name, exc)
        self._finish(declined=True)
        self.failed.emit(in_ui_language(exc))

    def _preview_failed(self, error: OpError) -> None:
        self._finish(declined=True)
        self.failed.emit(error.message)

    def _previewed(self, pending: store.PendingInstall) -> None:
        def decided(result: int) -> None:
            if result != QDialog.DialogCode.Accepted:
                self._finish(declined=True)
                return
            self.ctx.ops.run(lambda lib: store.apply_install(lib, pending), self._applied, self._apply_failed)

        try:
            self._show(PackPreviewDialog(pending.preview, self.window), decided)
        except Exception:
            self._finish()
            raise

    def _applied(self, result: store.ApplyResult) -> None:
        self._finish()
        self.available = [u for u in self.available if u.pack_id != result.preview.manifest.id]
        self.installed.emit(result)

    def _apply_failed(self, error: OpError) -> None:
        self._finish(declined=True)
        self.failed.emit(error.message)

    # -- channels --------------------------------------------------------------------------------

    def start_checking(self) -> None:
        """Check the configured channels now and then periodically (nothing if there are none)."""
        self.check_channels()
        self.timer.start()

    def check_channels(self, *, asked: bool = False) -> None:
        """Look for new packs; `asked` (the menu command) offers declined ones again and says when
        there is nothing new, where the periodic check stays quiet."""

        def planned(plan: store.ChannelPlan) -> None:
            if plan.channels:
                self.io.run(lambda _lib: store.scan_channels(plan), scanned, lambda _error: None)
            elif asked:
                self.up_to_date.emit()

        def scanned(results: list[store.ChannelCheck]) -> None:
            self.ctx.ops.run(lambda lib: store.record_checks(lib, results), None, lambda _error: None)
            self._checked([u for check in results for u in check.updates], asked=asked)

        self.ctx.ops.run(store.channel_plan, planned, lambda _error: None)

    def _checked(self, updates: list[store.AvailableUpdate], *, asked: bool = False) -> None:
        if asked:
            self.declined.clear()
            self.offered.clear()
            if not updates:
                self.up_to_date.emit()
        self.available = [u for u in updates if (u.pack_id, u.version) not in self.declined]
        new = [u for u in self.available if (u.pack_id, u.version) not in self.offered]
        self.offered.update((u.pack_id, u.version) for u in new)
        if new:
            self.updates_found.emit(new)

    def install_available(self) -> bool:
        """Preview the first available update (fetching it first for an HTTPS channel)."""
        if not self.available or self.running:
            return False
        update = self.available[0]
        key = (update.pack_id, update.version)
        if update.path is not None:
            started = self.start(update.path)
            self._from_channel = key if started else None
            return started
        self.running = True
        self._from_channel = key

        def fetched(path: Path) -> None:
            self.running = False
            if self.start(path):
                self._from_channel = key

        def fetch_failed(error: OpError) -> None:
            self._finish(declined=True)
            self.failed.emit(error.message)

        self.io.run(lambda _lib: store.fetch_update(update), fetched, fetch_failed)
        return True
