"""File > Open team project (PostgreSQL URL)…: the dialog, the menu, remembered projects.

The last test opens a real server project in the window and needs ANNOTATOR_TEST_PG_URL (it
skips with the reason otherwise)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

from annotator.ui.open_server_dialog import OpenServerDialog, problem, with_password
from tests.pg_fixtures import needs_pg

URL = "postgresql://ann@db.example.org:5432/newsroom"


def test_with_password_and_problems():
    assert with_password(URL, "p@ss/w:rd") == "postgresql://ann:p%40ss%2Fw%3Ard@db.example.org:5432/newsroom"
    assert with_password("postgresql://ann:old@h/db", "new") == "postgresql://ann:new@h/db"
    assert with_password(URL, "") == URL
    assert problem(URL) == ""
    assert "postgresql://" in problem("/home/me/project.sqlite")
    assert "Name the database" in problem("postgresql://db.example.org")
    assert problem("")


def test_dialog_accepts_only_a_server_url(qtbot):
    dialog = OpenServerDialog("")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert not ok.isEnabled()
    dialog.url_edit.setText("project.sqlite")
    assert not ok.isEnabled() and "postgresql://" in dialog.hint.text()
    dialog.url_edit.setText(URL)
    dialog.password_edit.setText("secret")
    assert ok.isEnabled() and dialog.hint.text() == ""
    assert dialog.url() == "postgresql://ann:secret@db.example.org:5432/newsroom"


def test_settings_remember_a_server_project_without_its_password(settings, tmp_path):
    from annotator.store.server import ServerLocation

    settings.add_recent(ServerLocation("postgresql://ann:secret@db.example.org/newsroom"))
    settings.add_recent(tmp_path / "file.sqlite")
    recent = settings.recent_projects()
    assert recent == [(tmp_path / "file.sqlite").resolve(), "postgresql://ann@db.example.org/newsroom"]
    settings.add_recent("postgresql://ann:secret@db.example.org/newsroom")  # the same project again
    assert settings.recent_projects()[0] == "postgresql://ann@db.example.org/newsroom" and len(settings.recent_projects()) == 2
    assert settings.last_project == "postgresql://ann@db.example.org/newsroom"
    settings.sync()
    text = Path(settings._s.fileName()).read_text(encoding="utf-8")
    assert "secret" not in text


def test_app_passes_a_server_url_through(settings, monkeypatch, tmp_path):
    from annotator.ui.app import project_path

    assert project_path(URL, settings) == URL
    assert project_path(str(tmp_path / "x.sqlite"), settings) == tmp_path / "x.sqlite"
    monkeypatch.setenv("ANNOTATOR_DB", URL)
    assert project_path(None, settings) == URL
    settings.add_recent("postgresql://ann:pw@h/team")
    assert project_path(None, settings) == "postgresql://ann@h/team"


def test_file_menu_opens_the_dialog_and_switches(open_window, monkeypatch):
    window = open_window()
    action = window.actions["open_server"]
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()
    asked, opened = [], []
    monkeypatch.setattr(OpenServerDialog, "ask", staticmethod(lambda url="", parent=None: asked.append(url) or URL))
    monkeypatch.setattr(window, "switch_project", lambda path: opened.append(path) or True)
    action.trigger()
    assert opened == [URL]
    # a remembered team project reopens through the dialog (to type a password if needed)
    window._open_recent("postgresql://ann@h/team")
    assert asked[-1] == "postgresql://ann@h/team" and opened[-1] == URL


@needs_pg
def test_window_opens_a_server_project(open_window, pg_url, project_path):
    from annotator.store.server import ServerLocation

    window = open_window()
    assert window.switch_project(pg_url)
    loc = ServerLocation(pg_url)
    assert window.windowTitle().startswith(f"{loc.name} — annotator")
    assert window.settings.recent_projects()[0] == str(loc)
    assert window.project.path.url == pg_url
    from annotator.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window.project, annotator="tester", parent=window)
    assert dialog._default_path("jsonl") == str(Path.home() / f"{loc.dbname}-export.jsonl")
    dialog.close()
    assert window.switch_project(project_path)  # and back to a file
    assert window.windowTitle().startswith("project.sqlite")

