"""The active model for the service, swapped atomically.

A request takes a reference to the current Router once and finishes on it; a swap replaces
the reference in one assignment, so requests in flight finish on the old model and none
fails. Workers notice a promotion made by another process through the registry's ACTIVE
pointer, checked at most once a second.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from classifier.route import Router
from service.errors import ModelNotReady
from training.registry import Registry, RegistryError

log = logging.getLogger("fenliu.service")


class ModelHolder:
    def __init__(self, registry: Registry, cache_dir: Path, check_interval: float = 1.0):
        self.registry = registry
        self.cache_dir = cache_dir
        self.check_interval = check_interval
        self._router: Router | None = None
        self._lock = threading.Lock()
        self._checked = 0.0
        self.problem: str | None = "no model loaded yet"

    def load_active(self) -> Router | None:
        """Verify and load the active model, warm it, then swap it in; on failure keep the old one."""
        with self._lock:
            try:
                loaded = self.registry.load()
            except RegistryError as exc:
                self.problem = str(exc)
                log.error("model not loaded: %s", exc)
                return self._router
            loaded.model.use_cache_dir(self.cache_dir)
            loaded.model.warm()
            router = Router(loaded.model, loaded.version)
            router.suggest("预热：小区停水了", _warm_profile())
            self._router = router
            self.problem = None
            log.info("active model is now %s", loaded.version)
            return router

    def refresh_if_changed(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_interval:
            return
        self._checked = now
        current = self._router.model_version if self._router else None
        if self.registry.active_version() not in (None, current):
            self.load_active()

    def router(self) -> Router:
        self.refresh_if_changed()
        router = self._router
        if router is None:
            raise ModelNotReady(f"no model is loaded: {self.problem}")
        return router

    @property
    def ready(self) -> bool:
        return self._router is not None


def _warm_profile():
    from corpus.jurisdiction import load_profile

    return load_profile("default")
