"""Simulation plumbing shared by every serial simulator: transports (pty, memory pipe), faults, the runner."""
