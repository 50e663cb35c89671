"""Device side of an R30x-family module: answers the same bytes a real module does.

`FingerprintModule` is the protocol logic (no I/O, no sleeping): packets in → actions out.
`FingerprintSimulator` wires it to a pty (default; the driver opens a real /dev/pts path through a stable
symlink) or an in-memory `simpair://` line, runs it on its own thread at the profile's baud rate, and gives
tests and technicians the hands-on API:

    sim = FingerprintSimulator("normal")          # or profile="dry-finger", transport="memory"
    sim.present_finger("person-7", Finger.RIGHT_INDEX, "good");  sim.lift()
    sim.enroll("person-7", Finger.RIGHT_INDEX, page=3)
    sim.faults.set("checksum");  sim.faults.clear()
    sim.unplug(replug_after=0.2);  sim.close()

The simulated module "matches" by identity (the template it keeps is who the finger belongs to), which is
what the capture flow needs; real matching scores are the matcher's business, not the driver's.
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass

from drivers.errors import ProtocolError, SpecError
from drivers.fingerprint import protocol as p
from drivers.fingerprint.images import CONDITIONS, resolve_image_source
from drivers.sim.faults import Faults
from drivers.sim.profiles import load_profile
from drivers.sim.render import BackgroundRenderer
from drivers.sim.device import SimulatedSerialDevice
from drivers.sim.runner import Call, Pause, Send, Unplug

DEFAULTS = {
    "description": "",
    "baud": 57600,
    "packet_size": 128,
    "pacing": True,
    "password": 0,
    "address": p.DEFAULT_ADDRESS,
    "faults": "",
    "image_source": "synthetic",
    "replug_after": 0.3,
    "timing": {"gen_img": 0.0, "img2tz": 0.0, "search": 0.0},
    "finger": {"default_condition": "good", "capture_fail": 0.0},
    "rejects": {"none": 0x07},
}

LIBRARY_SIZE = 1000


@dataclass(frozen=True)
class Presented:
    person: str
    finger: int
    condition: str


def noise(rng: random.Random, length: int) -> bytes:
    """Line noise that never contains a packet header."""
    return bytes(b if b != 0xEF else 0xEE for b in rng.randbytes(length))


class FingerprintModule:
    """The module's state machine. Runs on the simulator thread only."""

    def __init__(self, profile: dict, faults: Faults, *, on_baud=lambda baud: None, seed: int = 0,
                 renderer: BackgroundRenderer | None = None):
        self.profile = profile
        self.renderer = renderer or BackgroundRenderer("fingerprint")
        self.faults = faults
        self.on_baud = on_baud
        self.address = int(profile["address"])
        self.password = int(profile["password"])
        self.baudrate = int(profile["baud"])
        self.packet_size = int(profile["packet_size"])
        if self.packet_size not in p.PACKET_SIZES:
            raise SpecError(f"packet_size {self.packet_size} is not one of {p.PACKET_SIZES}")
        self.image_source = resolve_image_source(profile["image_source"])
        self.rng = random.Random(seed)
        self.finger: Presented | None = None
        self.impression = 0  # bumps on every placement: a new press of the finger
        self.library: dict[int, tuple[str, int]] = {}
        self.captures = 0
        self.reader = p.FrameReader(address=None)
        self.on_replug()

    # --- power cycle -------------------------------------------------------------------------------
    def on_replug(self) -> None:
        """A module comes back from power loss with empty buffers; its library (flash) is kept."""
        self.reader.clear()
        self.verified = self.password == 0
        self.image = None
        self.captured: Presented | None = None  # whose finger the image in the buffer is
        self.char: dict[int, tuple[str, int] | None] = {1: None, 2: None}

    # --- bytes in → actions out ------------------------------------------------------------------
    def on_bytes(self, data: bytes) -> list:
        self.reader.feed(data)
        actions: list = []
        while True:
            try:
                packet = self.reader.next_packet()
            except ProtocolError:  # a corrupted command: the module answers "receive error"
                actions += self._answer([p.ack(0x01, address=self.address)], "receive")
                continue
            if packet is None:
                return actions
            if packet.address != self.address or packet.pid != p.PID_COMMAND or not packet.payload:
                continue  # not for this module: real modules stay silent
            actions += self._dispatch(packet.payload[0], packet.payload[1:])

    def _dispatch(self, code: int, params: bytes) -> list:
        handler = self._handlers().get(code)
        if handler is None:
            return self._answer([self._ack(0x01)], "unknown")
        if not self.verified and code not in (p.VFY_PWD, p.GET_ECHO):
            return self._answer([self._ack(0x21)], "locked")
        return handler(params)

    def _handlers(self):
        return {p.GEN_IMG: self._gen_img, p.IMG2TZ: self._img2tz, p.SEARCH: self._search,
                p.MATCH: self._match, p.REG_MODEL: self._reg_model, p.STORE: self._store,
                p.UP_IMAGE: self._up_image, p.EMPTY: self._empty, p.TEMPLATE_NUM: self._template_num,
                p.READ_SYS_PARA: self._read_sys_para, p.SET_SYS_PARA: self._set_sys_para,
                p.VFY_PWD: self._vfy_pwd, p.GET_ECHO: self._get_echo, p.SOFT_RESET: self._soft_reset}

    def _ack(self, code: int, data: bytes = b"") -> bytes:
        return p.ack(code, data, self.address)

    def _answer(self, frames: list[bytes], what: str, *, delay: float = 0.0, after: list | None = None) -> list:
        """Actions for an answer, with the active faults applied."""
        if self.faults.fires("timeout"):
            return [Pause(delay)] if delay else []
        if self.faults.fires("garbage"):
            return [Pause(delay), Send(noise(self.rng, 24 + self.rng.randrange(48)))]
        if self.faults.fires("disconnect"):
            kept = frames[: max(1, len(frames) // 2)] if len(frames) > 1 else []
            return [Pause(delay), *(Send(f) for f in kept), Unplug(self.profile["replug_after"])]
        if frames and self.faults.fires("checksum"):
            first = bytearray(frames[0])
            first[-1] ^= 0x5A
            frames = [bytes(first), *frames[1:]]
        actions: list = [Pause(delay)] if delay else []
        actions += [Send(f) for f in frames]
        return actions + (after or [])

    # --- commands -----------------------------------------------------------------------------------
    def present(self, finger: Presented | None) -> None:
        """Place (or lift, with None) a finger; its image starts rendering at once."""
        if finger is not None:
            self.impression += 1
            self.renderer.start(self._image_key(finger), lambda: self._render(finger))
        self.finger = finger

    def _image_key(self, finger: Presented):
        return (finger, self.impression)

    def _render(self, finger: Presented):
        return self.image_source(finger.person, finger.finger, condition=finger.condition,
                                 size=(p.IMAGE_HEIGHT, p.IMAGE_WIDTH), impression=self.impression)

    def _gen_img(self, params: bytes) -> list:
        delay = self.profile["timing"]["gen_img"]
        finger = self.finger
        image = None if finger is None else self.renderer.get(self._image_key(finger), lambda: self._render(finger))
        if image is None:  # no finger, or the sensor has not "seen" it yet
            return self._answer([self._ack(0x02)], "GenImg", delay=min(delay, 0.05))
        if self.rng.random() < self.profile["finger"]["capture_fail"]:
            return self._answer([self._ack(0x03)], "GenImg", delay=delay)
        self.captures += 1
        self.captured = finger
        self.image = image
        return self._answer([self._ack(0x00)], "GenImg", delay=delay)

    def _img2tz(self, params: bytes) -> list:
        delay = self.profile["timing"]["img2tz"]
        buffer_id = params[0] if params else 1
        if buffer_id not in (1, 2):
            return self._answer([self._ack(0x1A)], "Img2Tz")
        if self.image is None or self.captured is None:
            return self._answer([self._ack(0x15)], "Img2Tz", delay=delay)
        reject = self.profile["rejects"].get(self.captured.condition)
        if reject:
            return self._answer([self._ack(int(reject))], "Img2Tz", delay=delay)
        self.char[buffer_id] = (self.captured.person, self.captured.finger)
        return self._answer([self._ack(0x00)], "Img2Tz", delay=delay)

    def _search(self, params: bytes) -> list:
        if len(params) < 5:
            return self._answer([self._ack(0x01)], "Search")
        buffer_id, start, count = struct.unpack(">BHH", params[:5])
        template = self.char.get(buffer_id)
        delay = self.profile["timing"]["search"]
        for page in range(start, min(start + count, LIBRARY_SIZE)):
            if template is not None and self.library.get(page) == template:
                return self._answer([self._ack(0x00, struct.pack(">HH", page, 120))], "Search", delay=delay)
        return self._answer([self._ack(0x09)], "Search", delay=delay)

    def _match(self, params: bytes) -> list:
        a, b = self.char[1], self.char[2]
        if a is not None and a == b:
            return self._answer([self._ack(0x00, struct.pack(">H", 150))], "Match")
        return self._answer([self._ack(0x08, b"\x00\x00")], "Match")

    def _reg_model(self, params: bytes) -> list:
        if self.char[1] is None or self.char[1] != self.char[2]:
            return self._answer([self._ack(0x0A)], "RegModel")
        return self._answer([self._ack(0x00)], "RegModel")

    def _store(self, params: bytes) -> list:
        if len(params) < 3:
            return self._answer([self._ack(0x01)], "Store")
        buffer_id, page = struct.unpack(">BH", params[:3])
        if page >= LIBRARY_SIZE:
            return self._answer([self._ack(0x0B)], "Store")
        if self.char.get(buffer_id) is None:
            return self._answer([self._ack(0x01)], "Store")
        self.library[page] = self.char[buffer_id]
        return self._answer([self._ack(0x00)], "Store")

    def _empty(self, params: bytes) -> list:
        self.library.clear()
        return self._answer([self._ack(0x00)], "Empty")

    def _template_num(self, params: bytes) -> list:
        return self._answer([self._ack(0x00, struct.pack(">H", len(self.library)))], "TemplateNum")

    def _up_image(self, params: bytes) -> list:
        if self.image is None:
            return self._answer([self._ack(0x0F)], "UpImage")
        data = p.pack_image(self.image)
        size = self.packet_size
        chunks = [data[i:i + size] for i in range(0, len(data), size)]
        frames = [self._ack(0x00)]
        frames += [p.encode_packet(p.PID_DATA if i < len(chunks) - 1 else p.PID_END, chunk, self.address)
                   for i, chunk in enumerate(chunks)]
        return self._answer(frames, "UpImage")

    def _read_sys_para(self, params: bytes) -> list:
        status = (0x04 if self.verified else 0) | (0x08 if self.image is not None else 0)
        para = p.SystemParameters(status, 0x0009, LIBRARY_SIZE, 3, self.address, self.packet_size,
                                  self.baudrate)
        return self._answer([self._ack(0x00, para.encode())], "ReadSysPara")

    def _set_sys_para(self, params: bytes) -> list:
        if len(params) < 2:
            return self._answer([self._ack(0x01)], "SetSysPara")
        number, value = params[0], params[1]
        if number == p.PARAM_BAUD and 1 <= value <= 12:
            baud = 9600 * value
            # the ack still goes out at the old rate; the new one applies from the next byte
            return self._answer([self._ack(0x00)], "SetSysPara", after=[Call(lambda: self._switch_baud(baud))])
        if number == p.PARAM_PACKET_SIZE and value <= 3:
            self.packet_size = p.PACKET_SIZES[value]
            return self._answer([self._ack(0x00)], "SetSysPara")
        if number == p.PARAM_SECURITY and 1 <= value <= 5:
            return self._answer([self._ack(0x00)], "SetSysPara")
        return self._answer([self._ack(0x1A)], "SetSysPara")

    def _switch_baud(self, baud: int) -> None:
        self.baudrate = baud
        self.on_baud(baud)

    def _vfy_pwd(self, params: bytes) -> list:
        given = struct.unpack(">I", params[:4])[0] if len(params) >= 4 else None
        if given != self.password or self.faults.fires("password"):
            self.verified = False
            return self._answer([self._ack(0x13)], "VfyPwd")
        self.verified = True
        return self._answer([self._ack(0x00)], "VfyPwd")

    def _get_echo(self, params: bytes) -> list:
        return self._answer([self._ack(p.ECHO_OK)], "GetEcho")

    def _soft_reset(self, params: bytes) -> list:
        self.on_replug()
        return self._answer([self._ack(0x00)], "SoftReset")


class FingerprintSimulator(SimulatedSerialDevice):
    """A simulated module on its own thread, reachable at `path` (pty symlink or simpair:// URL)."""

    def __init__(self, profile: str = "normal", *, transport: str = "pty", faults: str | None = None,
                 baud: int | None = None, packet_size: int | None = None, pacing: bool | None = None,
                 password: int | None = None, image_source: str | None = None, seed: int = 0):
        overrides = {"baud": baud, "packet_size": packet_size, "pacing": pacing, "password": password,
                     "image_source": image_source}
        self.profile = load_profile("fingerprint", profile, DEFAULTS)
        self.profile.update({k: v for k, v in overrides.items() if v is not None})
        super().__init__(seed)
        self.renderer = BackgroundRenderer("fingerprint")
        self.module = FingerprintModule(self.profile, self.faults, on_baud=self._baud_changed, seed=seed,
                                        renderer=self.renderer)
        self._start(self.module, kind="fingerprint", transport=transport,
                    fault_texts=(self.profile["faults"], faults), baudrate=self.module.baudrate,
                    pacing=bool(self.profile["pacing"]))

    @property
    def baudrate(self) -> int:
        return self.module.baudrate

    def spec(self, **options) -> str:
        """A `fingerprint:serial:` spec that opens this simulator with the matching settings."""
        opts = {"baud": self.module.baudrate, **options}
        return f"fingerprint:serial:{self.path}?" + "&".join(f"{k}={v}" for k, v in opts.items())

    # --- hands on the sensor -----------------------------------------------------------------------
    def present_finger(self, person: str, finger: int, condition: str | None = None) -> None:
        condition = condition or self.profile["finger"]["default_condition"]
        if condition not in CONDITIONS:
            raise ValueError(f"unknown finger condition {condition!r} (known: {', '.join(CONDITIONS)})")
        self.module.present(Presented(person, int(finger), condition))

    def wait_until_ready(self, timeout: float = 30.0) -> None:
        """Block until the presented finger's image is rendered (GenImg answers "no finger" until then)."""
        finger = self.module.finger
        if finger is not None:
            self.renderer.wait(self.module._image_key(finger), timeout)

    def lift(self) -> None:
        self.module.present(None)

    def enroll(self, person: str, finger: int, page: int) -> None:
        self.module.library[page] = (person, int(finger))

    # --- internals ---------------------------------------------------------------------------------
    def _baud_changed(self, baud: int) -> None:
        self.runner.set_baudrate(baud)
