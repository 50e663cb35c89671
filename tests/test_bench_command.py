import json

from fieldkit.cli import bench_command
from fieldkit.cli import main


def fake_ok():
    return {"ms_per_item": 1.5, "items": 3}


def fake_broken():
    raise RuntimeError("device missing")


def test_bench_prints_figures_and_json(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench_command, "BENCHMARKS", (
        bench_command.Benchmark("ok", f"{__name__}:fake_ok", "≤ 2 ms", "none"),
        bench_command.Benchmark("broken", f"{__name__}:fake_broken", "-", "-"),
    ))
    out_file = tmp_path / "bench.json"
    code = main(["--data", str(tmp_path / "kit"), "bench", "--json", str(out_file)])
    assert code == 1  # the broken one is reported, not hidden
    text = capsys.readouterr().out
    assert "ms_per_item: 1.5" in text and "device missing" in text
    report = json.loads(out_file.read_text())
    assert [r["status"] for r in report["results"]] == ["ok", "error"]
    assert main(["--data", str(tmp_path / "kit"), "bench", "--only", "ok"]) == 0
    assert main(["--data", str(tmp_path / "kit"), "bench", "--only", "nope"]) == 2
