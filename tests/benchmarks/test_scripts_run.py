"""The benchmark scripts run in quick mode and write well-formed results (never timing assertions)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def bench_home(tmp_path_factory, tiny_model) -> Path:
    from training.registry import Registry

    home = tmp_path_factory.mktemp("bench-home")
    registry = Registry(home)
    registry.promote(registry.save(tiny_model, {"metrics": {}}))
    return home


def run_script(module: str, home: Path, out: Path, timeout: float = 300) -> dict:
    env = {**os.environ, "FENLIU_HOME": str(home)}
    done = subprocess.run([sys.executable, "-m", module, "--quick", "--json", str(out)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert done.stdout.strip(), "the script printed no table"
    return json.loads(out.read_text(encoding="utf-8"))


def _is_latency(summary: dict) -> bool:
    return summary["n"] > 0 and 0 < summary["median_ms"] <= summary["p99_ms"] <= summary["max_ms"]


def test_in_process_latency_script(bench_home, tmp_path):
    result = run_script("benchmarks.inprocess", bench_home, tmp_path / "inprocess.json")
    for side in ("fenliu", "baseline"):
        assert _is_latency(result[side]["one_call"]) and _is_latency(result[side]["keystroke_stream"])
        assert result[side]["batch"]["calls"] > 0 and result[side]["batch"]["seconds"] > 0


def test_http_load_script(bench_home, tmp_path):
    result = run_script("benchmarks.http_load", bench_home, tmp_path / "http.json")
    for server in ("fenliu", "plain_pipeline", "empty_endpoint"):
        levels = result[server]["levels"]
        assert [level["operators"] for level in levels] == [2, 4]
        assert all(level["errors"] == 0 and level["n"] > 0 and level["median_ms"] <= level["p99_ms"] for level in levels)
        assert result[server]["rss_mb_after_load"] > 0 and result[server]["seconds_to_ready"] > 0
    assert result["model_artifact_mb"] > 0


def test_training_scale_script(bench_home, tmp_path):
    result = run_script("benchmarks.training_scale", bench_home, tmp_path / "scale.json")
    assert {(r["kind"], r["records"]) for r in result["runs"]} == {
        (kind, size) for kind in ("fenliu", "plain_pipeline") for size in (200, 400)}
    assert all(r["seconds"] > 0 and r["peak_mb"] > 0 for r in result["runs"])
    assert isinstance(result["fenliu_growth_exponent"], float)


def test_quality_script(bench_home, tmp_path):
    result = run_script("benchmarks.quality", bench_home, tmp_path / "quality.json", timeout=600)
    for side in ("fenliu", "baseline"):
        assert 0 <= result[side]["macro_f1"] <= 1
        assert 0 <= result[side]["prefix_top3_accuracy"] <= 1
