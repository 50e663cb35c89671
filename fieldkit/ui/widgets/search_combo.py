"""An editable combo box whose list filters as you type, ignoring case and Vietnamese diacritics.

"dak mar" finds "Xã Đăk Mar"; the folding is the domain's (`fieldkit.domain.names.fold`), so what the list
shows and what validation accepts agree.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from fieldkit.domain.names import fold

FOLDED = Qt.ItemDataRole.UserRole + 10


class _FoldedFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.query = ""

    def set_query(self, text: str) -> None:
        self.query = fold(text)
        self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802 - Qt name
        if not self.query:
            return True
        index = self.sourceModel().index(row, 0, parent)
        return self.query in (self.sourceModel().data(index, FOLDED) or "")


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
        self.lineEdit().textEdited.connect(self._filter)

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
