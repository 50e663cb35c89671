"""Demographics: prefill from the old card's QR (reader or pasted text), then the form with live validation.

Validation messages come from the domain (fieldkit.domain.validation, vi/en texts) and are shown under the
field they concern, in the current language, once the officer has left the field (a blank form shows no ⛔
before anything is typed), for every field the card filled, and for all fields after Next or when a saved
draft is continued. Date and card-QR errors are the domain's texts in the current language
(fieldkit.domain.messages.localized), re-rendered on a language switch.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from fieldkit.domain.card_qr import QrParseError, parse_card_qr
from fieldkit.domain.dates import DateFormatError, parse_partial_date
from fieldkit.domain.ethnicities import ETHNIC_GROUPS
from fieldkit.domain.messages import localized, render
from fieldkit.domain.names import normalize_name
from fieldkit.domain.record import Guardian, Sex
from fieldkit.domain.units import find_province, provinces
from fieldkit.ui.bridge import FutureWatcher
from fieldkit.ui.messages import user_message
from fieldkit.ui.widgets.search_combo import SearchCombo

# Field keys (also the objectName suffix) → the validation paths they show.
FIELDS = ("birth_name", "other_names", "personal_id", "cmnd", "date_of_birth", "sex", "ethnicity", "religion",
          "nationality", "birth_registration_province", "province", "commune", "street", "hometown",
          "guardian_name", "guardian_id", "guardian_relationship", "phone")
PATHS = {"province": "demographics.residence.province", "commune": "demographics.residence.commune",
         "street": "demographics.residence.street", "guardian_name": "demographics.guardian",
         "guardian_id": "demographics.guardian.personal_id",
         "guardian_relationship": "demographics.guardian.relationship"}


def path_of(key: str) -> str:
    return PATHS.get(key, f"demographics.{key}")


class DemographicsForm(QWidget):
    changed = Signal()

    def __init__(self, controller, ctx):
        super().__init__()
        self.controller, self.ctx = controller, ctx
        self._loading = False
        self._dob_exc: DateFormatError | None = None   # the typed date that cannot be read, rendered per language
        self._touched: set[str] = set()   # fields the officer has left (or the card filled): their issues show
        self._show_all = False             # after Next, or a continued draft: every issue shows
        self.inputs: dict[str, QWidget] = {}
        self.issue_labels: dict[str, QLabel] = {}
        self.row_labels: dict[str, QLabel] = {}

        # Card QR
        self.qr_box = QGroupBox()
        self.scan_button = QPushButton()
        self.scan_button.setObjectName("scanQr")
        self.paste = QLineEdit()
        self.paste.setObjectName("qrPaste")
        self.paste_button = QPushButton()
        self.paste_button.setObjectName("usePaste")
        self.qr_status = QLabel()
        self.qr_status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.scan_button)
        row.addWidget(self.paste, 1)
        row.addWidget(self.paste_button)
        qr_col = QVBoxLayout(self.qr_box)
        qr_col.addLayout(row)
        qr_col.addWidget(self.qr_status)

        form = QFormLayout()
        for key in FIELDS:
            widget = self._make_input(key)
            widget.setObjectName(f"field_{key}")
            self.inputs[key] = widget
            for target in (widget, getattr(widget, "lineEdit", lambda: None)()):
                if target is not None:
                    target.setProperty("formKey", key)
                    target.installEventFilter(self)
            issue = QLabel()
            issue.setObjectName("issueText")
            issue.setWordWrap(True)
            issue.hide()
            self.issue_labels[key] = issue
            cell = QWidget()
            cell_col = QVBoxLayout(cell)
            cell_col.setContentsMargins(0, 0, 0, 0)
            cell_col.setSpacing(2)
            cell_col.addWidget(widget)
            cell_col.addWidget(issue)
            label = QLabel()
            label.setBuddy(widget)
            self.row_labels[key] = label
            form.addRow(label, cell)
        self.general_issues = QLabel()
        self.general_issues.setObjectName("issueText")
        self.general_issues.setWordWrap(True)

        inner = QWidget()
        col = QVBoxLayout(inner)
        col.addWidget(self.qr_box)
        col.addLayout(form)
        col.addWidget(self.general_issues)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.scan_button.clicked.connect(self.scan_card)
        self.paste_button.clicked.connect(lambda: self.apply_qr(self.paste.text()))
        self.paste.returnPressed.connect(lambda: self.apply_qr(self.paste.text()))
        self.inputs["province"].currentIndexChanged.connect(self._province_changed)
        controller.issues_changed.connect(self.show_issues)
        self.retranslate()

    # -- building -------------------------------------------------------------------------------------
    def _make_input(self, key: str) -> QWidget:
        if key == "sex":
            box = QComboBox()
            box.addItems(["", "", ""])
            box.currentIndexChanged.connect(self._edited)
            return box
        if key == "ethnicity":
            box = SearchCombo()
            box.set_items([(name, name) for name in ETHNIC_GROUPS])
            box.lineEdit().textChanged.connect(self._edited)
            return box
        if key in ("province", "birth_registration_province"):
            box = SearchCombo()
            box.set_items([(p.short, p.code) for p in provinces()])
            box.lineEdit().textChanged.connect(self._edited)
            return box
        if key == "commune":
            box = SearchCombo()
            box.lineEdit().textChanged.connect(self._edited)
            return box
        edit = QLineEdit()
        edit.textChanged.connect(self._edited)
        return edit

    def retranslate(self) -> None:
        texts = {
            "birth_name": self.tr("Full birth name"), "other_names": self.tr("Other names (comma between names)"),
            "personal_id": self.tr("Personal ID number (12 digits)"), "cmnd": self.tr("Old CMND number (9 digits)"),
            "date_of_birth": self.tr("Date of birth (DD/MM/YYYY, MM/YYYY or YYYY)"), "sex": self.tr("Sex"),
            "ethnicity": self.tr("Ethnicity"), "religion": self.tr("Religion"), "nationality": self.tr("Nationality"),
            "birth_registration_province": self.tr("Place of birth registration (province)"),
            "province": self.tr("Residence: province"), "commune": self.tr("Residence: commune"),
            "street": self.tr("Residence: village, house number"), "hometown": self.tr("Home town (quê quán)"),
            "guardian_name": self.tr("Legal representative (under 14): name"),
            "guardian_id": self.tr("Representative's personal ID"),
            "guardian_relationship": self.tr("Relationship (father, mother, guardian)"), "phone": self.tr("Mobile phone"),
        }
        for key, label in self.row_labels.items():
            label.setText(texts[key])
        sex = self.inputs["sex"]
        sex.setItemText(0, self.tr("— choose —"))
        sex.setItemText(1, self.tr("Male"))
        sex.setItemText(2, self.tr("Female"))
        self.qr_box.setTitle(self.tr("Old card (QR code)"))
        self.scan_button.setText(self.tr("Scan the card's QR"))
        self.paste.setPlaceholderText(self.tr("…or paste the QR text here"))
        self.paste_button.setText(self.tr("Use this text"))
        self._qr_note()
        self.show_issues(self.controller.issues)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- form ↔ record -----------------------------------------------------------------------------------
    def _province_changed(self, _i: int) -> None:
        province = find_province(self.inputs["province"].currentText())
        commune = self.inputs["commune"]
        keep = commune.currentText()
        commune.set_items([(c.name, c.code) for c in province.communes] if province else [])
        commune.setEditText(keep)

    def text(self, key: str) -> str:
        w = self.inputs[key]
        return w.currentText() if isinstance(w, QComboBox) else w.text()

    def set_text(self, key: str, value: str) -> None:
        w = self.inputs[key]
        if isinstance(w, SearchCombo):
            index = w.findText(value or "")
            if index >= 0:
                w.setCurrentIndex(index)
            w.setEditText(value or "")
        elif isinstance(w, QComboBox):
            w.setCurrentIndex({"male": 1, "female": 2}.get(value or "", 0))
        else:
            w.setText(value or "")

    def load_record(self) -> None:
        """Show the controller's record in the fields (new record, prefill, continued draft)."""
        d = self.controller.record.demographics
        self._loading = True
        try:
            values = {
                "birth_name": d.birth_name, "other_names": ", ".join(d.other_names), "personal_id": d.personal_id,
                "cmnd": d.cmnd, "date_of_birth": d.date_of_birth.display() if d.date_of_birth else "",
                "sex": d.sex.value if d.sex else "", "ethnicity": d.ethnicity, "religion": d.religion,
                "nationality": d.nationality, "birth_registration_province": d.birth_registration_province,
                "province": d.residence.province, "commune": d.residence.commune, "street": d.residence.street,
                "hometown": d.hometown, "guardian_name": d.guardian.name if d.guardian else "",
                "guardian_id": (d.guardian.personal_id or "") if d.guardian else "",
                "guardian_relationship": d.guardian.relationship if d.guardian else "", "phone": d.phone,
            }
            for key in ("province", *[k for k in FIELDS if k != "province"]):
                self.set_text(key, values[key] or "")
        finally:
            self._loading = False
        self._edited()

    def _edited(self, *_args) -> None:
        if self._loading:
            return
        self.read_into_record()
        self.controller.changed()
        self.changed.emit()

    def read_into_record(self) -> None:
        d = self.controller.record.demographics
        t = lambda key: normalize_name(self.text(key))  # noqa: E731
        d.birth_name = t("birth_name")
        d.other_names = [n for n in (normalize_name(x) for x in self.text("other_names").split(",")) if n]
        d.personal_id = t("personal_id") or None
        d.cmnd = t("cmnd") or None
        self._dob_exc = None
        raw_dob = t("date_of_birth")
        try:
            d.date_of_birth = parse_partial_date(raw_dob) if raw_dob else None
        except DateFormatError as exc:
            d.date_of_birth = None
            self._dob_exc = exc
        d.sex = {1: Sex.MALE, 2: Sex.FEMALE}.get(self.inputs["sex"].currentIndex())
        d.ethnicity, d.religion, d.nationality = t("ethnicity"), t("religion"), t("nationality")
        d.birth_registration_province = t("birth_registration_province")
        d.residence.province, d.residence.commune, d.residence.street = t("province"), t("commune"), t("street")
        d.hometown = t("hometown")
        g = (t("guardian_name"), t("guardian_id"), t("guardian_relationship"))
        d.guardian = Guardian(g[0], g[1] or None, g[2]) if any(g) else None
        d.phone = t("phone") or None

    # -- issues ---------------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        """Leaving a field shows its messages (not a suggestion list opening over it)."""
        if (event.type() == QEvent.Type.FocusOut and event.reason() != Qt.FocusReason.PopupFocusReason
                and watched.property("formKey") and watched.property("formKey") not in self._touched):
            self._touched.add(watched.property("formKey"))
            self.show_issues(self.controller.issues)
        return False

    def show_all_issues(self) -> None:
        """Next was pressed, or a saved draft is continued: every message shows, on every field."""
        self._show_all = True
        self.show_issues(self.controller.issues)

    def dob_error(self) -> str:
        """The typed date's problem in the current language ("" when it reads as a date)."""
        exc, lang = self._dob_exc, self.ctx.language
        if exc is None:
            return ""
        return render("dob.impossible" if exc.impossible else "dob.format", {"detail": localized(exc, lang)}, lang)

    def field_issues(self, issues: list) -> tuple[dict[str, list[str]], list[str]]:
        """Every message of the form by field key (and those of no one field), shown or not."""
        lang = self.ctx.language
        per_field: dict[str, list[str]] = {k: [] for k in FIELDS}
        general: list[str] = []
        for issue in issues:
            if not issue.field.startswith("demographics"):
                continue
            text = (issue.message_vi if lang == "vi" else issue.message_en)
            mark = "⛔ " if issue.is_error else "⚠ "
            key = self._field_for(issue.field)
            (per_field[key] if key else general).append(mark + text)
        if self._dob_exc is not None:
            per_field["date_of_birth"] = ["⛔ " + self.dob_error()]
        return per_field, general

    def show_issues(self, issues: list) -> None:
        per_field, general = self.field_issues(issues)
        for key, label in self.issue_labels.items():
            shown = per_field[key] if self._show_all or key in self._touched else []
            label.setText("\n".join(shown))
            label.setVisible(bool(shown))
        self.general_issues.setText("\n".join(general) if self._show_all or self._touched else "")

    @staticmethod
    def _field_for(path: str) -> str | None:
        best = None
        for key in FIELDS:
            p = path_of(key)
            if path == p or path.startswith(p + "."):
                if best is None or len(path_of(best)) < len(p):
                    best = key
        return best

    def has_blocking_errors(self) -> bool:
        return bool(self._dob_exc is not None or self.controller.form_errors())

    # -- card QR --------------------------------------------------------------------------------------
    def _qr_note(self, text_builder=None) -> None:
        """Show the card-QR status; kept as a builder so a language switch re-translates it."""
        if text_builder is not None:
            self._qr_text = text_builder
        builder = getattr(self, "_qr_text", None)
        self.qr_status.setText(builder() if builder else "")

    def scan_card(self) -> None:
        """Read one code from the QR reader (its own thread); the result is applied on the UI thread."""
        spec = self.ctx.settings.qr_reader
        self._qr_note(lambda: self.tr("Opening the QR reader…"))
        self.ctx.devices.open(spec, on_ready=self._read_code, on_error=self._qr_failed)

    def _read_code(self, reader) -> None:
        self._qr_note(lambda: self.tr("Hold the card's QR code under the reader…"))
        watcher = FutureWatcher(self)
        watcher.succeeded.connect(lambda text: self.apply_qr(text) if text else
                                  self._qr_note(lambda: self.tr("No code was read. Try again.")))
        watcher.failed.connect(self._qr_failed)
        watcher.watch(reader.worker.submit(reader.read_code, 15.0))

    def _qr_failed(self, exc: BaseException) -> None:
        self._qr_note(lambda: self.tr("The QR reader failed: %1").replace("%1", user_message(exc)))

    def apply_qr(self, payload: str) -> bool:
        try:
            prefill = parse_card_qr(payload)
        except QrParseError as exc:
            problem = exc   # `exc` is unbound after the except block; the note re-renders on a language switch
            self._qr_note(lambda: self.tr("This is not an ID card QR: %1")
                          .replace("%1", localized(problem, self.ctx.language)))
            return False
        warnings = self.controller.flow.apply_card(prefill)   # CARD step of the flow
        self.load_record()
        self._touched |= {key for key in FIELDS if self.text(key) and key != "sex" or
                          key == "sex" and self.inputs["sex"].currentIndex() > 0}
        self.show_issues(self.controller.issues)
        self._qr_note(lambda: "\n".join([self.tr("Filled in from the card. Check every field with the citizen."),
                                          *(self.card_warning(w) for w in warnings)])
                      if self.controller.flow.prefilled_from_card else "")
        self.paste.clear()
        self.focus_first_issue()
        return True

    def card_warning(self, text: str) -> str:
        """A card reader warning (fieldkit.domain.card_qr, English) in the current language."""
        if "mis-decoded" in text:
            return self.tr("The scanner garbled the text and it was repaired: check it against the card.")
        if "CMND" in text:
            return self.tr("The old CMND number on the card is not 9 digits; it was left out.")
        if "address" in text:
            return self.tr("Letters of the address were lost in the code (? or �): check it against the card.")
        return self.tr("Check the fields filled from the card against the card itself.")

    def reset(self) -> None:
        """A new citizen: no card note, pasted text, date error or shown message of the previous one stays."""
        self.paste.setFocus()   # first: the field the cursor was in is not "left" by the new citizen
        self._qr_note(lambda: "")
        self.paste.clear()
        self._dob_exc = None
        self._touched.clear()
        self._show_all = False

    def focus_first_issue(self) -> None:
        """Put the cursor where the officer has work to do: the first field with a message (shown yet or not)."""
        per_field, _general = self.field_issues(self.controller.issues)
        for key in FIELDS:
            if per_field[key]:
                self.inputs[key].setFocus()
                return
        self.first_input().setFocus()

    def first_input(self) -> QWidget:
        return self.inputs["birth_name"]

    _ = Qt
