"""The "find in the database" widget: async search, latest query wins, choose / DC01 signals, keyboard path."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from fieldkit.domain.dates import PartialDate
from fieldkit.population.lookup import PopulationIndex
from fieldkit.population.resident import Resident
from fieldkit.ui.bridge import BackgroundRunner
from fieldkit.ui.widgets.population_search import PopulationSearch

PEOPLE = [Resident("R1", "Nguyễn Thị Hoà", "female", PartialDate(1975, 3, 12), "062175001234", household_id="HK-7",
                   commune="Xã Đăk Mar", street="Thôn 3"),
          Resident("R2", "Y Ben Niê", "male", PartialDate(1990), None, household_id="HK-9"),
          Resident("R3", "Nguyễn Văn An", "male", PartialDate(1980, 1, 2), "062080001111")]


class SlowFirst:
    """A population whose first search blocks until released: its answer arrives after the second's."""

    def __init__(self):
        self.index = PopulationIndex(PEOPLE)
        self.release = threading.Event()
        self.calls = 0

    def search(self, text, limit):
        self.calls += 1
        if self.calls == 1:
            self.release.wait(5)
        return self.index.search(text, limit)

    def household(self, household_id):
        return self.index.household(household_id)


@pytest.fixture
def runner():
    r = BackgroundRunner(max_workers=2)
    yield r
    r.shutdown()


@pytest.fixture
def widget(qtbot, runner):
    w = PopulationSearch(runner, PopulationIndex(PEOPLE))
    qtbot.addWidget(w)
    w.resize(900, 500)
    w.show()
    return w


def rows(w):
    return [w.results.item(i).text() for i in range(w.results.count())]


def test_typing_searches_and_enter_chooses(qtbot, widget):
    qtbot.keyClicks(widget.box, "nguyen")
    qtbot.waitUntil(lambda: widget.results.count() == 2, timeout=3000)
    assert "Nguyễn Thị Hoà" in rows(widget)[0] and "12/03/1975" in rows(widget)[0]
    qtbot.keyClick(widget.box, Qt.Key.Key_Down)
    assert widget.results.currentRow() == 1
    with qtbot.waitSignal(widget.resident_chosen, timeout=2000) as chosen:
        qtbot.keyClick(widget.box, Qt.Key.Key_Return)
    assert chosen.args[0].resident_id == "R3"


def test_not_found_offers_dc01(qtbot, widget):
    widget.search_now("Hờ Văn Lạ")
    qtbot.waitUntil(lambda: "DC01" in widget.status.text(), timeout=3000)
    assert widget.results.count() == 0 and not widget.choose.isEnabled()
    with qtbot.waitSignal(widget.not_found, timeout=2000) as missing:
        qtbot.mouseClick(widget.dc01, Qt.MouseButton.LeftButton)
    assert missing.args == ["Hờ Văn Lạ"]


def test_card_qr_and_bad_qr(qtbot, widget):
    widget.search_now("062175001234||Nguyễn Thị Hoà|12031975|Nữ|Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum|20042021")
    qtbot.waitUntil(lambda: widget.results.count() == 1, timeout=3000)
    with qtbot.waitSignal(widget.resident_chosen, timeout=2000) as chosen:
        qtbot.mouseClick(widget.choose, Qt.MouseButton.LeftButton)
    assert chosen.args[0].resident_id == "R1"
    widget.search_now("abc|def|ghi")
    qtbot.waitUntil(lambda: "QR" in widget.status.text(), timeout=3000)
    assert "Error" not in widget.status.text() and widget.results.count() == 0


def test_latest_query_wins_over_a_slower_older_one(qtbot, runner):
    population = SlowFirst()
    w = PopulationSearch(runner, population)
    qtbot.addWidget(w)
    answers = []
    show = w._show
    w._show = lambda seq, matches: (answers.append(seq), show(seq, matches))
    w.search_now("nguyen")          # blocks in the pool
    w.search_now("y ben")           # answers first
    qtbot.waitUntil(lambda: w.results.count() == 1, timeout=3000)
    population.release.set()
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=3000)  # the old answer arrived last...
    assert answers == [2, 1]
    assert [w.results.item(i).text() for i in range(w.results.count())][0].startswith("Y Ben Niê")  # ...and was dropped


def test_fits_the_field_laptop(widget):
    assert widget.minimumSizeHint().width() <= 1366 and widget.minimumSizeHint().height() <= 768


def test_household_of_the_highlighted_resident_marks_who_was_seen(qtbot, runner):
    people = PEOPLE + [Resident("R4", "H'Hen Niê", "female", PartialDate(1992), None, household_id="HK-9",
                                relation_to_head="vợ")]
    w = PopulationSearch(runner, PopulationIndex(people))
    qtbot.addWidget(w)
    w.set_seen({"R4"})
    w.search_now("y ben")
    qtbot.waitUntil(lambda: w.household.count() == 2, timeout=3000)
    texts = sorted(w.household.item(i).text() for i in range(2))
    assert texts[0].startswith("H'Hen Niê (vợ)") and texts[0].endswith("seen")
    assert texts[1].startswith("Y Ben Niê") and texts[1].endswith("not seen yet")


def test_vietnamese_screen_shows_no_english(qtbot, runner):
    from PySide6.QtCore import QCoreApplication, QTranslator

    from fieldkit.ui import i18n

    translator = QTranslator()
    assert translator.load(str(i18n.__file__).replace("i18n.py", "i18n/fieldkit_vi.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        w = PopulationSearch(runner, PopulationIndex(PEOPLE))
        qtbot.addWidget(w)
        w.search_now("y ben")
        qtbot.waitUntil(lambda: w.results.count() == 1, timeout=3000)
        shown = [w.dc01.text(), w.choose.text(), w.status.text(), w.box.placeholderText(), w.results.item(0).text()]
        assert shown[:2] == ["Không có trong CSDL: thu nhận mới (DC01)", "Chọn"]
        assert "Số người tìm thấy: 1" == shown[2] and "Nam" in shown[4]
        assert not any(word in " ".join(shown) for word in ("found", "Choose", "male", "household"))
    finally:
        QCoreApplication.removeTranslator(translator)
