"""One structured log line per API request: its id (the caller's ``X-Request-ID`` or a new one, echoed back), method,
path, status, duration and the key's name, as JSON on the ``fundgraph.api`` logger, so a slow or failed answer can be
found and tied to its caller.

The path is logged without its query string: a query string can carry what should not sit in a log (a key passed as
``?key=`` by an old link). Under ``fundgraph serve`` these lines replace uvicorn's access log, which logs query
strings (:func:`serve_log_config`).
"""

from __future__ import annotations

import copy
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response

from fundgraph.api import problems

LOGGER = logging.getLogger("fundgraph.api")
HEADER = "X-Request-ID"


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def log_request(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        given = request.headers.get(HEADER, "")
        request_id = given if 0 < len(given) <= 64 and given.isprintable() else uuid.uuid4().hex
        request.state.request_id = request_id
        started = time.perf_counter()
        status = 500
        try:
            try:
                response = await call_next(request)
            except Exception as exc:
                # Caught here rather than left to Starlette's outermost handler, which would answer without this
                # request's id and the other middleware's headers, and re-raise for the server to log it again.
                response = problems.error_response(request, exc)
            status = response.status_code
            response.headers[HEADER] = request_id
            return response
        finally:
            LOGGER.info(
                json.dumps(
                    {
                        "request_id": request_id,
                        "method": request.method,
                        "path": request.url.path,
                        "status": status,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "key": getattr(request.state, "key_name", None),
                    },
                    ensure_ascii=False,
                )
            )


def serve_log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with this module's logger added at INFO (run uvicorn with
    ``access_log=False``): without a handler of its own the request lines would reach only Python's last-resort
    handler, which drops everything below WARNING."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["fundgraph"] = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    config["handlers"]["fundgraph"] = {
        "class": "logging.StreamHandler",
        "formatter": "fundgraph",
        "stream": "ext://sys.stderr",
    }
    config["loggers"][LOGGER.name] = {"handlers": ["fundgraph"], "level": "INFO", "propagate": False}
    return config
