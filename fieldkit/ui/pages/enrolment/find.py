"""The wizard's first step, "find in the database" (the flow's Step.FIND), and the VNeID level-2 request box.

FindPage places the population search widget (fieldkit/ui/widgets/population_search.py) over the logged-in
user's population (AppContext.population, opened on login in the background). Choosing a resident hands it to
the flow (`choose_resident`: the form is prefilled, differences become discrepancies when saved); "not in the
database" asks the few DC01 fields the form does not have and hands them to the flow (`not_in_database`).
With no extract loaded (or while it opens) the page says so and the officer goes on to the form: never a
dead end. VneidBox is the request taken with the application (phone, optional e-mail, the citizen's consent);
`receipt_rows` are its lines, and the registry decision's, on the CC01 receipt the citizen checks.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from fieldkit.domain.population import Dc01, Relative, VneidError
from fieldkit.ui.widgets.population_search import PopulationSearch

DC01_FIELDS = ("place_of_birth", "marital_status", "father", "mother", "reason")


class FindPage(QWidget):
    """The flow's FIND step. `done` when the officer has decided (or goes on without the database)."""

    done = Signal()

    def __init__(self, controller, ctx):
        super().__init__()
        self.controller, self.ctx = controller, ctx
        self.search: PopulationSearch | None = None
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.state = QLabel()
        self.state.setObjectName("findState")
        self.state.setWordWrap(True)
        self.search_holder = QVBoxLayout()
        self.dc01_box = QGroupBox()
        self.dc01_box.setObjectName("dc01Box")
        self.dc01_inputs = {key: QLineEdit() for key in DC01_FIELDS}
        self.dc01_labels = {key: QLabel() for key in DC01_FIELDS}
        dc01_form = QFormLayout(self.dc01_box)
        for key in DC01_FIELDS:
            self.dc01_inputs[key].setObjectName(f"dc01_{key}")
            dc01_form.addRow(self.dc01_labels[key], self.dc01_inputs[key])
        self.dc01_box.hide()
        self.skip = QPushButton()
        self.skip.setObjectName("findSkip")
        self.go_on = QPushButton()
        self.go_on.setObjectName("findContinue")
        self.go_on.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.skip)
        buttons.addWidget(self.go_on)
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addWidget(self.state)
        col.addLayout(self.search_holder, 1)
        col.addWidget(self.dc01_box)
        col.addLayout(buttons)
        self.skip.clicked.connect(self.done.emit)
        self.go_on.clicked.connect(self._dc01_done)
        ctx.population_changed.connect(self.population_changed)
        self.retranslate()
        self.population_changed()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Find the citizen in the population database"))
        self.skip.setText(self.tr("Go on to the form without the database"))
        self.go_on.setText(self.tr("Continue to the form (DC01)"))
        self.dc01_box.setTitle(self.tr("Not in the database: DC01 information"))
        names = {"place_of_birth": self.tr("Place of birth"),
                 "marital_status": self.tr("Marital status"),
                 "father": self.tr("Father's full name"), "mother": self.tr("Mother's full name"),
                 "reason": self.tr("Why not in the database")}
        for key, text in names.items():
            self.dc01_labels[key].setText(text)
        self._show_state()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- the population ------------------------------------------------------------------------------------
    @property
    def population(self):
        return self.ctx.population

    def has_population_data(self) -> bool:
        """Extracts are loaded on this kit (a file check, while the residents may still be opening). Without
        any, the wizard starts at the form and its note says the database cannot be searched."""
        from fieldkit.population.store import list_extracts
        return bool(list_extracts(self.ctx.data_dir))

    def available(self) -> bool:
        return self.population is not None and len(self.population) > 0

    def population_changed(self) -> None:
        """The residents finished opening (or were forgotten at logout): rebuild the search over them."""
        if self.search is not None:
            self.search.setParent(None)
            self.search.deleteLater()
            self.search = None
        if self.available():
            self.search = PopulationSearch(self.ctx.runner, self.population, self)
            self.search.setObjectName("populationSearch")
            self.search.resident_chosen.connect(self.choose)
            self.search.not_found.connect(self.not_found)
            self.search.set_seen(self.controller.flow.seen)
            self.search_holder.addWidget(self.search)
        self._show_state()

    def _show_state(self) -> None:
        if self.available():
            text = ""
        elif self.ctx.population_failed:
            text = self.tr("The population data could not be opened (see the technician). Go on to the form.")
        elif self.ctx.kit_session is not None and self.population is None:
            text = self.tr("The population data is opening… You can go on to the form meanwhile.")
        else:
            text = self.tr("No population data is loaded on this kit (extract from the province office): "
                           "search is not available. Go on to the form.")
        self.state.setText(text)
        self.state.setVisible(bool(text))
        self.title.setVisible(self.search is None)   # the search widget has its own title

    # -- the officer's decision --------------------------------------------------------------------------
    def reset(self) -> None:
        """A new citizen: an empty search box, no DC01 answers of the previous one."""
        for edit in self.dc01_inputs.values():
            edit.clear()
        self.dc01_box.hide()
        self.go_on.hide()
        self.skip.show()
        if self.search is not None:
            self.search.search_now("")
            self.search.set_seen(self.controller.flow.seen)

    def relink(self) -> None:
        """A continued record linked to a resident: give the flow that resident again (from the open population),
        so what the officer changes now is compared with the registry."""
        link, population = self.controller.record.registry, self.population
        if link is None or link.not_in_database or not link.resident_id or population is None:
            return
        resident = population.resident(link.resident_id)
        if resident is not None:
            self.controller.flow.relink(resident, link.extract_id)

    def start(self) -> None:
        if self.search is not None:
            self.search.setFocus()
        else:
            self.skip.setFocus()

    def choose(self, resident) -> None:
        population = self.population
        self.controller.flow.choose_resident(resident, extract_id=population.extract_of(resident) if population else None)
        self.done.emit()

    def not_found(self, _text: str) -> None:
        communes = self.population.communes if self.population is not None else ()
        self.controller.flow.not_in_database(Dc01(), communes[0] if communes else "")
        self.dc01_box.show()
        self.go_on.show()
        self.skip.hide()
        self.dc01_inputs["place_of_birth"].setFocus()

    def _dc01_done(self) -> None:
        t = {key: edit.text().strip() for key, edit in self.dc01_inputs.items()}
        self.controller.flow.set_dc01(Dc01(place_of_birth=t["place_of_birth"], marital_status=t["marital_status"],
                                           father=Relative(t["father"]) if t["father"] else None,
                                           mother=Relative(t["mother"]) if t["mother"] else None,
                                           reason=t["reason"]))
        self.done.emit()


class CorrectionsBox(QGroupBox):
    """One row per field the registry has differently: the document shown as proof and the officer's note
    (EnrolmentFlow.annotate_discrepancy). Hidden when there is nothing to correct."""

    def __init__(self, controller):
        super().__init__()
        self.setObjectName("correctionsBox")
        self.controller = controller
        self.form = QFormLayout(self)
        self.proofs: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Corrections to the population database: proof shown"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.load()
        super().changeEvent(event)

    def load(self) -> None:
        """Rows for the record's current discrepancies (one per field), with what was already written."""
        flow = self.controller.flow
        flow.refresh_registry()
        while self.form.rowCount():
            self.form.removeRow(0)
        self.proofs.clear()
        for d in flow.record.discrepancies:
            if d.field in self.proofs:
                continue
            proof, note = QLineEdit(d.proof), QLineEdit(d.note)
            proof.setObjectName(f"proof_{d.field}")
            proof.setPlaceholderText(self.tr("Document shown (birth certificate, household book…)"))
            note.setPlaceholderText(self.tr("Officer's note"))
            row = QHBoxLayout()
            row.addWidget(proof, 1)
            row.addWidget(note, 1)
            label = QLabel(field_name(d.field))
            self.form.addRow(label, row)
            for w in (label, proof, note):   # rebuilt while shown (e.g. on a language change): show now
                w.show()
            for edit in (proof, note):
                edit.editingFinished.connect(lambda key=d.field: self.apply(key))
            self.proofs[d.field] = (proof, note)
        self.setVisible(bool(self.proofs))

    def apply(self, key: str) -> None:
        proof, note = self.proofs[key]
        try:
            self.controller.flow.annotate_discrepancy(key, proof.text(), note.text())
        except KeyError:   # the form changed meanwhile: the difference is gone
            return
        self.controller.changed()


class VneidBox(QGroupBox):
    """The VNeID level-2 request taken with the application; the flow checks it (fieldkit.enrolment.find)."""

    edited = Signal()   # the request in the record changed (the receipt shows it)

    def __init__(self, controller):
        super().__init__()
        self.setObjectName("vneidBox")
        self.controller = controller
        self.setCheckable(True)
        self.setChecked(False)
        self.phone = QLineEdit()
        self.phone.setObjectName("vneidPhone")
        self.email = QLineEdit()
        self.email.setObjectName("vneidEmail")
        self.consent = QCheckBox()
        self.consent.setObjectName("vneidConsent")
        self.problem = QLabel()
        self.problem.setObjectName("issueText")
        self.problem.setWordWrap(True)
        self.phone_label, self.email_label = QLabel(), QLabel()
        form = QFormLayout(self)
        form.addRow(self.phone_label, self.phone)
        form.addRow(self.email_label, self.email)
        form.addRow(self.consent)
        form.addRow(self.problem)
        self.toggled.connect(self.apply)
        self.phone.editingFinished.connect(self.apply)
        self.email.editingFinished.connect(self.apply)
        self.consent.toggled.connect(self.apply)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("VNeID level 2 account request"))
        self.phone_label.setText(self.tr("Mobile phone for VNeID"))
        self.email_label.setText(self.tr("E-mail (optional)"))
        self.consent.setText(self.tr("The citizen agrees to the VNeID level 2 request"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def load(self) -> None:
        """Show the record's request (a new citizen: none)."""
        v = self.controller.record.vneid
        for w in (self, self.consent):
            w.blockSignals(True)
        self.setChecked(v is not None)
        self.phone.setText(v.phone if v else (self.controller.record.demographics.phone or ""))
        self.email.setText((v.email or "") if v else "")
        self.consent.setChecked(bool(v and v.consent))
        for w in (self, self.consent):
            w.blockSignals(False)
        self.problem.clear()

    def apply(self, *_args) -> None:
        """Hand the request to the flow; what is wrong stays on screen and keeps the request out of the record."""
        flow = self.controller.flow
        self.problem.clear()
        if not self.isChecked():
            if flow.record.vneid is not None:
                flow.drop_vneid()
                self.controller.changed()
                self.edited.emit()
            return
        try:
            flow.request_vneid(self.phone.text(), self.email.text(), self.consent.isChecked(),
                               self.controller.ctx.user_name or None)
        except VneidError as exc:
            if flow.record.vneid is not None:
                flow.drop_vneid()
            self.problem.setText("⛔ " + self._message(exc.code))
        self.controller.changed()
        self.edited.emit()

    def _message(self, code: str) -> str:  # noqa: D401
        return {"vneid.phone": self.tr("The phone must be a Vietnamese mobile number (10 digits, 03/05/07/08/09)"),
                "vneid.email": self.tr("The e-mail address is not valid"),
                "vneid.consent": self.tr("Tick the citizen's consent to send the request")}.get(code, code)


# Module functions translate in a context of their own ("RegistryReceipt"): a widget's tr() would use its class's.
def field_name(key: str) -> str:
    """A discrepancy's field in the officer's language (fieldkit.population.discrepancies field names)."""
    names = {
        "birth_name": QCoreApplication.translate("RegistryReceipt", "Full birth name"),
        "date_of_birth": QCoreApplication.translate("RegistryReceipt", "Date of birth"),
        "sex": QCoreApplication.translate("RegistryReceipt", "Sex"),
        "personal_id": QCoreApplication.translate("RegistryReceipt", "Personal ID number"),
        "cmnd": QCoreApplication.translate("RegistryReceipt", "Old ID card (CMND)"),
        "ethnicity": QCoreApplication.translate("RegistryReceipt", "Ethnicity"),
        "religion": QCoreApplication.translate("RegistryReceipt", "Religion"),
        "birth_registration_province": QCoreApplication.translate("RegistryReceipt", "Birth registration place"),
        "hometown": QCoreApplication.translate("RegistryReceipt", "Home town"),
        "residence": QCoreApplication.translate("RegistryReceipt", "Residence"),
        "phone": QCoreApplication.translate("RegistryReceipt", "Mobile phone"),
    }
    return names.get(key, key)


def registry_note(flow) -> str:
    """One line above the wizard's pages and on the receipt: what the find step decided."""
    flow.refresh_registry()   # the differences of the form as it is now
    link = flow.record.registry
    if link is None:
        return QCoreApplication.translate("RegistryReceipt", "Database: not searched")
    if link.not_in_database:
        return QCoreApplication.translate("RegistryReceipt", "Database: not found, new (DC01)")
    if flow.decision is None:   # a continued draft: its saved discrepancies
        return QCoreApplication.translate("RegistryReceipt", "Database: found")
    count = str(len(flow.record.discrepancies))
    return QCoreApplication.translate(
        "RegistryReceipt", "Database: found, to correct: %1").replace("%1", count)


def receipt_rows(flow) -> list[tuple[str, str]]:
    """The CC01 receipt lines for the registry decision, each difference and the VNeID request."""
    flow.refresh_registry()
    rows = [(QCoreApplication.translate("RegistryReceipt", "Population database"), registry_note(flow))]
    for d in flow.record.discrepancies:
        rows.append((QCoreApplication.translate("RegistryReceipt", "Correction: %1").replace("%1", field_name(d.field)),
                     QCoreApplication.translate("RegistryReceipt", "%1 → %2").replace("%1", d.registry_value or "—")
                     .replace("%2", d.observed_value)))
    v = flow.record.vneid
    if v is not None:
        text = v.phone + (f", {v.email}" if v.email else "")
        rows.append((QCoreApplication.translate("RegistryReceipt", "VNeID level 2 request"),
                     QCoreApplication.translate("RegistryReceipt", "%1 (consent recorded by %2)").replace("%1", text)
                     .replace("%2", v.consent_officer)))
    return rows
