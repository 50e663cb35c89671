"""Approval by a supervisor bound to a PKCS#11 token: ask the PIN, then sign and seal off the UI thread.

The PIN lives in this call only: it goes to the token's login on the BackgroundRunner and is dropped; the
Qt dialog's text is cleared. Token failures come back as `TokenError`, whose Vietnamese/English message
fieldkit.ui.messages.user_message shows (wrong PIN, locked PIN, token missing or removed, someone else's or an
expired certificate).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget


def needs_token(kit_session) -> bool:
    return bool(kit_session is not None and kit_session.kit.token_certificate)


def ask_pin(parent: QWidget) -> str | None:
    """The token PIN typed by the supervisor, or None if they cancelled."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("tokenPinDialog")
    dialog.setWindowTitle(QCoreApplication.translate("TokenApproval", "Signing token"))
    dialog.setLabelText(QCoreApplication.translate("TokenApproval", "Token PIN (your signing certificate):"))
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    accepted = dialog.exec()
    pin = dialog.textValue()
    dialog.setTextValue("")
    return pin if accepted and pin else None


def approve_job(ctx, record_ids: list[str], pin: str):
    """A job for ctx.runner: one token login, each record approved with it (refs in order)."""
    from fieldkit.security.token_binding import open_signer_for

    session = ctx.kit_session

    def job():
        with open_signer_for(session.kit, ctx.settings, pin) as signer:
            return [session.approve(rid, cosigner=signer) for rid in record_ids]
    return job
