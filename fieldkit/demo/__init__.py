"""Simulated village sessions: synthetic citizens going through the kit's real code paths."""
