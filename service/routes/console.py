"""The operator console at GET /: static files served by the app itself (no build step)."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

STATIC = Path(__file__).resolve().parents[1] / "static"
router = APIRouter(tags=["console"])


@router.get("/", include_in_schema=False)
def console():
    index = STATIC / "index.html"
    if index.is_file():
        return FileResponse(index, media_type="text/html; charset=utf-8")
    return HTMLResponse("<!doctype html><meta charset=utf-8><title>fenliu</title>"
                        "<p>fenliu API is running. The operator console is not part of this version yet; "
                        "see <a href='/docs'>/docs</a> for the API.</p>")
