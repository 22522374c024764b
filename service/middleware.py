"""ASGI middleware: request ids, body-size limits, request logs and latency metrics."""
from __future__ import annotations

import logging
import time
import uuid

import orjson

from service.errors import error_body
from service.logging_setup import request_id
from service.metrics import REQUEST_SECONDS

log = logging.getLogger("fenliu.access")
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"content-security-policy", b"default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")]


class ServiceMiddleware:
    """One pure-ASGI layer: cheap on the keystroke path, no per-request task or thread."""

    def __init__(self, app, max_body_bytes: int, large_body_paths: dict[str, int]):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.large_body_paths = large_body_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex[:16]
        token = request_id.set(rid)
        limit = self.large_body_paths.get(scope["path"], self.max_body_bytes)
        status_holder = {"status": 500}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", rid.encode())] + SECURITY_HEADERS
            await send(message)

        async def reject(status: int, code: str, message: str):
            body = orjson.dumps(error_body(code, message))
            await send_with_headers({"type": "http.response.start", "status": status,
                                     "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        try:
            declared = headers.get(b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > limit):
                await reject(413, "body_too_large", f"request body larger than the limit of {limit} bytes")
                return
            received = 0

            async def limited_receive():
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise _TooLarge()
                return message

            try:
                await self.app(scope, limited_receive, send_with_headers)
            except _TooLarge:
                await reject(413, "body_too_large", f"request body larger than the limit of {limit} bytes")
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            path = getattr(route, "path", None) or ("static" if scope["path"].startswith("/static") else "unmatched")
            REQUEST_SECONDS.labels(path, scope["method"], str(status_holder["status"])).observe(elapsed)
            log.info("request", extra={"fields": {"method": scope["method"], "path": path, "status": status_holder["status"],
                                                  "duration_ms": round(elapsed * 1000, 2)}})
            request_id.reset(token)


class _TooLarge(Exception):
    pass
