"""Operator routes: suggestions on every keystroke (no database write), recording decided calls."""
from __future__ import annotations

from fastapi import APIRouter, Query
from service.responses import FastJSON
from sqlalchemy.exc import SQLAlchemyError

from service.deps import OperatorDep, RouterDep, SettingsDep, StorageDep, resolve_profile
from service.errors import ApiError, StorageUnavailable, TextTooLong
from service.metrics import CALLS_RECORDED, CORRECTIONS, NEEDS_HUMAN, PREDICTIONS
from service.schemas import ERROR_RESPONSES, CallRecorded, CallRequest, Prediction, SuggestRequest
from service.storage import NewCall

router = APIRouter(tags=["operator"], responses=ERROR_RESPONSES)


def _check_length(text: str, limit: int) -> None:
    if len(text) > limit:
        raise TextTooLong(f"text has {len(text)} characters; the limit is {limit}")


@router.post("/v1/suggest", summary="Suggest the route of a call text", response_model=Prediction)
async def suggest(body: SuggestRequest, router_: RouterDep, settings: SettingsDep, _: OperatorDep) -> FastJSON:
    # Async on purpose: a suggestion is about half a millisecond of CPU, less than the hop to
    # the thread pool and back that a plain `def` route costs on every keystroke.
    _check_length(body.text, settings.max_text_chars)
    prediction = router_.suggest(body.text, resolve_profile(settings, body.profile))
    PREDICTIONS.labels(prediction["matter_type"], prediction["tier"]).inc()
    if prediction["needs_human"]:
        NEEDS_HUMAN.inc()
    return FastJSON(prediction)


@router.post("/v1/calls", summary="Record what the operator decided", response_model=CallRecorded, status_code=201,
             responses={200: {"model": CallRecorded, "description": "Already recorded under this idempotency key (a retried confirm)"}})
def record_call(body: CallRequest, storage: StorageDep, settings: SettingsDep, _: OperatorDep) -> FastJSON:
    _check_length(body.text, settings.max_text_chars)
    profile = resolve_profile(settings, body.profile)
    route = profile.route(body.chosen.matter_type)
    unit = body.chosen.unit or route.unit
    if unit not in profile.units:
        raise ApiError(f'chosen.unit "{unit}" is not a unit of profile {profile.code} (see GET /v1/profiles/{profile.code})',
                       status=422, code="invalid_fields")
    department = profile.units[unit].department
    call = NewCall(text=body.text, operator_id=body.operator_id, profile=profile.code,
                   model_version=body.suggestion.model_version if body.suggestion else None,
                   suggestion=body.suggestion.model_dump() if body.suggestion else None,
                   chosen_matter_type=body.chosen.matter_type, chosen_unit=unit, chosen_department=department,
                   chosen_tier=body.chosen.tier, started_at=body.started_at, idempotency_key=body.idempotency_key)
    try:
        call_id, created = storage.record_call(call)
    except SQLAlchemyError:
        raise StorageUnavailable("通话记录暂时无法保存（数据库不可用），请稍后重试 / the call could not be recorded: "
                                 "the database is unavailable; keep the call and retry") from None
    if created:
        CALLS_RECORDED.inc()
        stored = storage.get_call(call_id)
        if stored and stored["corrected"]:
            CORRECTIONS.inc()
    return FastJSON({"id": call_id, "created": created}, status_code=201 if created else 200)


@router.get("/v1/calls", summary="The most recent recorded calls (optionally one operator's)")
def recent_calls(storage: StorageDep, _: OperatorDep, operator_id: str | None = Query(default=None, max_length=100),
                 limit: int = Query(default=20, ge=1, le=200)) -> FastJSON:
    try:
        rows = storage.recent_calls(operator_id, limit)
    except SQLAlchemyError:
        raise StorageUnavailable("the database is unavailable") from None
    return FastJSON({"calls": rows})
