"""File > Open team project (PostgreSQL URL)…: where the team's shared project lives.

Asks for a ``postgresql://user@host:5432/dbname`` URL and, optionally, a password. The password
is only put into the URL handed to :func:`annotator.store.open_project` for this connection; it
is never stored (the recent-projects list keeps the URL without it). Without a password libpq
uses ``~/.pgpass`` or ``$PGPASSWORD``. Opening itself (and its error messages) is the main
window's :meth:`switch_project`.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.store.server import ServerLocation, is_server_url

PLACEHOLDER = "postgresql://analyst@db.example.org:5432/newsroom"


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` in its user part (replacing one that is there)."""
    if not password:
        return url
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0] if "@" in parts.netloc else ""
    netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def problem(url: str) -> str:
    """Why ``url`` cannot be a team project's address ("" if it can)."""
    url = url.strip()
    if not url:
        return "Enter the address of the team's PostgreSQL database."
    if not is_server_url(url):
        return "The address starts with postgresql:// (or postgres://)."
    try:
        loc = ServerLocation(url)
    except ValueError as exc:
        return str(exc)
    if not urlsplit(url).path.strip("/"):
        return f"Name the database at the end: postgresql://{loc.host}/DBNAME"
    return ""


class OpenServerDialog(QDialog):
    """The URL (and an optional password) of a team project on a PostgreSQL server."""

    def __init__(self, url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("open_server_dialog")
        self.setWindowTitle("Open team project")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "A team project lives in a PostgreSQL database that everyone labels in at the same time "
            "(no merging of files). Ask whoever set up the server for its address.",
            self,
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.url_edit = QLineEdit(url, self)
        self.url_edit.setObjectName("server_url")
        self.url_edit.setPlaceholderText(PLACEHOLDER)
        self.url_edit.setClearButtonEnabled(True)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("server_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("only if ~/.pgpass or $PGPASSWORD does not have it")
        form.addRow("&Address:", self.url_edit)
        form.addRow("&Password:", self.password_edit)
        self.hint = QLabel(self)
        self.hint.setObjectName("server_hint")
        self.hint.setWordWrap(True)
        note = QLabel("The password is used for this connection only and never saved.", self)
        note.setWordWrap(True)
        note.setEnabled(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.url_edit.textChanged.connect(self._validate)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self._validate(url)
        self.resize(560, self.sizeHint().height())

    def _validate(self, text: str) -> None:
        why = problem(text)
        self.hint.setText(why if text.strip() else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(not why)

    def url(self) -> str:
        """The URL to connect with (the password in it, if one was typed)."""
        return with_password(self.url_edit.text().strip(), self.password_edit.text())

    @staticmethod
    def ask(url: str = "", parent: QWidget | None = None) -> str | None:
        dialog = OpenServerDialog(url, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted and not problem(dialog.url_edit.text()):
            return dialog.url()
        return None
