"""The model registry in FENLIU_HOME/models: versioned folders, signed manifests, an atomic pointer.

Each version is a folder with `model.joblib` (the fitted scikit-learn model, for training,
evaluation and the CLI), `serving.npz` (the same model as plain arrays, what a server loads:
no scikit-learn import, no pickle) and `manifest.json`. The manifest records what the model was
trained on and how well it did, the SHA-256 of both files and an HMAC-SHA256 signature over
everything else. Nothing is read before the signature and the file's hash are verified. The active
version is named by the file ACTIVE, replaced atomically (os.replace), so a reader never sees
a half-written pointer; every promotion is appended to promotions.jsonl for rollback.
"""
from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model stack is imported when a model is loaded or saved, not to read the registry
    from classifier.model import RouteModel
    from classifier.scorer import LinearScorer
from training.signing import file_sha256, load_or_create_key, sign, verify

log = logging.getLogger("fenliu.registry")
ARTIFACT = "model.joblib"
SERVING = "serving.npz"
MANIFEST = "manifest.json"
ACTIVE = "ACTIVE"
HISTORY = "promotions.jsonl"
TRACKED_LIBRARIES = ("scikit-learn", "numpy", "scipy", "jieba", "joblib", "fenliu")
STRICT_LIBRARIES = ("scikit-learn", "numpy", "joblib")  # unpickling the full model needs these to match


class RegistryError(Exception):
    """A registry problem a person can act on; the message says what to do."""


class NoActiveModel(RegistryError):
    pass


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in TRACKED_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def _signed_files(manifest: dict) -> list[tuple[str, str | None]]:
    """(file name, recorded SHA-256) of each file a manifest vouches for: always the full model;
    the serving export when listed (models saved before exports existed have none)."""
    files = [(manifest.get("artifact", ARTIFACT), manifest.get("artifact_sha256"))]
    if "serving_artifact" in manifest:
        files.append((manifest["serving_artifact"], manifest.get("serving_sha256")))
    return files


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


@dataclass
class LoadedModel:
    version: str
    model: RouteModel | LinearScorer
    manifest: dict
    warnings: list[str]


class Registry:
    def __init__(self, home: Path, signing_key: str | None = None):
        self.home = Path(home)
        self.root = self.home / "models"
        self._configured_key = signing_key

    @property
    def key(self) -> bytes:
        return load_or_create_key(self.home, self._configured_key)

    # -- writing -----------------------------------------------------------------------------
    def save(self, model: RouteModel, details: dict) -> str:
        """Store a model as a new version (not yet active); returns the version id.

        Written into a temporary folder first and renamed into place: a failure (disk full)
        leaves no partial version and the active model untouched."""
        self.root.mkdir(parents=True, exist_ok=True)
        version = self._new_version(datetime.now(timezone.utc))
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.root))
        try:
            import joblib

            joblib.dump(model, staging / ARTIFACT, compress=3)
            model.compiled.save(staging / SERVING)
            manifest = {
                "version": version,
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "artifact": ARTIFACT,
                "artifact_sha256": file_sha256(staging / ARTIFACT),
                "artifact_bytes": (staging / ARTIFACT).stat().st_size,
                "serving_artifact": SERVING,
                "serving_sha256": file_sha256(staging / SERVING),
                "serving_bytes": (staging / SERVING).stat().st_size,
                "library_versions": library_versions(),
                **details,
            }
            manifest["signature"] = sign(manifest, self.key)
            (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            for name in (ARTIFACT, SERVING, MANIFEST):
                with open(staging / name, "rb") as handle:
                    os.fsync(handle.fileno())
            os.rename(staging, self.root / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        log.info("saved model version %s", version)
        return version

    def _new_version(self, now: datetime) -> str:
        """The time to the second, then a random suffix no version folder has yet: two models
        saved in the same second (one training job after another) must never collide."""
        stamp = now.strftime("%Y%m%dT%H%M%S")
        while True:
            version = f"{stamp}-{secrets.randbelow(1_000_000):06d}"
            if not (self.root / version).exists():
                return version

    def _write_pointer(self, version: str, action: str) -> None:
        fd, temporary = tempfile.mkstemp(prefix=".active-", dir=self.root)
        with os.fdopen(fd, "w") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.root / ACTIVE)
        with open(self.root / HISTORY, "a", encoding="utf-8") as history:
            history.write(json.dumps({"action": action, "version": version,
                                      "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}) + "\n")

    def promote(self, version: str) -> None:
        """Make a verified version the active one."""
        self.verify(version)
        self._write_pointer(version, "promote")
        log.info("promoted model version %s", version)

    def rollback(self) -> str:
        """Undo the last promotion: re-activate the version that was active before it."""
        stack = self.promotion_stack()
        if len(stack) < 2:
            raise RegistryError("nothing to roll back to: no earlier promoted version")
        target = stack[-2]
        self.verify(target)
        self._write_pointer(target, "rollback")
        log.info("rolled back from %s to %s", stack[-1], target)
        return target

    # -- reading -----------------------------------------------------------------------------
    def versions(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def promotion_stack(self) -> list[str]:
        """Promotions still in effect, oldest first: promote pushes, rollback pops."""
        path = self.root / HISTORY
        stack: list[str] = []
        if not path.is_file():
            return stack
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("action") == "rollback":
                if len(stack) > 1:
                    stack.pop()
            elif entry.get("version"):
                stack.append(entry["version"])
        return stack

    def active_version(self) -> str | None:
        path = self.root / ACTIVE
        if not path.is_file():
            return None
        version = path.read_text().strip()
        return version or None

    def manifest(self, version: str) -> dict:
        path = self.root / version / MANIFEST
        if not path.is_file():
            raise RegistryError(f"model version {version} has no manifest ({path}); it cannot be used")
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise RegistryError(f"the manifest of model version {version} is not valid JSON ({exc}); retrain with `fenliu train`") from None

    def verify(self, version: str) -> dict:
        """Check signature and artifact hash; returns the manifest or raises RegistryError."""
        if version not in self.versions():
            raise RegistryError(f"no model version {version} in {self.root}; see `fenliu registry list`")
        manifest = self.manifest(version)
        signature = manifest.pop("signature", None)
        if not signature:
            raise RegistryError(f"model version {version} has an unsigned manifest: refusing to load it")
        if not verify(manifest, signature, self.key):
            raise RegistryError(f"model version {version}: manifest signature does not match the signing key "
                                "(tampered, or signed with another FENLIU_SIGNING_KEY): refusing to load it")
        for name, digest in _signed_files(manifest):
            path = self.root / version / name
            if not path.is_file():
                raise RegistryError(f"model version {version}: file {path.name} is missing")
            if file_sha256(path) != digest:
                raise RegistryError(f"model version {version}: {path.name} does not match its SHA-256 (corrupt or tampered): refusing to load it")
        manifest["signature"] = signature
        return manifest

    def _verified(self, version: str | None, strict: tuple[str, ...]) -> tuple[str, dict, list[str]]:
        """(version, verified manifest, library-drift warnings); minor-version drift of a `strict`
        library refuses."""
        version = version or self.active_version()
        if version is None:
            raise NoActiveModel(f"no active model in {self.root}: run `fenliu train --promote` (or `fenliu serve`, which trains one)")
        manifest = self.verify(version)
        warnings = []
        recorded = manifest.get("library_versions", {})
        current = library_versions()
        for name, was in recorded.items():
            now = current.get(name)
            if now == was or name == "python":
                continue
            if name in strict and _minor(now or "") != _minor(was):
                raise RegistryError(f"model version {version} was trained with {name} {was}, this installation has {now}: "
                                    "retrain it with `fenliu train --promote` (or install the recorded version)")
            warnings.append(f"model version {version} was trained with {name} {was}, running with {now}")
        for warning in warnings:
            log.warning(warning)
        return version, manifest, warnings

    def load(self, version: str | None = None) -> LoadedModel:
        """The full scikit-learn model: verify, then unpickle. Minor drift of the strict libraries refuses."""
        version, manifest, warnings = self._verified(version, STRICT_LIBRARIES)
        import joblib

        from classifier.model import RouteModel

        model = joblib.load(self.root / version / manifest.get("artifact", ARTIFACT))
        if not isinstance(model, RouteModel):
            raise RegistryError(f"model version {version} does not hold a fenliu model")
        return LoadedModel(version, model, manifest, warnings)

    def load_scorer(self, version: str | None = None) -> LoadedModel:
        """What a server needs: the verified serving export, read as plain arrays (no scikit-learn,
        no pickle). A model saved before exports existed is loaded whole instead."""
        from classifier.scorer import LinearScorer, ScorerFileError

        version, manifest, warnings = self._verified(version, ())
        if "serving_artifact" not in manifest:
            log.info("model version %s has no serving export (saved by an older fenliu): loading the full model", version)
            loaded = self.load(version)
            return LoadedModel(version, loaded.model.compiled, manifest, loaded.warnings)
        try:
            scorer = LinearScorer.load(self.root / version / manifest["serving_artifact"])
        except ScorerFileError as exc:
            raise RegistryError(f"model version {version}: {exc}; retrain it with `fenliu train --promote`") from None
        return LoadedModel(version, scorer, manifest, warnings)
