"""The active model for the service, swapped atomically.

A request takes a reference to the current Router once and finishes on it; a swap replaces
the reference in one assignment, so requests in flight finish on the old model and none
fails. Each worker follows a promotion made by another process through the registry's ACTIVE
pointer, checked once a second by a background thread (never on a request's path).
"""
from __future__ import annotations

import logging
import threading
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
        self._stop = threading.Event()
        self.problem: str | None = "no model loaded yet"

    def load_active(self) -> Router | None:
        """Verify and load the active model, warm it, then swap it in; on failure keep the old one.
        A version already being served is not loaded again."""
        with self._lock:
            current = self._router.model_version if self._router else None
            if current is not None and self.registry.active_version() == current:
                return self._router
            try:
                loaded = self.registry.load_scorer()
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

    def watch(self) -> None:
        """Follow promotions made by other processes from a background thread, so no request
        ever waits for a model to load."""
        def loop() -> None:
            while not self._stop.wait(self.check_interval):
                try:
                    if self.registry.active_version() not in (None, self._serving()):
                        self.load_active()
                except Exception:  # noqa: BLE001 - the watcher must outlive a bad registry read
                    log.exception("checking the registry for a new active model failed")

        threading.Thread(target=loop, name="model-watcher", daemon=True).start()

    def close(self) -> None:
        self._stop.set()

    def _serving(self) -> str | None:
        router = self._router
        return router.model_version if router else None

    def router(self) -> Router:
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
