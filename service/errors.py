"""One error vocabulary for the API, rendered in one place as {"error": {"code", "message"}}."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from service.responses import FastJSON
from starlette.exceptions import HTTPException as StarletteHTTPException

from classifier.prepare import UnusableText
from corpus.jurisdiction import UnknownProfile


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status = status or self.status
        self.code = code or self.code
        self.headers = headers


class TextTooLong(ApiError):
    status, code = 413, "text_too_long"


class BodyTooLarge(ApiError):
    status, code = 413, "body_too_large"


class Unauthorized(ApiError):
    status, code = 401, "unauthorized"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class NotFound(ApiError):
    status, code = 404, "not_found"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"


class ModelNotReady(ApiError):
    status, code = 503, "model_not_ready"


class StorageUnavailable(ApiError):
    status, code = 503, "storage_unavailable"


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for item in exc.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "body"
        if item.get("type") == "literal_error":
            # 50 codes make an unreadable list: name the bad value and where the valid ones are.
            parts.append(f"{where}: {str(item.get('input'))[:60]!r} is not a valid code (see GET /v1/taxonomy)")
        else:
            parts.append(f"{where}: {item.get('msg')}")
    return "; ".join(parts)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return FastJSON(error_body(exc.code, exc.message), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(UnknownProfile)
    async def _unknown_profile(request: Request, exc: UnknownProfile):
        return FastJSON(error_body("unknown_profile", str(exc)), status_code=404)

    @app.exception_handler(UnusableText)
    async def _unusable(request: Request, exc: UnusableText):
        return FastJSON(error_body(exc.code, str(exc)), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        kinds = {e.get("type") for e in exc.errors()}
        if "json_invalid" in kinds:
            return FastJSON(error_body("invalid_json", "the request body is not valid JSON: " + _validation_message(exc)), status_code=400)
        return FastJSON(error_body("invalid_fields", _validation_message(exc)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and str(exc.detail).startswith("There was an error parsing the body"):
            return FastJSON(error_body("invalid_json", "the request body could not be read as JSON (it must be UTF-8 JSON)"),
                            status_code=400)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return FastJSON(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        import logging

        logging.getLogger("fenliu.service").exception("unexpected error on %s", request.url.path)
        return FastJSON(error_body("internal_error", "an internal error occurred; it has been logged"), status_code=500)
