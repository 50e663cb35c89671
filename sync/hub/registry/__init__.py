"""The hub's copy of the population registry: import, synthetic registries, extracts for kits, reports
(docs/population.md)."""
