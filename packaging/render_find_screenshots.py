"""Render the wizard's "find in the database" step and the receipt with corrections and a VNeID request to PNG
(1366×768 offscreen, as packaging/render_screenshots.py), for docs/guide-operator-vi.md.

    .venv/bin/python packaging/render_find_screenshots.py [--out docs/screenshots]

A throw-away hub with a synthetic registry (Xã Đăk Mar, 60 villagers) seals an extract to a throw-away kit;
the officer searches "nguyen" without diacritics, chooses a resident, corrects a field and takes a VNeID
request. Files: find_<lang>.png, find_review_<lang>.png. Synthetic people only.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "packaging"))

import render_screenshots  # noqa: E402  (sets the 1366×768 offscreen screen before Qt starts)

COMMUNE = "23512"


def prepare_kit(tmp: Path) -> Path:
    """A kit whose officer has an extract of the commune loaded."""
    from fieldkit.population.store import ExtractStore
    from fieldkit.security import keystore
    from sync.hub.registry.extract import write_extract
    from sync.hub.registry.store import RegistryStore
    from sync.hub.registry.synth import synth_registry
    from tests.population.conftest import enrol_kit_at_hub, hub_service
    from tests.ui.conftest import PASS, make_kit

    kit_dir, hub_dir = tmp / "kit", tmp / "hub"
    make_kit(kit_dir)
    with RegistryStore(hub_dir) as store:
        store.load(synth_registry(COMMUNE, 60, seed=3).residents, 0)
    enrol_kit_at_hub(hub_dir, kit_dir)
    service = hub_service(hub_dir)
    try:
        write_extract(service, hub_dir, [COMMUNE], keystore.kit_id(kit_dir), tmp / "ex.fkx")
    finally:
        service.storage.close()
    kit = keystore.unlock(kit_dir, "off", PASS["off"])
    try:
        ExtractStore(kit_dir, kit).load((tmp / "ex.fkx").read_bytes())
    finally:
        kit.lock()
    return kit_dir


def render(out: Path, languages=("vi", "en")) -> list[Path]:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from fieldkit.settings import load_settings
    from fieldkit.ui.app import build_main_window, create_app
    from tests.ui.conftest import PASS, TEST_DEVICES

    wait = render_screenshots.wait
    app = create_app()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = prepare_kit(Path(tmp))
        settings = load_settings(data, environ={}).with_overrides(**TEST_DEVICES)
        win = build_main_window(app, data, settings, "vi")
        win.showMaximized()

        def each_language(name: str) -> None:
            for lang in languages:
                win.language_requested.emit(lang)
                app.processEvents()
                path = out / f"{name}_{lang}.png"
                win.grab().save(str(path))
                written.append(path)
            win.language_requested.emit("vi")
            app.processEvents()

        win.show_page("login")
        win.login.user.setText("off")
        win.login.passphrase.setText(PASS["off"])
        win.login.submit()
        wait(app, lambda: win.ctx.kit_session is not None and win.ctx.population is not None)
        win.show_page("session")
        win.session_setup.choose("Quảng Ngãi", "Xã Đăk Mar")
        win.session_setup.team.setText("Tổ lưu động 2")
        win.session_setup.village.setText("Thôn 3")
        win.session_setup.start()
        win.show_page("enrol")
        wiz = win.wizard
        search = wiz.find.search
        search.box.setFocus()
        QTest.keyClicks(search.box, "nguyen")
        wait(app, lambda: search.results.count() > 1 and search.household.count() > 0)
        each_language("find")
        search.choose.click()
        wait(app, lambda: wiz.current() == 0)
        wiz.form.set_text("phone", "0987 654 321")            # the citizen's new mobile
        wiz.form._edited()
        wiz.go(3)                                              # the review: the receipt the citizen checks
        wiz.review.vneid.setChecked(True)
        wiz.review.vneid.phone.setText("0987 654 321")
        wiz.review.vneid.consent.setChecked(True)
        wait(app, lambda: wiz.controller.record.vneid is not None)
        from PySide6.QtWidgets import QScrollArea
        wiz.review.findChild(QScrollArea).ensureWidgetVisible(wiz.review.vneid)   # the request's box in view
        each_language("find_review")
        wiz.leave()
        win.shutdown()
        win.close()
        QApplication.processEvents()
    return written


def main(argv: list[str]) -> int:
    return render_screenshots.run(render, argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)   # as render_screenshots.py: skip PySide6's offscreen teardown
