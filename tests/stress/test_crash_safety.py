"""The crash-safety script on a small stream: SIGKILL mid-stream, restart, nothing lost or doubled."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.fixture
def crash_home(tmp_path, tiny_model):
    from training.registry import Registry

    registry = Registry(tmp_path / "home")
    registry.promote(registry.save(tiny_model, {"metrics": {}}))
    return tmp_path / "home"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_acknowledged_call_survives_a_sigkill_exactly_once(crash_home, tmp_path, backend):
    env = {**os.environ, "FENLIU_HOME": str(crash_home)}
    if backend == "postgresql":
        url = os.environ.get("FENLIU_TEST_DATABASE_URL")
        if not url:
            pytest.skip("FENLIU_TEST_DATABASE_URL not set (CI starts a PostgreSQL)")
        env["FENLIU_DATABASE_URL"] = url
    out = tmp_path / "crash.json"
    done = subprocess.run([sys.executable, "-m", "stress.crash_safety", "--calls", "300", "--kill-after", "120",
                           "--workers", "2", "--json", str(out)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["acknowledged_before_kill"] >= 120 and result["lost"] == 0 and result["stored_twice"] == 0
    assert result["stored"] == 300
