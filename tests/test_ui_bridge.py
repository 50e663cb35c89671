import threading

import pytest

from drivers.worker import DeviceWorker
from fieldkit.ui.bridge import BackgroundRunner, WorkerEvents


@pytest.fixture
def worker():
    w = DeviceWorker("ui-test")
    yield w
    w.close()
    assert not w.alive


def test_device_events_arrive_on_the_ui_thread(qtbot, worker):
    bridge = WorkerEvents(worker)
    seen_threads = []
    bridge.event.connect(lambda name, data: seen_threads.append(threading.current_thread()))
    with qtbot.waitSignal(bridge.event, timeout=2000) as blocker:
        worker.submit(worker.emit, "bytes", direction="rx", data="ef01")
    assert blocker.args == ["bytes", {"direction": "rx", "data": "ef01"}]
    assert seen_threads == [threading.main_thread()]
    bridge.detach()


def test_background_results_and_errors(qtbot):
    runner = BackgroundRunner()
    results, errors = [], []
    try:
        runner.run(lambda: threading.current_thread().name, on_success=results.append)
        qtbot.waitUntil(lambda: len(results) == 1, timeout=2000)
        assert results[0].startswith("fieldkit-bg")

        def boom():
            raise ValueError("bad packet")

        runner.run(boom, on_success=results.append, on_failure=errors.append)
        qtbot.waitUntil(lambda: len(errors) == 1, timeout=2000)
        assert isinstance(errors[0], ValueError) and len(results) == 1
    finally:
        runner.shutdown()
