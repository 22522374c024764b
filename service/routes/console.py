"""The operator console at GET /: static files served by the app itself (no build step)."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

INDEX = Path(__file__).resolve().parents[1] / "static" / "index.html"
router = APIRouter(tags=["console"])


@router.get("/", include_in_schema=False)
def console() -> FileResponse:
    return FileResponse(INDEX, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})
