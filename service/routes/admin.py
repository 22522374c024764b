"""Trainers' and admins' routes: labelled-call import and export, training jobs, model promotion."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

import orjson
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse
from service.responses import FastJSON
from sqlalchemy.exc import SQLAlchemyError

from service.deps import HolderDep, SettingsDep, StorageDep, TrainerDep, resolve_profile
from service.errors import ApiError, NotFound, StorageUnavailable
from service.schemas import ERROR_RESPONSES, TrainRequest
from training.corpus import bundled_files, load_files, parse_lines
from training.corpus_check import check_calls
from training.registry import RegistryError

router = APIRouter(prefix="/v1/admin", tags=["trainer"], responses=ERROR_RESPONSES)
IMPORT_PATH = "/v1/admin/calls/import"


NDJSON_BODY = {"content": {"application/x-ndjson": {"schema": {"type": "string", "description": "labelled calls, one JSON object per line"}}}}


@router.post("/calls/import", summary="Import labelled calls (JSONL body): every line validated, all or nothing",
             status_code=201, openapi_extra={"requestBody": {"required": True, **NDJSON_BODY}})
async def import_calls(request: Request, storage: StorageDep, settings: SettingsDep, _: TrainerDep) -> FastJSON:
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ApiError(f"line {line}: the upload is not UTF-8 text; nothing was imported", status=400, code="invalid_encoding") from None
    loaded = parse_lines(text.splitlines(), "upload")
    problems = loaded.problems
    if not problems:
        bundled = load_files(bundled_files(), require_scenario=True)
        problems = [p for p in check_calls(bundled + loaded.calls) if p.path == "upload"]
    if problems:
        return FastJSON({"error": {"code": "invalid_records",
                                         "message": f"{len(problems)} problem(s); nothing was imported. First: {problems[0]}",
                                         "problems": [{"line": p.line, "field": p.field, "message": p.message} for p in problems[:200]]}},
                              status_code=422)
    if not loaded.calls:
        raise ApiError("the upload has no labelled calls", status=422, code="invalid_records")
    rows = [c.call.model_dump(exclude_none=True) for c in loaded.calls]
    try:
        batch = storage.import_labelled(rows)
    except SQLAlchemyError:
        raise StorageUnavailable("the database is unavailable; nothing was imported") from None
    return FastJSON({"imported": len(rows), "batch_id": batch}, status_code=201)


@router.get("/corrections/export", summary="Operators' corrections as labelled-call JSONL (source operator_correction)",
            response_class=StreamingResponse, responses={200: {"description": "JSONL", **NDJSON_BODY}})
def export_corrections(storage: StorageDep, _: TrainerDep) -> StreamingResponse:
    try:
        rows = list(storage.corrections())
    except SQLAlchemyError:
        raise StorageUnavailable("the database is unavailable") from None
    return StreamingResponse((orjson.dumps(r) + b"\n" for r in rows), media_type="application/x-ndjson",
                             headers={"content-disposition": 'attachment; filename="corrections.jsonl"'})


@router.post("/train", summary="Start a training job in the background", status_code=202)
def start_training(body: TrainRequest, request: Request, _: TrainerDep) -> FastJSON:
    job_id = request.app.state.jobs.start(promote=body.promote, force=body.force)
    if job_id is None:
        raise ApiError("a training job is already running; wait for it to finish", status=409, code="job_running")
    return FastJSON({"job_id": job_id, "status_url": f"/v1/admin/jobs/{job_id}"}, status_code=202)


@router.get("/jobs/{job_id}", summary="A training job's status and progress")
def job_status(job_id: str, storage: StorageDep, _: TrainerDep) -> FastJSON:
    job = storage.get_job(job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return FastJSON(job)


@router.get("/models", summary="Stored model versions and which one is active")
def models(holder: HolderDep, _: TrainerDep) -> FastJSON:
    registry = holder.registry
    out = []
    for version in registry.versions():
        try:
            manifest = registry.verify(version)
            out.append({"version": version, "verified": True, "created": manifest.get("created"),
                        "metrics": {k: manifest.get("metrics", {}).get(k) for k in ("macro_f1", "under_triage_rate", "misrouting_rate")}})
        except RegistryError as exc:
            out.append({"version": version, "verified": False, "problem": str(exc)})
    return FastJSON({"active": registry.active_version(), "models": out})


@router.post("/models/{version}/promote", summary="Make a stored model active (swapped in without dropping requests)")
def promote(version: str, holder: HolderDep, _: TrainerDep) -> FastJSON:
    try:
        holder.registry.promote(version)
    except RegistryError as exc:
        raise NotFound(str(exc)) from None
    holder.load_active()
    return FastJSON({"active": holder.router().model_version})


@router.post("/models/rollback", summary="Undo the last promotion")
def rollback(holder: HolderDep, _: TrainerDep) -> FastJSON:
    try:
        version = holder.registry.rollback()
    except RegistryError as exc:
        raise ApiError(str(exc), status=409, code="nothing_to_roll_back") from None
    holder.load_active()
    return FastJSON({"active": version})


@router.get("/reports/{quarter}", summary="Quarterly hand-over report per unit (JSON, or format=csv / html)",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}, "text/html": {"schema": {"type": "string"}}}}})
def quarter_report_route(storage: StorageDep, settings: SettingsDep, _: TrainerDep,
                         profile: str | None = Query(default=None, max_length=64),
                         format: Literal["json", "csv", "html"] = Query(default="json"),
                         quarter: str = Path(pattern=r"^20[0-9]{2}[Qq][1-4]$", description="e.g. 2026Q3")):
    from service.reports import BadQuarter, quarter_report, to_csv, to_html

    try:
        result = quarter_report(storage, resolve_profile(settings, profile), quarter, datetime.now(timezone.utc))
    except BadQuarter as exc:
        raise ApiError(str(exc), status=422, code="invalid_fields") from None
    except SQLAlchemyError:
        raise StorageUnavailable("the database is unavailable") from None
    if format == "csv":
        return Response(to_csv(result), media_type="text/csv; charset=utf-8")
    if format == "html":
        return HTMLResponse(to_html(result))
    return FastJSON(result)
