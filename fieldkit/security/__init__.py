"""Kit keys: the device signing key, the kit data key wrapped in per-user key slots, the hub's keys."""
