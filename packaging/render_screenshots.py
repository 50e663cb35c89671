"""Render every screen of the app, in Vietnamese and English, to PNG (offscreen, simulated devices).

    .venv/bin/python packaging/render_screenshots.py [--out docs/screenshots]

A throw-away kit (fast KDF, three synthetic users) is created in a temporary folder; the screens are filled
with a synthetic citizen. Files: <screen>_<lang>.png. The window is maximised on a 1366×768 screen (the field
laptop's; Qt's offscreen platform with a screens config), so the pictures show what fits and what does not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCREEN = (1366, 768)
SCREENS_CONFIG: Path | None = None   # removed when the run ends


def use_field_laptop_screen() -> None:
    """Offscreen rendering on a 1366×768 screen unless the caller chose a platform with its own screen."""
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") != "offscreen":
        return
    global SCREENS_CONFIG
    config = SCREENS_CONFIG = Path(tempfile.gettempdir()) / f"fieldkit-screens-{os.getpid()}.json"
    config.write_text(json.dumps({"screens": [{"name": "field-laptop", "x": 0, "y": 0, "width": SCREEN[0],
                                               "height": SCREEN[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


use_field_laptop_screen()

SCREENS = ("login", "home_officer", "session", "form", "face", "fingers", "review", "slip", "summary",
           "home_supervisor", "review_list", "review_detail", "sync", "lab")


def wait(app, condition, timeout_s: float = 60.0) -> None:
    import time
    deadline = time.monotonic() + timeout_s
    while not condition():
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("screen did not get ready")
        time.sleep(0.01)


def render(out: Path, languages=("vi", "en")) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from drivers.qr.people import synthetic_person
    from fieldkit.domain.units import find_province
    from fieldkit.settings import load_settings
    from fieldkit.ui.app import build_main_window, create_app
    from tests.ui.conftest import PASS, TEST_DEVICES, make_kit, store_test_hub_keys

    app = create_app()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "kit"
        make_kit(data)
        store_test_hub_keys(data)
        # The test devices, but with the simulators' real synthetic prints (the tests use placeholders for speed).
        devices = {k: v.replace("&images=placeholder", "") for k, v in TEST_DEVICES.items()}
        settings = load_settings(data, environ={}).with_overrides(**devices)
        win = build_main_window(app, data, settings, "vi")
        win.showMaximized()

        def shot(name: str, lang: str) -> None:
            app.processEvents()
            path = out / f"{name}_{lang}.png"
            win.grab().save(str(path))
            written.append(path)

        def each_language(name: str) -> None:
            for lang in languages:
                win.language_requested.emit(lang)
                app.processEvents()
                shot(name, lang)
            win.language_requested.emit("vi")

        def login(user: str) -> None:
            win.show_page("login")
            win.login.user.setText(user)
            win.login.passphrase.setText(PASS[user])
            win.login.submit()
            wait(app, lambda: win.ctx.kit_session is not None)

        win.show_page("login")
        win.login.user.setText("off")
        each_language("login")
        login("off")
        win.show_page("session")
        province = find_province("Đắk Lắk")
        win.session_setup.choose("Đắk Lắk", province.communes[0].name)
        win.session_setup.team.setText("Đội 1")
        win.session_setup.village.setText("Buôn Ko Tam")
        each_language("session")
        win.session_setup.start()
        each_language("home_officer")
        win.show_page("enrol")
        person = next(p for p in (synthetic_person(n) for n in range(1, 50)) if p.birth_date.year < 2000)
        win.wizard.form.apply_qr(person.card_qr())
        win.wizard.form.set_text("religion", "Không")
        win.wizard.form._edited()
        each_language("form")
        form = win.wizard.form
        for key, value in (("ethnicity", "Ê Đê"), ("birth_registration_province", "Đắk Lắk"), ("hometown", "Đắk Lắk")):
            form.set_text(key, value)
        form._edited()
        win.wizard.next()
        wait(app, lambda: win.wizard.controller.record.captures.face.image_ref is not None, 90)
        each_language("face")
        win.wizard.next()
        fingers = win.wizard.fingers
        while fingers.step_index < 4:  # the slaps, then one rolled finger with the diagram half done
            step, tries = fingers.step_index, len(fingers.attempts)
            fingers.capture()   # a try below the quality bar stays on the step: scan again
            wait(app, lambda: (fingers.step_index, len(fingers.attempts)) != (step, tries) and not fingers.busy)
        each_language("fingers")
        while fingers.step is not None:
            step, tries = fingers.step_index, len(fingers.attempts)
            fingers.capture()
            wait(app, lambda: (fingers.step_index, len(fingers.attempts)) != (step, tries) and not fingers.busy)
        win.wizard.next()
        each_language("review")
        win.wizard.review.confirm.setChecked(True)
        win.wizard.review.submit_button.click()
        wait(app, lambda: win.wizard.current() == 4)
        each_language("slip")
        win.show_page("summary")
        each_language("summary")
        win.lock()
        login("sup")
        win.home.refresh()
        wait(app, lambda: win.home.counts is not None)
        each_language("home_supervisor")
        win.show_page("review")
        wait(app, lambda: len(win.review_list.rows) == 1)
        each_language("review_list")
        win.review_list._open_row(0)
        wait(app, lambda: win.review_detail.view is not None)
        wait(app, lambda: win.review_detail.photo.pixmap() is not None and not win.review_detail.photo.pixmap().isNull())
        each_language("review_detail")
        record_id = win.review_detail.view.record_id
        win.review_detail.approve()   # co-sign and seal: the sync page then has a packet to show
        wait(app, lambda: win.ctx.kit_session.get_record(record_id).status == "sealed" and win.current_key() != "detail")
        win.show_page("sync")
        usb_done = []
        win.sync_panel.usb_finished.connect(lambda kind, result: usb_done.append(kind))
        win.sync_panel.export_to_usb(str(Path(tmp) / "usb"))
        wait(app, lambda: usb_done)
        each_language("sync")
        win.lock()
        login("tech")
        win.show_page("lab")
        lab = win.lab
        lab.spec_box.setCurrentText("fingerprint:sim:instant?transport=memory")   # real synthetic prints
        lab.open_device()
        wait(app, lambda: lab.device is not None)
        lab.test_capture()
        wait(app, lambda: lab.test_button.isEnabled())
        each_language("lab")
        win.shutdown()
        win.close()
        QApplication.processEvents()
    return written


def run(render_fn, argv: list[str], description: str) -> int:
    """The command line of a screenshot script: --out, print each file, remove the temporary screens file."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    try:
        for path in render_fn(Path(args.out)):
            print(path)
    finally:
        if SCREENS_CONFIG is not None:
            SCREENS_CONFIG.unlink(missing_ok=True)
    return 0


def main(argv: list[str]) -> int:
    return run(render, argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    # Every window, device and thread is closed above; skip interpreter finalisation, where PySide6's
    # teardown of the offscreen app can abort (a shiboken refcount bug), which would hide a good run.
    os._exit(code)
