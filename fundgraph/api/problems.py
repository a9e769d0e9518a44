"""Typed errors mapped to HTTP in one place, all with one body: ``{"error": {"status", "code", "message"}}``, and
``template`` and ``args`` where the error is data (a refused document: ParseError.as_message), to show in zh or en.

A 500 is a fault of fundgraph's: its traceback goes to the ``fundgraph.api`` log with the request's id, and the
answer says only that the server log has the details, and under which request id to look for them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from neo4j.exceptions import DriverError, Neo4jError
from starlette.exceptions import HTTPException

from fundgraph.errors import FundgraphError, ParseError, classify

LOGGER = logging.getLogger("fundgraph.api")


def error_body(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, **extra}}


def respond(status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, **extra), status_code=status, headers=headers)


def error_response(request: Request, exc: Exception) -> JSONResponse:
    status, code, message = classify(exc)
    if status == 500:
        request_id = getattr(request.state, "request_id", None)
        failure = {"request_id": request_id, "method": request.method, "path": request.url.path, "error": code}
        LOGGER.error(json.dumps(failure, ensure_ascii=False), exc_info=exc)
        message = f"{message} (request id {request_id})"
    said = exc.as_message() if isinstance(exc, ParseError) else None
    extra = {"template": said["code"], "args": said["args"]} if said is not None else {}
    return respond(status, code, message, **extra)


def install(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return error_response(request, exc)

    async def handle_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        code = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            429: "too_many_attempts",
        }.get(exc.status_code, "http_error")
        return respond(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))

    async def handle_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = "; ".join(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors())
        return respond(422, "bad_parameter", problems)

    app.add_exception_handler(HTTPException, handle_http)
    app.add_exception_handler(RequestValidationError, handle_validation)
    for kind in (FundgraphError, DriverError, Neo4jError, Exception):
        app.add_exception_handler(kind, handle)
