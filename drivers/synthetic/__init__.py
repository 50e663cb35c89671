"""Synthetic biometric material for the device simulators (face scenes, fingerprints)."""
