"""The ONE kit factory: everything a kit opens from its data folder, for the app, the CLI and `fieldkit demo`.

    kit = open_kit(data_dir)                      # settings from the folder unless given
    session = kit.unlock("lan", passphrase)       # KitSession (fieldkit.enrolment.service)
    gallery = kit.duplicates(session)             # the kit's one template gallery (templates.sqlite3)
    devices = kit.devices(real_timing=False)      # the four enrolment devices from the settings
    with kit.sync(session) as kit_sync: ...       # the sync client for the provisioned hub
    population = kit.population(session)          # the commune's residents (fieldkit.population), in memory
    trips = kit.return_trip(session)              # the hub's return-trip list (sync.client.outcomes)
    kit.close_population()                        # at logout: the decrypted residents are forgotten
    kit.close()                                   # gallery locked, store closed (joins its writer thread)

One of each per kit: the EnrolmentService (store and its writer thread) and the KitGallery. A kit that still
holds the demo's old second gallery (`templates.sqlite`) has it merged into the one on first unlock
(fieldkit.dedup.gallery.merge_legacy_gallery).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fieldkit.dedup.gallery import KitGallery
from fieldkit.enrolment.service import EnrolmentService, KitSession
from fieldkit.settings import Settings, load_settings


@dataclass
class Kit:
    data_dir: Path
    settings: Settings
    service: EnrolmentService
    gallery: KitGallery
    _opened: list = field(default_factory=list, repr=False)
    _population: object = field(default=None, repr=False)

    def unlock(self, name: str | None, passphrase: str) -> KitSession:
        return self.service.unlock(name, passphrase)

    def duplicates(self, session: KitSession | None = None) -> KitGallery:
        """The kit's one template gallery; it opens (and merges an old second gallery) with `session`'s keys
        on first use. Lock it at logout: `gallery.lock()`."""
        return self.gallery

    def devices(self, real_timing: bool = True, roles=None):
        """The enrolment devices (fieldkit.kit_devices.KitDevices) opened from the settings; closed by the
        caller or, at the latest, by `close()`. `real_timing=False` skips simulated lines' waiting."""
        from fieldkit.kit_devices import ROLES, KitDevices
        opened = KitDevices.open(self.settings, real_timing, tuple(roles or ROLES))
        self._opened.append(opened)
        return opened

    def sync(self, session: KitSession, **opts):
        """The sync client of the provisioned hub (sync.client.factory.for_kit); close it when done."""
        from sync.client.factory import for_kit
        return for_kit(self.data_dir, self.settings, self.service, session, **opts)

    def population(self, session: KitSession):
        """The commune's residents from the loaded extracts (fieldkit.population.lookup.Population), decrypted
        with `session`'s keys into memory: slow for a big commune, so the app opens it on its BackgroundRunner.
        One per kit: opening again (another login) forgets the previous one first. Closed by
        `close_population()` (logout) or `close()`."""
        from fieldkit.population.lookup import open_population
        self.close_population()
        self._population = open_population(self.data_dir, self.settings, session)
        return self._population

    def close_population(self) -> None:
        population, self._population = getattr(self, "_population", None), None
        if population is not None:
            population.close()

    def return_trip(self, session: KitSession):
        """The return-trip list (the hub's verdicts needing a revisit, grouped by place):
        sync.client.outcomes.open_return_trip. Needs a provisioned hub (HubNotProvisioned otherwise)."""
        from sync.client.outcomes import open_return_trip
        return open_return_trip(self.data_dir, self.settings, session)

    def close(self) -> None:
        errors = []
        self.close_population()
        for closer in (*reversed(self._opened), self.gallery, self.service):
            try:
                closer.close()
            except Exception as exc:  # close the others anyway
                errors.append(exc)
        self._opened.clear()
        if errors:
            raise errors[0]

    def __enter__(self) -> "Kit":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_kit(data_dir: Path, settings: Settings | None = None) -> Kit:
    data_dir = Path(data_dir)
    settings = settings or load_settings(data_dir)
    service = EnrolmentService(data_dir, settings)
    return Kit(data_dir, settings, service, KitGallery(data_dir))
