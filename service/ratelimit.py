"""Per-client request rate limit: a token bucket per token id or client address, in memory."""
from __future__ import annotations

import threading
import time


class RateLimiter:
    def __init__(self, per_minute: int, burst: int | None = None, max_clients: int = 10_000):
        self.rate = per_minute / 60.0
        self.capacity = float(burst or max(1, per_minute // 4))
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next request would be allowed)."""
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            if len(self._buckets) >= self.max_clients and key not in self._buckets:
                self._buckets.clear()  # bounded memory under an address-spraying client
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return True, 0.0
            self._buckets[key] = (tokens, now)
            return False, (1 - tokens) / self.rate
