"""The benchmark harness runs end to end in its quick mode and writes every figure.

Nothing here asserts a time: the quick run uses tiny sizes, and speed belongs in ``benchmarks/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCHMARK_KEYS = ["call_overhead", "pagination", "rendering", "admin_rest", "refresh", "parsing"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(output)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return output


def test_quick_run_writes_every_benchmark(quick_run):
    results = json.loads((quick_run / "results.json").read_text(encoding="utf-8"))["results"]
    assert [result["key"] for result in results] == BENCHMARK_KEYS


def test_quick_run_timings_are_positive(quick_run):
    results = json.loads((quick_run / "results.json").read_text(encoding="utf-8"))["results"]
    for result in results:
        assert result["timings"], f"{result['key']} produced no timing"
        for timing in result["timings"]:
            assert timing["subject"]["median"] > 0, (result["key"], timing["label"])
            assert timing["baseline"]["median"] > 0, (result["key"], timing["label"])
            assert timing["ratio"]["median"] > 0, (result["key"], timing["label"])


def test_quick_run_counts_connections_and_requests(quick_run):
    results = {r["key"]: r for r in json.loads((quick_run / "results.json").read_text(encoding="utf-8"))["results"]}
    connections = results["call_overhead"]["checks"][0]
    assert connections["label"].startswith("TCP connections for 100 calls")
    assert isinstance(connections["value"], int)
    cold = [check for check in results["rendering"]["checks"] if "cold cache" in check["label"]]
    assert len(cold) == 1
    assert cold[0]["value"] >= 1


def test_quick_run_writes_report_and_chart(quick_run):
    report = (quick_run / "RESULTS.md").read_text(encoding="utf-8")
    for title in ("Call overhead", "Pagination", "Rendering", "Admin and REST", "Token refresh", "Parsing"):
        assert f"## {title}" in report
    assert "CPU count" in report
    chart = (quick_run / "chart.svg").read_text(encoding="utf-8")
    assert chart.startswith("<svg")
    assert chart.count("<polyline") >= 4
