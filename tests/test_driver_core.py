import threading

import pytest

from drivers.errors import DeviceNotFound, SpecError
from drivers.registry import open_device
from drivers.spec import DeviceSpec
from drivers.worker import DeviceWorker


@pytest.mark.parametrize("text,kind,backend,target,options", [
    ("camera:opencv:0", "camera", "opencv", "0", {}),
    ("camera:sim:studio", "camera", "sim", "studio", {}),
    ("fingerprint:serial:/dev/ttyUSB0?baud=57600", "fingerprint", "serial", "/dev/ttyUSB0", {"baud": "57600"}),
    ("qr:sim", "qr", "sim", "", {}),
    ("qr:serial:COM3", "qr", "serial", "COM3", {}),
])
def test_spec_parse(text, kind, backend, target, options):
    spec = DeviceSpec.parse(text)
    assert (spec.kind, spec.backend, spec.target, spec.options) == (kind, backend, target, options)
    assert DeviceSpec.parse(str(spec)) == spec


@pytest.mark.parametrize("text", ["", "camera", "printer:usb:1", "fingerprint:serial:/dev/x?baud"])
def test_bad_specs_raise_clear_errors(text):
    with pytest.raises(SpecError) as info:
        DeviceSpec.parse(text)
    assert "spec" in str(info.value)


def test_option_conversion_error_names_the_option():
    with pytest.raises(SpecError, match="baud"):
        DeviceSpec.parse("fingerprint:serial:/dev/x?baud=fast").option("baud", 57600, int)


def test_unknown_backend():
    with pytest.raises(SpecError, match="no backend"):
        open_device("camera:nosuch:0")


def test_worker_runs_jobs_in_order_on_its_own_thread():
    worker = DeviceWorker("t")
    seen = []
    futures = [worker.submit(lambda i=i: seen.append((i, threading.current_thread().name))) for i in range(20)]
    for f in futures:
        f.result(2)
    assert [i for i, _ in seen] == list(range(20))
    assert {name for _, name in seen} == {"device-t"}
    worker.close()
    assert not worker.alive


def test_worker_propagates_errors_and_events():
    worker = DeviceWorker("e")
    events = []
    worker.subscribe(lambda event, data: events.append((event, data)))

    def fail():
        worker.emit("log", line="tx EF01")
        raise DeviceNotFound("gone")

    with pytest.raises(DeviceNotFound):
        worker.call(fail, timeout=2)
    assert events == [("log", {"line": "tx EF01"})]
    worker.close()
    with pytest.raises(RuntimeError):
        worker.submit(lambda: None)
