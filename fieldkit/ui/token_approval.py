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


def approve_each_job(ctx, record_ids: list[str], pin: str | None):
    """A job for ctx.runner approving a batch: with a PIN, ONE token login signs every record; without, the
    supervisor's software key. A record that fails does not stop the others: returns (approved, [(id, error)]).
    A failed token login (wrong or locked PIN, no token) fails the whole job before anything is signed."""
    session = ctx.kit_session

    def each(approve) -> tuple[int, list]:
        ok, failed = 0, []
        for rid in record_ids:
            try:
                approve(rid)
                ok += 1
            except Exception as exc:  # noqa: BLE001 - one bad record must not stop the batch; each is reported
                failed.append((rid, exc))
        return ok, failed

    def job():
        if pin is None:
            return each(session.approve)
        from fieldkit.security.token_binding import open_signer_for
        with open_signer_for(session.kit, ctx.settings, pin) as signer:
            return each(lambda rid: session.approve(rid, cosigner=signer))
    return job
