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


def test_outlet_and_date_columns_show_only_when_articles_have_them(open_window, tmp_path):
    """CSV bodies have no outlet or date: those columns give their width to the title."""
    from annotator.services.importing import CsvOptions, import_paths
    from annotator.store import open_project

    seeded = open_window()  # the seeds name their outlets but carry no dates
    assert not seeded.article_list.table.isColumnHidden(ArticleListModel.OUTLET)
    assert seeded.article_list.table.isColumnHidden(ArticleListModel.DATE)

    src = tmp_path / "bodies.csv"
    src.write_text('Body ID,articleBody\n1,"Officials said the talks would resume on Monday."\n', encoding="utf-8")
    path = tmp_path / "bodies.sqlite"
    with open_project(path) as project:
        import_paths(project, [src], csv=CsvOptions(text_column="articleBody", id_column="Body ID"))
    w = open_window(path=path)
    table = w.article_list.table
    assert table.isColumnHidden(ArticleListModel.OUTLET) and table.isColumnHidden(ArticleListModel.DATE)
    assert not table.isColumnHidden(ArticleListModel.TITLE)
    # an import that brings outlets and dates shows the columns again
    dated = tmp_path / "dated.csv"
    dated.write_text(
        'text,outlet,date\n"The ministry said the border was closed.",Reuters,2015-03-01\n', encoding="utf-8"
    )
    with open_project(path) as project:
        import_paths(project, [dated], csv=CsvOptions(text_column="text"))
    w.article_list.refresh_outlets(w.bench.query)
    assert not table.isColumnHidden(ArticleListModel.OUTLET) and not table.isColumnHidden(ArticleListModel.DATE)
