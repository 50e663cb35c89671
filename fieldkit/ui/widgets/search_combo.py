"""An editable combo box whose list filters as you type, ignoring case and Vietnamese diacritics.

"dak mar" finds "Xã Đăk Mar"; the folding is the domain's (`fieldkit.domain.names.fold`), so what the list
shows and what validation accepts agree.

Keyboard: type, then Enter or Tab takes the highlighted suggestion, or else the single (or exact) match of
what was typed; Escape closes the list. When the suggestion list closes, the window takes the keyboard back: some
window systems (and Qt's offscreen platform) leave the suggestion popup as the active window after it hides,
which would strand the officer's next key press.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QComboBox, QCompleter, QListView

from fieldkit.domain.names import fold

FOLDED = Qt.ItemDataRole.UserRole + 10


class _FoldedFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.query = ""

    def set_query(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):   # Qt ≥ 6.10; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.query = fold(text)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.query = fold(text)
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802 - Qt name
        if not self.query:
            return True
        index = self.sourceModel().index(row, 0, parent)
        return self.query in (self.sourceModel().data(index, FOLDED) or "")


class _SuggestionList(QListView):
    """The completer's popup, telling when it hides and when its window first exists."""

    hidden = Signal()
    first_shown = Signal()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            self.first_shown.emit()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().hideEvent(event)
        self.hidden.emit()


class SearchCombo(QComboBox):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._proxy = _FoldedFilter(self)
        self._proxy.setSourceModel(self.model())
        completer = QCompleter(self._proxy, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated[str].connect(self.choose_text)
        self.setCompleter(completer)
        popup = _SuggestionList()
        completer.setPopup(popup)
        popup.hidden.connect(lambda: QTimer.singleShot(0, self._take_focus_back))
        popup.first_shown.connect(lambda: popup.windowHandle().activeChanged.connect(self._popup_activation_changed))
        self.lineEdit().textEdited.connect(self._filter)
        # Enter, Tab or a click elsewhere settles what was typed on a real item ("dak lak" → "Đắk Lắk").
        self.lineEdit().editingFinished.connect(self.accept_typed)

    def _popup_activation_changed(self) -> None:
        """A late activation of the hidden suggestion list (it arrives after the list closed): undo it."""
        popup = self.completer().popup() if self.completer() else None
        if popup is not None and not popup.isVisible() and popup.windowHandle().isActive():
            QTimer.singleShot(0, self._take_focus_back)

    def _take_focus_back(self) -> None:
        popup = self.completer().popup() if self.completer() else None
        window = self.window()
        if popup is None or popup.isVisible() or not window.isVisible():
            return
        if QApplication.activeWindow() is not window:
            window.activateWindow()
        if QApplication.focusWidget() is None or QApplication.focusWidget() is popup:
            # Where the keyboard was last in this window: the box itself, or wherever Tab or a page change took it.
            target = window.focusWidget()
            if target is None or target is popup:
                target = self
            target.setFocus(Qt.FocusReason.PopupFocusReason)

    def set_items(self, items: list[tuple[str, object]]) -> None:
        """(display text, data) pairs; the folded text is stored for filtering."""
        self.blockSignals(True)
        self.clear()
        for text, data in items:
            self.addItem(text, data)
            self.setItemData(self.count() - 1, fold(text), FOLDED)
        self.setCurrentIndex(-1)
        self.blockSignals(False)

    def _filter(self, text: str) -> None:
        self._proxy.set_query(text)
        if text:
            self.completer().complete()

    def matches(self, text: str) -> list[str]:
        """Display texts the filter keeps for `text` (what the popup shows)."""
        self._proxy.set_query(text)
        return [self._proxy.data(self._proxy.index(r, 0)) for r in range(self._proxy.rowCount())]

    def choose_text(self, text: str) -> None:
        index = self.findText(text)
        if index >= 0:
            self.setCurrentIndex(index)

    def accept_typed(self) -> bool:
        """Pick the single (or exact) match of what was typed; True if the box now holds a real item."""
        text = self.currentText()
        if self.findText(text) >= 0:
            self.choose_text(text)
            return True
        found = self.matches(text)
        exact = [m for m in found if fold(m) == fold(text)]
        pick = exact[0] if len(exact) == 1 else found[0] if len(found) == 1 else None
        if pick is None:
            return False
        self.choose_text(pick)
        return True
