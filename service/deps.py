"""Typed dependencies: settings, storage, the active router, the caller's identity.

All async: FastAPI runs a plain `def` dependency in the thread pool, a hop that costs more
than the keystroke suggestion itself. The only blocking work (a token's database lookup on a
cache miss) is sent to the thread pool explicitly.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from sqlalchemy.exc import SQLAlchemyError

from classifier.route import Router
from corpus.jurisdiction import Profile, load_profile
from service.errors import Forbidden, RateLimited, StorageUnavailable, Unauthorized
from service.model_holder import ModelHolder
from service.settings import Settings
from service.storage import Storage
from service.tokens import Principal, authenticate


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_storage(request: Request) -> Storage:
    return request.app.state.storage


async def get_holder(request: Request) -> ModelHolder:
    return request.app.state.holder


async def get_router(request: Request) -> Router:
    return request.app.state.holder.router()


SettingsDep = Annotated[Settings, Depends(get_settings)]
StorageDep = Annotated[Storage, Depends(get_storage)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]
RouterDep = Annotated[Router, Depends(get_router)]


def resolve_profile(settings: Settings, code: str | None) -> Profile:
    return load_profile(code or settings.profile, settings.county_profiles_dir)


async def _principal(request: Request) -> Principal | None:
    header = request.headers.get("authorization", "")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("Authorization must be: Bearer <token>", headers={"WWW-Authenticate": "Bearer"})
    presented = value.strip()
    cache = request.app.state.token_cache
    principal = cache.get(presented)
    if principal is not None:
        return principal
    try:
        principal = await run_in_threadpool(authenticate, request.app.state.storage, presented)
    except SQLAlchemyError:
        raise StorageUnavailable("cannot check the token: the database is unavailable") from None
    if principal is None:
        raise Unauthorized("the token is not valid or has been revoked", headers={"WWW-Authenticate": "Bearer"})
    cache.put(presented, principal)
    return principal


def _rate_limit(request: Request, principal: Principal | None) -> None:
    key = principal.token_id if principal else (request.client.host if request.client else "unknown")
    allowed, wait = request.app.state.limiter.allow(key)
    if not allowed:
        raise RateLimited(f"too many requests; try again in {wait:.1f} s", headers={"Retry-After": str(max(1, round(wait)))})


def require(role: str):
    """Dependency: a valid token with at least `role` (401 without one, 403 with too low a role)."""

    async def check(request: Request) -> Principal:
        principal = await _principal(request)
        if principal is None:
            raise Unauthorized(f"this route needs a {role} token: Authorization: Bearer <token>", headers={"WWW-Authenticate": "Bearer"})
        if not principal.has(role):
            raise Forbidden(f"this route needs the {role} role; the token has {principal.role}")
        _rate_limit(request, principal)
        return principal

    return check


_operator_check = require("operator")


async def operator(request: Request) -> Principal | None:
    """Operator routes: a token when the settings require one, else optional."""
    settings: Settings = request.app.state.settings
    if settings.operator_token_required:
        return await _operator_check(request)
    principal = await _principal(request)
    _rate_limit(request, principal)
    return principal


OperatorDep = Annotated[Principal | None, Depends(operator)]
TrainerDep = Annotated[Principal, Depends(require("trainer"))]
