"""API tokens: shown once at creation, stored only as a SHA-256 hash, compared in constant time.

A token reads `fl_<id>_<secret>`: the id finds the row, the secret is checked with
hmac.compare_digest against its stored hash. Roles nest: admin ⊇ trainer ⊇ operator.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `fenliu serve` starts without SQLAlchemy
    from service.storage import Storage

ROLES = ("operator", "trainer", "admin")
RANK = {role: i for i, role in enumerate(ROLES)}


@dataclass(frozen=True)
class Principal:
    token_id: str
    name: str
    role: str

    def has(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(storage: Storage, role: str, name: str) -> str:
    if role not in RANK:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    storage.add_token(token_id, name, role, _digest(secret))
    return f"fl_{token_id}_{secret}"


_DUMMY = _digest("not-a-token")


def authenticate(storage: Storage, presented: str) -> Principal | None:
    """The principal for a presented token, or None; same work whether or not the id exists."""
    parts = presented.split("_", 2)
    token_id, secret = (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "fl" else ("", presented)
    row = storage.find_token(token_id) if token_id else None
    expected = row["secret_sha256"] if row else _DUMMY
    matches = hmac.compare_digest(_digest(secret), expected)
    if not row or not matches or row["revoked_at"] is not None:
        return None
    return Principal(row["id"], row["name"], row["role"])


class TokenCache:
    """Recently verified tokens, so a keystroke does not cost a database round trip.

    Keyed by the SHA-256 of the presented token (the token itself is never kept); only valid
    tokens are cached, each for `seconds`, so a revocation takes effect within that time in
    every worker process. Bounded: the oldest entries go first.
    """

    def __init__(self, seconds: float, max_entries: int = 4096):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, presented: str) -> Principal | None:
        if self.seconds <= 0:
            return None
        key = _digest(presented)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self._entries[key]
                return None
            return entry[1]

    def put(self, presented: str, principal: Principal) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]
            self._entries[_digest(presented)] = (time.monotonic() + self.seconds, principal)
