from pathlib import Path

from fieldkit.cli.bench_command import BENCHMARKS

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def test_every_benchmark_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [b.name for b in BENCHMARKS if f"`{b.name}`" not in text]
    assert missing == []
