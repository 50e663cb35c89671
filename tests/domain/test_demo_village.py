"""The demo village (fieldkit.demo.population) passes the domain rules: names, IDs, ethnicities, captures."""

from fieldkit.demo.population import village
from fieldkit.benchmarks.records import TODAY, record_for
from fieldkit.domain.validation import validate


def test_synthetic_villagers_validate_cleanly():
    people = village(150, seed=3, today=TODAY)
    for person in people:
        issues = validate(record_for(person, people), today=TODAY)
        assert [i.code for i in issues] == [], person.index


def test_benchmark_functions_return_figures():
    from fieldkit.benchmarks.records import bench_validation

    figures = bench_validation(n=20)
    assert figures["records"] == 20 and figures["validate_ms"] > 0
