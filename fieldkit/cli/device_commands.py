"""`fieldkit devices` and `fieldkit sim`: what a technician runs first when a scanner or reader misbehaves.

    fieldkit devices [--json] [--no-test] [--spec SPEC ...]
        lists serial ports and simulated devices, then opens and self-tests each configured device
        (settings fingerprint, slap_scanner, qr_reader; camera when a camera backend is registered)
    fieldkit sim fingerprint|slap|qr|camera [--profile P] [--faults F] [--baud B] [--present PERSON]
        runs a simulator until Ctrl-C / SIGTERM and prints the serial path to open (any tool can)
"""

from __future__ import annotations

import json
import signal
import threading
import time

from drivers.errors import DeviceError
from drivers.registry import BACKENDS, enumerate_devices, open_device
from drivers.spec import DeviceSpec

# (setting name, label) of the devices `fieldkit devices` self-tests, in capture order.
CONFIGURED = (("camera", "camera"), ("fingerprint", "fingerprint scanner"), ("slap_scanner", "slap scanner"),
              ("qr_reader", "card-QR reader"))


def register(sub) -> None:
    p = sub.add_parser("devices", help="list serial ports and simulators; self-test the configured devices")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--no-test", action="store_true", help="only list, do not open the configured devices")
    p.add_argument("--spec", action="append", metavar="SPEC",
                   help="self-test this device spec instead of the configured ones (repeatable)")
    p.set_defaults(func=run_devices)

    s = sub.add_parser("sim", help="run a device simulator standalone on a serial path other tools can open")
    s.add_argument("device", choices=("fingerprint", "slap", "qr", "camera"))
    s.add_argument("--profile", default=None, help="simulator profile (default: normal / studio)")
    s.add_argument("--faults", default="", help="faults to inject, e.g. checksum,timeout:0.1,disconnect*1")
    s.add_argument("--baud", type=int, default=None, help="line speed to emulate (fingerprint: 9600 × N)")
    s.add_argument("--present", metavar="PERSON", default=None,
                   help="keep this synthetic person's finger/hand on the sensor (e.g. synthetic-person-1)")
    s.add_argument("--scan-every", type=float, metavar="SECONDS", default=None,
                   help="qr: present a synthetic ID card this often")
    s.set_defaults(func=run_sim)


# --- devices -----------------------------------------------------------------------------------------

def configured_specs(settings) -> list[tuple[str, str, str]]:
    """(setting, label, spec) for each configured device; the camera only when its backend is registered."""
    found = []
    for name, label in CONFIGURED:
        spec = getattr(settings, name, "") or ""
        if not spec:
            continue
        if name == "camera":
            try:
                parsed = DeviceSpec.parse(spec)
            except DeviceError:
                parsed = None
            if parsed is not None and (parsed.kind, parsed.backend) not in BACKENDS:
                continue
        found.append((name, label, spec))
    return found


# Kinds whose backend package brings its own spec-level self-test (returns a dataclass or dict with `ok`).
SPEC_SELF_TESTS = {"camera": "drivers.camera.selftest:self_test"}


def _spec_self_test(spec: str) -> dict | None:
    """The backend's own self-test for this spec, or None when it has none (then: open + device.self_test)."""
    import dataclasses
    import importlib

    try:
        kind = DeviceSpec.parse(spec).kind
    except DeviceError:
        return None
    ref = SPEC_SELF_TESTS.get(kind)
    if ref is None:
        return None
    module, _, attr = ref.partition(":")
    try:
        function = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None
    t0 = time.monotonic()
    outcome = function(spec)
    result = dataclasses.asdict(outcome) if dataclasses.is_dataclass(outcome) else dict(outcome)
    result.setdefault("seconds", round(time.monotonic() - t0, 4))
    if not result.get("ok"):
        result.setdefault("error", result.get("summary", "self-test failed"))
        result.setdefault("error_type", "SelfTestFailed")
    return result


def self_test(spec: str) -> dict:
    """Open, self-test and close one device; never raises (a failure is the result)."""
    own = _spec_self_test(spec)
    if own is not None:
        return {"spec": spec, **own}
    t0 = time.monotonic()
    result: dict = {"spec": spec}
    device = None
    try:
        device = open_device(spec)
        result["open_seconds"] = round(time.monotonic() - t0, 4)
        test = getattr(device, "self_test", None)
        details = test() if callable(test) else {"ok": True, "note": "opened (no self-test for this backend)"}
        result.update(details if isinstance(details, dict) else {"ok": bool(details)})
    except DeviceError as exc:
        result.update(ok=False, error=str(exc), error_type=type(exc).__name__)
    except Exception as exc:  # a driver bug must show up as a failed device, not kill the listing
        result.update(ok=False, error=f"{type(exc).__name__}: {exc}", error_type="InternalError")
    finally:
        if device is not None and hasattr(device, "close"):
            try:
                device.close()
            except Exception as exc:  # report, but the test result stands
                result["close_error"] = f"{type(exc).__name__}: {exc}"
    result["seconds"] = round(time.monotonic() - t0, 4)
    return result


def run_devices(args, ctx) -> int:
    listing = [{"spec": d.spec, "description": d.description, "simulated": d.simulated} for d in enumerate_devices()]
    if args.spec:
        targets = [("spec", "device", s) for s in args.spec]
    else:
        targets = configured_specs(ctx.settings)
    tests = []
    if not args.no_test:
        for name, label, spec in targets:
            tests.append({"setting": name, "label": label, **self_test(spec)})
    if args.json:
        print(json.dumps({"found": listing, "tests": tests}, ensure_ascii=False, indent=2, default=str))
    else:
        _print_devices(listing, tests)
    return 0 if all(t.get("ok") for t in tests) else 1


def _print_devices(listing: list[dict], tests: list[dict]) -> None:
    print("== Devices found")
    real = [d for d in listing if not d["simulated"]]
    if not real:
        print("  (no serial ports: plug the scanner or reader in, or use a simulator)")
    for d in real:
        print(f"  {d['spec']:45} {d['description']}")
    print("== Simulators available")
    for d in listing:
        if d["simulated"]:
            print(f"  {d['spec']:45} {d['description']}")
    if tests:
        print("== Self-test of configured devices")
    for t in tests:
        mark = "OK  " if t.get("ok") else "FAIL"
        print(f"  {mark} {t['label']:20} {t['spec']}  ({t['seconds'] * 1000:.0f} ms)")
        if t.get("summary"):
            print(f"         {t['summary']}")
        for step in t.get("steps", []):
            print(f"         {step['step']}: {step['seconds'] * 1000:.1f} ms")
        if not t.get("ok"):
            print(f"         {t.get('error_type')}: {t.get('error')}")


def doctor_section(ctx) -> tuple[str, list[str]]:
    """`fieldkit doctor` probe: ports seen and devices configured (no device is opened: that is `devices`)."""
    lines = [f"{d.spec}  {d.description}" for d in enumerate_devices() if not d.simulated] or ["no devices found"]
    for _setting, label, spec in configured_specs(ctx.settings):
        lines.append(f"{label}: {spec}")
    lines.append("run `fieldkit devices` to open and self-test them")
    return "Devices", lines


# --- sim ---------------------------------------------------------------------------------------------

def make_simulator(device: str, profile: str | None, faults: str, baud: int | None):
    """The standalone simulator for `fieldkit sim DEVICE` (pty transport)."""
    if device == "fingerprint":
        from drivers.fingerprint.simulator import FingerprintSimulator
        return FingerprintSimulator(profile or "normal", faults=faults, baud=baud)
    if device == "slap":
        from drivers.fingerprint.slap_simulator import SlapSimulator
        return SlapSimulator(profile or "normal", faults=faults)
    if device == "qr":
        from drivers.qr.simulator import QrSimulator
        return QrSimulator(profile or "normal", faults=faults)
    raise ValueError(device)


def _describe_sim(device: str, sim) -> list[str]:
    lines = [f"{device} simulator running (profile {sim.profile['name']}: {sim.profile.get('description', '')})",
             f"serial path: {sim.path}", f"current pty: {sim.device_path}"]
    if device == "fingerprint":
        lines.append(f"baud: {sim.baudrate}; open it with the spec: fingerprint:serial:{sim.path}?baud={sim.baudrate}")
    elif device == "slap":
        lines.append(f"open it with the spec: slap:serial:{sim.path}")
    else:
        lines.append(f"baud: {sim.baudrate}; open it with the spec: qr:serial:{sim.path}?baud={sim.baudrate}")
    lines.append(f"faults: {sim.faults.describe()}; stop with Ctrl-C")
    return lines


def _wait_for_stop(stop: threading.Event, tick: float | None, on_tick) -> None:
    """Sleep until SIGINT/SIGTERM sets `stop`, calling `on_tick` every `tick` seconds if given."""
    while not stop.wait(tick if tick else 3600):
        if on_tick is not None:
            on_tick()


def run_sim(args, ctx) -> int:
    if args.device == "camera":
        return _run_camera_sim(args)
    try:
        sim = make_simulator(args.device, args.profile, args.faults, args.baud)
    except (DeviceError, ValueError) as exc:
        print(f"error: {exc}")
        return 2
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if args.present and args.device == "fingerprint":
            sim.present_finger(args.present, 2)
        elif args.present and args.device == "slap":
            sim.present_hand(args.present)
        for line in _describe_sim(args.device, sim):
            print(line, flush=True)
        counter = iter(range(1, 10**9))
        on_tick = (lambda: sim.present_card(next(counter))) if args.device == "qr" and args.scan_every else None
        _wait_for_stop(stop, args.scan_every if on_tick else None, on_tick)
    finally:
        sim.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("simulator stopped", flush=True)
    return 0


def _camera_faults(text: str) -> dict:
    """'frozen,drop_rate=0.2' → {'frozen': True, 'drop_rate': 0.2} for the camera simulator's faults.set()."""
    faults: dict = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, raw = item.partition("=")
        if not raw:
            faults[name] = True
            continue
        lowered = raw.strip().lower()
        if lowered in ("true", "false"):
            faults[name] = lowered == "true"
        else:
            faults[name] = float(raw) if "." in raw else int(raw)
    return faults


def _run_camera_sim(args) -> int:
    """The camera simulator belongs to the camera backend: serve it as an MJPEG stream on 127.0.0.1 if present."""
    if ("camera", "sim") not in BACKENDS:
        print("no camera simulator is installed in this build (no camera:sim backend registered)")
        return 2
    try:
        from drivers.camera.mjpeg_server import MjpegServer
        from drivers.camera.sim_camera import SimulatedCamera
        from drivers.camera.sim_camera import load_profile as load_camera_profile
    except ImportError as exc:
        print(f"the camera simulator cannot run standalone in this build ({exc}); open it from the app with "
              f"the spec camera:sim:{args.profile or 'studio'}")
        return 2
    try:
        camera = SimulatedCamera(load_camera_profile(args.profile or "studio"))
        if args.faults:
            camera.faults.set(**_camera_faults(args.faults))
    except (DeviceError, ValueError, KeyError, OSError) as exc:
        print(f"error: {exc}")
        return 2
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = MjpegServer(camera).start()
    try:
        print(f"camera simulator running (profile {args.profile or 'studio'})", flush=True)
        print(f"stream: {server.url}", flush=True)
        print(f"open it with the spec: {server.spec}", flush=True)
        print("stop with Ctrl-C", flush=True)
        _wait_for_stop(stop, None, None)
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("simulator stopped", flush=True)
    return 0
