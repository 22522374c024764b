"""Routes anyone may call: the contract as data, health, readiness, metrics."""
from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse
from service.responses import FastJSON
from sqlalchemy.exc import SQLAlchemyError

from corpus.jurisdiction import available_profiles, load_profile
from corpus.taxonomy import load_taxonomy
from service.deps import HolderDep, SettingsDep, StorageDep
from service.metrics import render
from service.schemas import ERROR_RESPONSES

router = APIRouter(tags=["public"], responses=ERROR_RESPONSES)


@router.get("/v1/taxonomy", summary="Matter types, departments and tiers (the contract as data)")
def taxonomy() -> FastJSON:
    t = load_taxonomy()
    return FastJSON({
        "version": t.version,
        "tiers": [x.model_dump() for x in t.tiers.values()],
        "departments": [x.model_dump() for x in t.departments.values()],
        "matter_types": [x.model_dump() for x in t.matter_types.values()],
    })


def _profile_summary(code: str, settings) -> dict:
    p = load_profile(code, settings.county_profiles_dir)
    return {"code": p.code, "name": p.name, "region": p.region, "document": p.document.model_dump()}


@router.get("/v1/profiles", summary="Jurisdiction profiles this server knows")
def profiles(settings: SettingsDep) -> FastJSON:
    codes = available_profiles(settings.county_profiles_dir)
    return FastJSON({"default": settings.profile, "profiles": [_profile_summary(c, settings) for c in codes]})


@router.get("/v1/profiles/{code}", summary="One profile: every matter type's unit, clause and duty")
def profile(code: str, settings: SettingsDep) -> FastJSON:
    p = load_profile(code, settings.county_profiles_dir)
    return FastJSON({
        **_profile_summary(code, settings),
        "limits": p.limits.model_dump(), "dispatch_rule": p.dispatch_rule,
        "disputed_jurisdiction": p.disputed_jurisdiction.model_dump(),
        "follow_up": p.follow_up.model_dump() if p.follow_up else None,
        "units": {name: unit.model_dump() for name, unit in p.units.items()},
        "routes": {m: r.model_dump() for m, r in p.routes.items()},
    })


@router.get("/healthz", summary="Liveness: the process answers")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: a verified model is loaded (and whether storage answers)")
def readyz(holder: HolderDep, storage: StorageDep) -> FastJSON:
    try:
        storage.ping()
        storage_state = "ok"
    except SQLAlchemyError as exc:
        storage_state = f"unavailable: {type(exc).__name__}"
    if not holder.ready:
        return FastJSON({"status": "not_ready", "reason": holder.problem, "storage": storage_state}, status_code=503)
    return FastJSON({"status": "ready", "model_version": holder.router().model_version, "storage": storage_state})


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
def metrics() -> Response:
    body, content_type = render()
    return Response(body, media_type=content_type)
