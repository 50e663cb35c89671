"""The cable end every serial simulator shares: an endpoint a driver opens, faults, and the line thread.

A simulator subclass builds its device model (the byte protocol), then calls `_start`; everything about the
connection itself (path, unplug/replug, busy port, clean close) lives here once.
"""

from __future__ import annotations

from drivers.errors import SpecError
from drivers.sim.faults import Faults
from drivers.sim.render import BackgroundRenderer
from drivers.sim.runner import SimulatorRunner, make_endpoint


class SimulatedSerialDevice:
    """Base of the fingerprint, slap-scanner and QR simulators."""

    renderer: BackgroundRenderer | None = None

    def __init__(self, seed: int = 0):
        self.faults = Faults(seed, on_change=self._faults_changed)
        self._endpoint = None

    def _start(self, model, *, kind: str, transport: str, fault_texts: tuple[str | None, ...], baudrate: int,
               pacing: bool, check_baud: bool = True) -> None:
        """Open the endpoint, apply profile and caller faults, and start the line thread.

        A bad fault text is a SpecError, and nothing opened for this simulator is left behind.
        """
        self._endpoint = make_endpoint(transport, kind)
        try:
            for text in fault_texts:
                self.faults.apply_text(text or "")
        except ValueError as exc:
            self._endpoint.close()
            if self.renderer is not None:
                self.renderer.close()
            raise SpecError(str(exc)) from None
        self.runner = SimulatorRunner(model, self._endpoint, baudrate=baudrate, pacing=pacing, name=kind,
                                      check_baud=check_baud)

    # --- where to connect --------------------------------------------------------------------------
    @property
    def path(self) -> str:
        """Stable path a driver opens (symlink to the current /dev/pts/N, or simpair://…)."""
        return self._endpoint.path

    @property
    def device_path(self) -> str | None:
        return self._endpoint.device_path

    # --- cable -------------------------------------------------------------------------------------
    @property
    def plugged(self) -> bool:
        return self._endpoint.plugged

    def unplug(self, replug_after: float | None = None) -> None:
        self.runner.unplug(replug_after)

    def replug(self) -> None:
        self.runner.replug()

    def close(self) -> None:
        self.runner.close()
        if self.renderer is not None:
            self.renderer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _faults_changed(self, faults: Faults) -> None:
        # "busy" means another program holds the port: the endpoint refuses the driver's open.
        if self._endpoint is not None:
            self._endpoint.set_busy(faults.is_set("busy"))
