"""Degraded modes: what still works, and what the operator is told, when a part fails."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from service.storage import Storage
from training.registry import ARTIFACT, Registry, RegistryError

WATER = "小区从早上开始停水，整栋楼都没有水"
CALL = {"text": WATER, "operator_id": "A9", "chosen": {"matter_type": "water_supply", "tier": "urgent"}}


@pytest.mark.parametrize("broken_storage", ["unreachable_postgresql", "read_only_sqlite"])
def test_without_a_writable_database_suggest_answers_and_recording_says_503(model_home, tmp_path, broken_storage):
    if broken_storage == "unreachable_postgresql":
        storage = Storage("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    else:
        database = tmp_path / "ro.sqlite3"
        Storage(f"sqlite:///{database}").migrate()
        storage = Storage(f"sqlite:///file:{database}?mode=ro&uri=true")
    with TestClient(create_app(Settings(home=model_home), storage=storage)) as client:
        assert client.post("/v1/suggest", json={"text": WATER}).status_code == 200
        recorded = client.post("/v1/calls", json=CALL)
        assert recorded.status_code == 503
        assert recorded.json()["error"]["code"] == "storage_unavailable"
        assert "重试" in recorded.json()["error"]["message"]
        ready = client.get("/readyz").json()
        if broken_storage == "unreachable_postgresql":
            assert ready["storage"].startswith("unavailable")


def test_with_no_model_the_server_is_not_ready_and_says_why(tmp_path):
    with TestClient(create_app(Settings(home=tmp_path / "empty-home"))) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "no active model" in ready.json()["reason"] and "fenliu train" in ready.json()["reason"]
        refused = client.post("/v1/suggest", json={"text": WATER})
        assert refused.status_code == 503 and refused.json()["error"]["code"] == "model_not_ready"


def test_a_corrupt_model_file_is_refused_at_start(model_home, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(model_home, home, ignore=shutil.ignore_patterns("*.sqlite3*", "server.log"))
    registry = Registry(home)
    artifact = registry.root / registry.active_version() / ARTIFACT
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artifact.write_bytes(bytes(data))
    with TestClient(create_app(Settings(home=home))) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "corrupt or tampered" in ready.json()["reason"] and "refusing to load" in ready.json()["reason"]


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB tmpfs: a real 'No space left on device' (needs root, as in CI; skipped elsewhere)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=False)


def test_disk_full_while_saving_a_model_keeps_the_old_model_active(small_disk: Path, tiny_model):
    registry = Registry(small_disk / "home")
    old = registry.save(tiny_model, {"metrics": {}})
    registry.promote(old)
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * max(0, free - 8 * 1024))
    with pytest.raises(OSError):
        registry.save(tiny_model, {"metrics": {}})
    assert registry.active_version() == old
    assert registry.versions() == [old]
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".staging-")], "a partial version was left behind"
    assert registry.load().version == old
    (small_disk / "filler").unlink()
    with pytest.raises(RegistryError):
        registry.rollback()  # nothing else was ever promoted
