"""The kit factory opens the population and the return-trip list for a session, and forgets the residents."""

from __future__ import annotations

from fieldkit.kit import open_kit
from fieldkit.population.store import ExtractStore
from fieldkit.security import keystore
from sync.hub.registry.extract import write_extract
from tests.population.conftest import COMMUNE, PASS, hub_service


def test_population_is_opened_per_session_and_closed_with_the_kit(hub_dir, kit_dir, registry, tmp_path):
    service = hub_service(hub_dir)
    try:
        write_extract(service, hub_dir, [COMMUNE], keystore.kit_id(kit_dir), tmp_path / "ex.fkx")
    finally:
        service.storage.close()
    kit = open_kit(kit_dir)
    try:
        session = kit.unlock("off", PASS["off"])
        assert len(kit.population(session)) == 0            # no extract loaded yet: empty, not an error
        ExtractStore(kit_dir, session.kit).load((tmp_path / "ex.fkx").read_bytes())
        population = kit.population(session)
        assert len(population) == len(registry.residents)
        someone = registry.residents[0]
        assert someone.resident_id in {m.resident.resident_id for m in population.search(someone.birth_name, 50)}
        assert kit.return_trip(session) == []                # a provisioned kit with no verdicts yet
        kit.close_population()                               # logout
        assert len(population) == 0 and population.search(someone.birth_name) == []
        again = kit.population(session)
        assert len(again) == len(registry.residents)
    finally:
        kit.close()
    assert len(again) == 0                                   # closing the kit forgets them too
