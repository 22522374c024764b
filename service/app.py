"""The FastAPI application: built by `create_app(settings)`; the model is verified and loaded
in the lifespan, and the segmenter warmed, before /readyz says ready."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from service.responses import FastJSON
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError

from corpus.errors import DataError
from corpus.jurisdiction import available_profiles, load_profile
from service.errors import install_handlers
from service.middleware import ServiceMiddleware
from service.model_holder import ModelHolder
from service.ratelimit import RateLimiter
from service.routes import admin, console, handover, operator, public
from service.settings import Settings, load_settings
from service.storage import Storage
from service.tokens import TokenCache
from service.training_jobs import TrainingJobs
from training.registry import Registry
from training.corpus import BaseCorpus

log = logging.getLogger("fenliu.service")
STATIC = Path(__file__).resolve().parent / "static"


def _warm_profiles(settings: Settings) -> None:
    """Parse every profile once before the first request: a burst of first calls would otherwise
    parse the same YAML in every thread at once."""
    for code in available_profiles(settings.county_profiles_dir):
        try:
            load_profile(code, settings.county_profiles_dir)
        except DataError as exc:
            log.error("profile %s is invalid and cannot be used: %s", code, "; ".join(str(p) for p in exc.problems))


def create_app(settings: Settings, storage: Storage | None = None, registry: Registry | None = None,
               base_corpus: BaseCorpus = BaseCorpus()) -> FastAPI:
    settings.home.mkdir(parents=True, exist_ok=True)
    storage = storage or Storage.for_home(settings.home, settings.database_url)
    registry = registry or Registry(settings.home, settings.signing_key.get_secret_value() if settings.signing_key else None)
    holder = ModelHolder(registry, settings.cache_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:
            applied = storage.migrate()
            if applied:
                log.info("database migrated to version %s", max(applied))
        except SQLAlchemyError as exc:
            log.error("database unavailable at start-up (%s); suggestions still work, recording will answer 503", type(exc).__name__)
        holder.load_active()
        holder.watch()
        _warm_profiles(settings)
        yield
        holder.close()
        storage.engine.dispose()

    app = FastAPI(title="fenliu (分流)", version="0.1.0", lifespan=lifespan, default_response_class=FastJSON,
                  description="Route suggestions for 110 non-emergency diversion: matter type, local unit, urgency tier.")
    app.state.settings = settings
    app.state.storage = storage
    app.state.holder = holder
    app.state.limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.token_cache = TokenCache(settings.token_cache_seconds)
    app.state.jobs = TrainingJobs(storage, holder, settings.home, base_corpus)
    install_handlers(app)
    for module in (public, operator, handover, admin, console):
        app.include_router(module.router)
    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(ServiceMiddleware, max_body_bytes=settings.max_body_bytes,
                       large_body_paths={admin.IMPORT_PATH: settings.max_import_bytes})
    return app


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn workers: settings from the FENLIU_* environment set by `fenliu serve`."""
    from service.logging_setup import configure_json_logging

    settings = load_settings()
    configure_json_logging(settings.log_level)
    return create_app(settings)
