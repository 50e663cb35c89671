"""Crypto-shredding: the lost-or-stolen-kit procedure behind `fieldkit wipe`."""

from __future__ import annotations

from pathlib import Path

from fieldkit.audit import log as audit
from fieldkit.logs import forget_sensitive
from fieldkit.security import keystore
from fieldkit.security.files import shred_file
from fieldkit.security.keystore import ADMIN_ROLES, UnlockedKit


def wipe_kit(kit: UnlockedKit, store=None) -> None:
    """Destroy the kit's keys (supervisor or technician only), after auditing that it happened.

    Every personal byte on the kit is AES-256-GCM ciphertext under the data key, and the data key exists only
    wrapped in the key slots: overwriting and deleting the key file makes all of it unreadable for good.
    Sealed packets were already readable only by the hub. The database stays (it is noise now) until the
    kit is re-initialised, which deletes it.
    """
    kit.require_role(*ADMIN_ROLES)
    if store is not None:
        store.write(lambda c: audit.append(c, kit.kit_id, kit.user.user_id, "wipe", None, {}, kit.device_key))
        store.close()
    keystore.destroy_keys(kit.data_dir)
    # Population extracts (fieldkit/population/store.py): already noise without the data key; shredded too,
    # their small wrapped-key files first, so not even their metadata stays.
    extracts = Path(kit.data_dir) / "population"
    for path in sorted(extracts.glob("*") if extracts.is_dir() else [], key=lambda p: not p.name.endswith(".key")):
        shred_file(path)
    kit.lock()
    forget_sensitive()
