"""Log in: user name and passphrase unlock that user's key slot (Argon2id, off the UI thread).

Failed attempts are throttled by the core (fieldkit.security.throttle); the page shows the wait it reports.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from fieldkit.ui.context import AppContext
from fieldkit.ui.messages import user_message


class LoginPage(QWidget):
    logged_in = Signal()

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.user = QLineEdit()
        self.user.setObjectName("loginUser")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("loginPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.button = QPushButton()
        self.button.setObjectName("loginButton")
        self.button.setDefault(True)
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.user_label, self.pass_label = QLabel(), QLabel()
        form = QFormLayout()
        form.addRow(self.user_label, self.user)
        form.addRow(self.pass_label, self.passphrase)
        box = QWidget()
        box.setMaximumWidth(560)
        col = QVBoxLayout(box)
        col.addWidget(self.title)
        col.addWidget(self.hint)
        col.addLayout(form)
        col.addWidget(self.button)
        col.addWidget(self.error)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.button.clicked.connect(self.submit)
        self.user.returnPressed.connect(self.passphrase.setFocus)
        self.passphrase.returnPressed.connect(self.submit)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Log in"))
        self.hint.setText(self.tr("Each person logs in with their own name and passphrase. "
                                  "The kit locks itself when nobody uses it."))
        self.user_label.setText(self.tr("User name"))
        self.pass_label.setText(self.tr("Passphrase"))
        self.button.setText(self.tr("Log in"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def reset(self, message: str = "") -> None:
        self.passphrase.clear()
        self.error.setText(message)
        self.button.setEnabled(True)
        (self.passphrase if self.user.text() else self.user).setFocus()

    def submit(self) -> None:
        if not self.button.isEnabled():
            return
        name, secret = self.user.text().strip(), self.passphrase.text()
        if not name or not secret:
            self.error.setText(self.tr("Type your user name and passphrase."))
            return
        if not self.ctx.kit_ready():
            self.error.setText(self.tr("This kit is not set up yet: a technician runs `fieldkit init` first."))
            return
        self.button.setEnabled(False)
        self.error.setText(self.tr("Checking…"))
        service = self.ctx.open_service()
        self.ctx.runner.run(service.unlock, name, secret, on_success=self._unlocked, on_failure=self._failed)

    def _unlocked(self, kit_session) -> None:
        self.passphrase.clear()
        self.error.clear()
        self.button.setEnabled(True)
        self.ctx.logged_in(kit_session)
        self.logged_in.emit()

    def _failed(self, exc: BaseException) -> None:
        from fieldkit.security.throttle import Throttled
        self.passphrase.clear()
        self.button.setEnabled(True)
        if isinstance(exc, Throttled):
            self.error.setText(self.tr("Too many wrong attempts. Try again in %1 seconds.")
                               .replace("%1", str(int(exc.seconds_left + 0.999))))
        elif type(exc).__name__ == "BadPassphrase":
            self.error.setText(self.tr("Wrong user name or passphrase."))
        else:
            self.error.setText(self.tr("Cannot log in: %1").replace("%1", user_message(exc)))
        self.passphrase.setFocus()
