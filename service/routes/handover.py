"""Hand-over tracking: a call's life cycle after the operator confirms (第九条), its deadlines,
and the dispatch board of open calls, overdue first."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Query
from sqlalchemy.exc import SQLAlchemyError

from corpus.jurisdiction import Profile, UnknownProfile
from service.deadlines import deadlines
from service.deps import OperatorDep, SettingsDep, StorageDep, resolve_profile
from service.errors import ApiError, StorageUnavailable
from service.lifecycle import OPEN_STATES, Event, LifecycleError, current_unit, state_of
from service.responses import FastJSON
from service.schemas import ERROR_RESPONSES, EventRequest

router = APIRouter(tags=["hand-over"], responses=ERROR_RESPONSES)
CLOCK_SKEW = timedelta(minutes=2)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _profile_of(settings, code: str) -> Profile:
    try:
        return resolve_profile(settings, code)
    except UnknownProfile:
        return resolve_profile(settings, None)


def call_view(call: dict, events: list[Event], profile: Profile, now: datetime) -> dict:
    started = datetime.fromisoformat(call["started_at"] or call["created_at"])
    due = deadlines(started, events, profile.limits)
    return {
        "id": call["id"], "created_at": call["created_at"], "started_at": call["started_at"], "profile": call["profile"],
        "text": call["text_masked"], "matter_type": next((e.matter_type for e in reversed(events) if e.kind == "dispatched"),
                                                         call["chosen_matter_type"]),
        "tier": call["chosen_tier"], "unit": current_unit(events), "state": state_of(events),
        "major": any(e.kind == "marked_major" for e in events), "special": any(e.kind == "marked_special" for e in events),
        "deadlines": [d.as_dict(now) for d in due], "overdue": [d.name for d in due if d.overdue(now)],
        "next_due": next((d.due.isoformat() for d in due if d.met_at is None), None),
        "events": [{"kind": e.kind, "at": e.at.isoformat(), "unit": e.unit, "matter_type": e.matter_type, "reason": e.reason,
                    "result": e.result, "detail": e.detail, "actor": e.actor} for e in events],
    }


@router.get("/v1/calls/{call_id}", summary="One recorded call with its life cycle and deadlines")
def get_call(call_id: str, storage: StorageDep, settings: SettingsDep, _: OperatorDep) -> FastJSON:
    try:
        call = storage.get_call(call_id)
        events = storage.events(call_id) if call else []
    except SQLAlchemyError:
        raise StorageUnavailable("the database is unavailable") from None
    if call is None:
        raise ApiError(f"no call with id {call_id}", status=404, code="not_found")
    return FastJSON(call_view(call, events, _profile_of(settings, call["profile"]), _now()))


@router.post("/v1/calls/{call_id}/events", summary="Add a life-cycle event (dispatch, arrival, send-back, close, follow-up …)",
             status_code=201)
def add_event(call_id: str, body: EventRequest, storage: StorageDep, settings: SettingsDep, _: OperatorDep) -> FastJSON:
    now = _now()
    at = body.at or now
    try:
        call = storage.get_call(call_id)
        if call is None:
            raise ApiError(f"no call with id {call_id}", status=404, code="not_found")
        if at.tzinfo is None:
            raise ApiError("at: give a time zone (e.g. 2026-09-30T10:00:00+08:00)", status=422, code="invalid_fields")
        if at > now + CLOCK_SKEW:
            raise ApiError("at: an event cannot be in the future", status=422, code="invalid_fields")
        profile = _profile_of(settings, call["profile"])
        events = storage.events(call_id)
        unit, matter = body.unit, body.matter_type
        if body.kind == "dispatched":
            if body.disputed:
                unit = profile.disputed_jurisdiction.unit   # 管辖有争议的，由指定的单位裁定
            elif matter and not unit:
                unit = profile.route(matter).unit
            matter = matter or next((e.matter_type for e in reversed(events) if e.kind == "dispatched"), None)
            if unit not in profile.units and unit != profile.disputed_jurisdiction.unit:
                raise ApiError(f'unit "{unit}" is not a unit of profile {profile.code}', status=422, code="invalid_fields")
        elif body.kind == "sent_back":
            unit = unit or current_unit(events)
        detail = {k: v for k, v in {"satisfied": body.satisfied, "how": body.how, "disputed": body.disputed or None}.items() if v}
        event = Event(kind=body.kind, at=at, unit=unit, matter_type=matter, reason=body.reason, result=body.result,
                      detail=detail or None, actor=body.actor)
        all_events = storage.add_event(call_id, event)
    except LifecycleError as exc:
        raise ApiError(str(exc), status=409, code="invalid_transition") from None
    except SQLAlchemyError:
        raise StorageUnavailable("the event could not be saved: the database is unavailable; retry") from None
    return FastJSON(call_view(call, all_events, profile, now), status_code=201)


@router.get("/v1/board", summary="Open calls with their timers, overdue ones first")
def board(storage: StorageDep, settings: SettingsDep, _: OperatorDep, profile: str | None = Query(default=None, max_length=64),
          days: int = Query(default=14, ge=1, le=90)) -> FastJSON:
    chosen = resolve_profile(settings, profile) if profile else None
    now = _now()
    try:
        rows = storage.calls_with_events(since=now - timedelta(days=days), profile=chosen.code if chosen else None)
    except SQLAlchemyError:
        raise StorageUnavailable("the database is unavailable") from None
    views = [call_view(call, events, chosen or _profile_of(settings, call["profile"]), now)
             for call, events in rows if state_of(events) in OPEN_STATES]
    views.sort(key=lambda v: (not v["overdue"], v["next_due"] or "9999"))
    return FastJSON({"calls": views, "now": now.isoformat()})
