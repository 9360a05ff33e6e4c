"""The article list shows each column's own content (one multiData call per cell)."""

from __future__ import annotations

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt

from annotator.ui.models import ArticleListModel

R = Qt.ItemDataRole


def test_cells_and_filters(open_window, qtbot):
    w = open_window()
    model = w.article_list.model
    # the delegate reuses one span for every cell: a role a cell lacks must be cleared
    icon = QModelRoleData(R.DecorationRole)
    model.multiData(model.index(1, ArticleListModel.STATUS), QModelRoleDataSpan(icon))
    assert icon.data() is not None
    model.multiData(model.index(1, ArticleListModel.OUTLET), QModelRoleDataSpan(icon))
    assert icon.data() is None
    text = QModelRoleData(R.DisplayRole)
    model.multiData(model.index(1, ArticleListModel.OUTLET), QModelRoleDataSpan(text))
    assert text.data() == "TASS"
    model.multiData(model.index(1, ArticleListModel.OPEN), QModelRoleDataSpan(text))
    assert text.data() == model.summary(1).open_suggestions
    # filters narrow the list; the current article stays selected when it is listed
    combo = w.article_list.outlet_filter
    combo.setCurrentIndex(combo.findData("TASS"))
    combo.activated.emit(combo.currentIndex())
    assert all(model.summary(r).outlet == "TASS" for r in range(model.rowCount()))
    w.article_list.search.setText("lavrov")
    qtbot.waitUntil(lambda: model.rowCount() == 1)
