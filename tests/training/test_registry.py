"""The registry: signed, verified before loading, atomic promotion, rollback as undo."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from training.registry import NoActiveModel, Registry, RegistryError


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    return Registry(tmp_path / "home")


def test_saved_model_verifies_and_loads(registry, tiny_model):
    version = registry.save(tiny_model, {"metrics": {"macro_f1": 0.9}})
    manifest = registry.verify(version)
    assert manifest["artifact_sha256"] and manifest["signature"]
    assert {"scikit-learn", "numpy", "jieba", "python"} <= set(manifest["library_versions"])
    loaded = registry.load(version)
    assert list(loaded.model.matter_classes_) == list(tiny_model.matter_classes_)


def test_key_file_is_private(registry, tiny_model):
    registry.save(tiny_model, {})
    mode = stat.S_IMODE(os.stat(registry.home / "signing.key").st_mode)
    assert mode == 0o600


@pytest.mark.parametrize("name", ["model.joblib", "serving.npz"])
@pytest.mark.parametrize("load", ["load", "load_scorer"])
def test_a_tampered_file_is_refused(registry, tiny_model, name, load):
    version = registry.save(tiny_model, {})
    artifact = registry.root / version / name
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0x01
    artifact.write_bytes(bytes(data))
    with pytest.raises(RegistryError, match=f"{name} does not match its SHA-256"):
        getattr(registry, load)(version)


def test_a_server_loads_the_signed_export_and_suggests_as_the_model_does(registry, tiny_model):
    from classifier.route import Router
    from classifier.scorer import LinearScorer
    from corpus.jurisdiction import load_profile

    version = registry.save(tiny_model, {})
    loaded = registry.load_scorer(version)
    assert isinstance(loaded.model, LinearScorer) and loaded.manifest["serving_sha256"]
    text = "报警人称幸福小区3栋电梯困人，里面有两个老人"
    assert Router(loaded.model, version).suggest(text, load_profile("default")) == \
        Router(tiny_model, version).suggest(text, load_profile("default"))


def test_a_model_saved_without_an_export_is_served_from_the_full_model(registry, tiny_model):
    """Versions saved before serving exports existed keep working."""
    from training.signing import sign

    version = registry.save(tiny_model, {})
    folder = registry.root / version
    (folder / "serving.npz").unlink()
    manifest = json.loads((folder / "manifest.json").read_text())
    for field in ("serving_artifact", "serving_sha256", "serving_bytes", "signature"):
        del manifest[field]
    manifest["signature"] = sign(manifest, registry.key)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    loaded = registry.load_scorer(version)
    assert list(loaded.model.matter_classes_) == list(tiny_model.matter_classes_)


def test_a_missing_export_of_a_model_that_lists_one_is_refused(registry, tiny_model):
    version = registry.save(tiny_model, {})
    (registry.root / version / "serving.npz").unlink()
    with pytest.raises(RegistryError, match="serving.npz is missing"):
        registry.load_scorer(version)


def test_manifest_with_wrong_signature_is_refused(registry, tiny_model):
    version = registry.save(tiny_model, {"metrics": {"macro_f1": 0.5}})
    path = registry.root / version / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["metrics"]["macro_f1"] = 0.99
    path.write_text(json.dumps(manifest))
    with pytest.raises(RegistryError, match="signature"):
        registry.load(version)


def test_a_model_signed_with_another_key_is_refused(tmp_path, tiny_model):
    other = Registry(tmp_path / "home", signing_key="another-key")
    version = other.save(tiny_model, {})
    with pytest.raises(RegistryError, match="signature"):
        Registry(tmp_path / "home", signing_key="the-right-key").load(version)


def test_unsigned_manifest_is_refused(registry, tiny_model):
    version = registry.save(tiny_model, {})
    path = registry.root / version / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["signature"]
    path.write_text(json.dumps(manifest))
    with pytest.raises(RegistryError, match="unsigned"):
        registry.load(version)


def test_library_drift_refuses_with_instructions(registry, tiny_model):
    version = registry.save(tiny_model, {})
    path = registry.root / version / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["library_versions"]["scikit-learn"] = "0.24.2"
    del manifest["signature"]
    from training.signing import sign

    manifest["signature"] = sign(manifest, registry.key)
    path.write_text(json.dumps(manifest))
    with pytest.raises(RegistryError, match="retrain"):
        registry.load(version)


def test_no_active_model_says_what_to_do(registry):
    with pytest.raises(NoActiveModel, match="fenliu train --promote"):
        registry.load()


def test_promote_and_rollback_are_an_undo_stack(registry, tiny_model):
    v1, v2, v3 = (registry.save(tiny_model, {"n": i}) for i in range(3))
    for version in (v1, v2, v3):
        registry.promote(version)
    assert registry.active_version() == v3
    assert registry.rollback() == v2
    assert registry.rollback() == v1
    with pytest.raises(RegistryError, match="nothing to roll back"):
        registry.rollback()
    assert registry.active_version() == v1


def test_pointer_is_replaced_atomically(registry, tiny_model):
    version = registry.save(tiny_model, {})
    registry.promote(version)
    assert (registry.root / "ACTIVE").read_text().strip() == version
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".active-")]


def test_failed_save_leaves_nothing_and_keeps_the_active_model(registry, tiny_model, monkeypatch):
    good = registry.save(tiny_model, {})
    registry.promote(good)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("joblib.dump", disk_full)
    with pytest.raises(OSError):
        registry.save(tiny_model, {})
    assert registry.versions() == [good]
    assert registry.active_version() == good
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".staging-")]


def test_a_version_saved_in_the_same_second_gets_its_own_folder(registry, monkeypatch):
    """Two models saved in one second (one training job after another) must never collide."""
    from datetime import datetime, timezone

    import training.registry

    now = datetime(2026, 11, 23, 13, 14, 34, tzinfo=timezone.utc)
    registry.root.mkdir(parents=True, exist_ok=True)
    (registry.root / "20261123T131434-000259").mkdir()
    draws = iter([259, 259, 260])
    monkeypatch.setattr(training.registry.secrets, "randbelow", lambda _: next(draws))
    assert registry._new_version(now) == "20261123T131434-000260"
