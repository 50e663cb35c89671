"""Synthetic test material for the simulators: fingerprints (and camera scenes), deterministic and offline."""
