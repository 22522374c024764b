"""The HMAC-SHA256 key that signs model manifests: FENLIU_SIGNING_KEY, or a 0600 key file in FENLIU_HOME."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

KEY_FILE_NAME = "signing.key"


def load_or_create_key(home: Path, configured: str | None = None) -> bytes:
    """The configured key, else the home's key file, created with 0600 permissions on first use."""
    if configured:
        return configured.encode("utf-8")
    path = Path(home) / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(document: dict, key: bytes) -> str:
    return hmac.new(key, canonical(document), hashlib.sha256).hexdigest()


def verify(document: dict, signature: str, key: bytes) -> bool:
    return hmac.compare_digest(sign(document, key), signature)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
