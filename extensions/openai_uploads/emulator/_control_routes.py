"""The emulator-only routes: the body sink, the fault config, the fault script and the
request log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ._errors import ApiError, bad_request
from ._faults import FaultConfig
from ._request_rules import RouteSet, json_object


class ControlRoutes(RouteSet):
    """``/v1/_sink`` and ``/v1/_emulator/...``."""

    def authorize_control(self, request: Request, *content_types: str) -> None:
        """Emulator-only routes: the key when one is set, and (for a body) only the given
        content types, none of which a browser page may send without a CORS preflight
        (which the emulator never grants)."""
        if self.api_key is not None:
            self.authorize(request)
        if request.method in ("POST", "PUT"):
            content_type = request.headers.get("content-type", "")
            essence = content_type.split(";", 1)[0].strip().lower()
            if essence not in content_types:
                raise ApiError(
                    415,
                    f"Unsupported Content-Type {content_type!r}: this route accepts only "
                    + " or ".join(content_types)
                    + ".",
                    code="unsupported_media_type",
                )

    async def sink(self, request: Request) -> Response:
        """Emulator only: read a body of any size, discard it, report its length."""
        self.authorize_control(request, "application/octet-stream", "application/json")
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
        return JSONResponse({"object": "emulator.sink", "bytes": total})

    async def faults(self, request: Request) -> Response:
        """Emulator only: GET the fault config and counts; POST a new config (JSON)."""
        self.authorize_control(request, "application/json")
        if request.method == "POST":
            try:
                self.injector.configure(FaultConfig.from_json(await json_object(request)))
            except (TypeError, ValueError) as exc:
                raise bad_request(str(exc)) from None
        elif request.method == "DELETE":
            self.injector.reset_stats()
        return JSONResponse(
            {"config": self.injector.config.to_json(), "stats": self.injector.stats()}
        )

    async def fault_script(self, request: Request) -> Response:
        """Emulator only: GET the script's remaining instructions; POST a new script."""
        self.authorize_control(request, "application/json")
        if request.method == "POST":
            try:
                self.injector.set_script(await json_object(request))
            except (TypeError, ValueError) as exc:
                raise bad_request(str(exc)) from None
        return JSONResponse({"script": self.injector.script()})

    async def request_log(self, request: Request) -> Response:
        """Emulator only: GET the request log; DELETE clears it."""
        self.authorize_control(request)
        if request.method == "DELETE":
            self.injector.log.clear()
        records = [r.to_json() for r in self.injector.log.records()]
        return JSONResponse({"requests": records})
