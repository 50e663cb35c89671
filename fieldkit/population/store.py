"""The kit's population extracts, encrypted at rest and shredded at expiry (docs/population.md).

`<data>/population/<extract id>.meta.json`  what `fieldkit extract list` shows: ids, communes, counts, times
                                            (no personal data);
`<data>/population/<extract id>.key`        the extract's own random key, wrapped under a key derived from
                                            the kit data key (AAD binds kit, extract id and expiry);
`<data>/population/<extract id>.data`       zlib(JSON residents), AES-256-GCM under the extract's key.
Shredding overwrites and deletes the small key file first: without it the data file is noise, even where
flash storage keeps an old copy of the big file. An expired extract is refused for lookups and shredded
at the next access (every lookup, list or load sweeps); `fieldkit wipe` shreds every extract and destroys
the data key anyway. Editing an expiry in the meta file makes the key unwrap fail (the AAD holds it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from fieldkit.population.extract_format import ExtractError, open_extract_raw, residents_of
from fieldkit.population.kitkey import kit_extract_key
from fieldkit.population.resident import Resident
from fieldkit.security import crypto
from fieldkit.security.files import read_json, shred_file, write_atomic, write_json_atomic
from fieldkit.security.hub_keys import load_hub_keys

POPULATION_DIR = "population"
SUBKEY_PURPOSE = "population extracts"


@dataclass(frozen=True)
class ExtractInfo:
    extract_id: str
    hub_id: str
    communes: tuple[str, ...]
    count: int
    created_at: int
    expires_at: int
    loaded_at: int

    def expired(self, now_ms: int) -> bool:
        return now_ms >= self.expires_at

    def to_dict(self) -> dict:
        return {"extract_id": self.extract_id, "hub_id": self.hub_id, "communes": list(self.communes),
                "count": self.count, "created_at": self.created_at, "expires_at": self.expires_at,
                "loaded_at": self.loaded_at}


def population_dir(data_dir: Path) -> Path:
    return Path(data_dir) / POPULATION_DIR


def _now_ms() -> int:
    return int(time.time() * 1000)


def _aad(kind: str, kit_id: str, info: ExtractInfo) -> bytes:
    return f"fieldkit extract {kind} v1|{kit_id}|{info.extract_id}|{info.expires_at}".encode()


def shred_extract(data_dir: Path, extract_id: str) -> bool:
    """Crypto-shred one extract (key file first); True if anything was there."""
    folder = population_dir(data_dir)
    paths = [folder / f"{extract_id}{ext}" for ext in (".key", ".data", ".meta.json")]
    found = any(p.exists() for p in paths)
    for path in paths:
        shred_file(path)
    return found


def shred_all(data_dir: Path) -> int:
    """Shred every extract on the kit (used by `fieldkit wipe`); how many there were. Works while locked."""
    folder = population_dir(data_dir)
    if not folder.exists():
        return 0
    files = [p for p in folder.iterdir() if p.is_file()]
    count = sum(p.name.endswith(".meta.json") for p in files)
    for path in sorted(files, key=lambda p: not p.name.endswith(".key")):  # key files first
        shred_file(path)
    return count


def list_extracts(data_dir: Path) -> list[ExtractInfo]:
    """The extracts on the kit (expired ones included until swept), oldest first. Works while locked."""
    folder = population_dir(data_dir)
    out = []
    for meta in sorted(folder.glob("*.meta.json")) if folder.exists() else []:
        try:
            raw = read_json(meta)
            out.append(ExtractInfo(raw["extract_id"], raw["hub_id"], tuple(raw["communes"]), int(raw["count"]),
                                   int(raw["created_at"]), int(raw["expires_at"]), int(raw["loaded_at"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged meta file: the extract is unusable; `drop` or a sweep removes it
    return sorted(out, key=lambda i: i.loaded_at)


def sweep_expired(data_dir: Path, now_ms: int | None = None) -> list[str]:
    """Shred every expired extract; the ids shredded."""
    now_ms = _now_ms() if now_ms is None else now_ms
    gone = [i.extract_id for i in list_extracts(data_dir) if i.expired(now_ms)]
    for extract_id in gone:
        shred_extract(data_dir, extract_id)
    return gone


class ExtractStore:
    """Loading and reading extracts with an unlocked kit (`kit`: fieldkit.security.keystore.UnlockedKit)."""

    def __init__(self, data_dir: Path, kit, clock=_now_ms):
        self.data_dir, self.kit, self.clock = Path(data_dir), kit, clock

    @property
    def _wrap_key(self) -> bytes:
        return self.kit.subkey(SUBKEY_PURPOSE)

    def load(self, data: bytes) -> tuple[ExtractInfo, list[str]]:
        """Verify and store an extract file's bytes; (its info, ids of older extracts it replaced).

        ExtractError (bad signature, other kit, expired, damaged, superseded) stores nothing. An extract covering
        every commune of an older one replaces it (the newer registry state wins); an older extract whose
        communes a newer one already covers is refused (no rollback by replaying an old file)."""
        now = self.clock()
        sweep_expired(self.data_dir, now)
        hub = load_hub_keys(self.data_dir)
        header, plain = open_extract_raw(data, hub.signing_public_key, self.kit.kit_id,
                                         kit_extract_key(self.kit.device_key), now)
        info = ExtractInfo(header.extract_id, header.hub_id, header.communes, header.count, header.created_at,
                           header.expires_at, now)
        newer = [old for old in list_extracts(self.data_dir) if old.extract_id != info.extract_id
                 and set(info.communes) <= set(old.communes) and old.created_at > info.created_at]
        if newer:  # replaying an older extract must not roll the registry back
            raise ExtractError("superseded", f"extract {newer[0].extract_id}")
        self._write(info, plain)
        replaced = [old.extract_id for old in list_extracts(self.data_dir)
                    if old.extract_id != info.extract_id and set(old.communes) <= set(info.communes)
                    and old.created_at <= info.created_at]
        for extract_id in replaced:
            shred_extract(self.data_dir, extract_id)
        return info, replaced

    def _write(self, info: ExtractInfo, plain: bytes) -> None:
        """Store the verified content (zlib JSON) under a fresh key of its own, wrapped under the kit's."""
        folder = population_dir(self.data_dir)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = crypto.new_key()
        write_atomic(folder / f"{info.extract_id}.data", crypto.encrypt(key, plain, _aad("data", self.kit.kit_id, info)))
        write_atomic(folder / f"{info.extract_id}.key",
                     crypto.encrypt(self._wrap_key, key, _aad("key", self.kit.kit_id, info)))
        write_json_atomic(folder / f"{info.extract_id}.meta.json", info.to_dict())  # last: it makes the extract visible

    def residents(self) -> tuple[list[ExtractInfo], list[Resident]]:
        """Every resident of the valid extracts (a resident in two extracts: the newest copy)."""
        now = self.clock()
        sweep_expired(self.data_dir, now)
        infos = sorted((i for i in list_extracts(self.data_dir) if not i.expired(now)), key=lambda i: i.created_at)
        by_id: dict[str, Resident] = {}
        for info in infos:  # oldest made first: a resident in a newer extract overwrites the older copy
            for r in self._read(info):
                by_id[r.resident_id] = r
        return infos, list(by_id.values())

    def _read(self, info: ExtractInfo) -> list[Resident]:
        folder = population_dir(self.data_dir)
        try:
            key = crypto.decrypt(self._wrap_key, (folder / f"{info.extract_id}.key").read_bytes(),
                                 _aad("key", self.kit.kit_id, info))
            plain = crypto.decrypt(key, (folder / f"{info.extract_id}.data").read_bytes(),
                                   _aad("data", self.kit.kit_id, info))
        except (OSError, crypto.DecryptError):
            raise ExtractError("decrypt_failed", f"stored extract {info.extract_id}") from None
        return residents_of(plain)


__all__ = ["ExtractInfo", "ExtractStore", "list_extracts", "shred_all", "shred_extract",
           "sweep_expired", "population_dir"]
