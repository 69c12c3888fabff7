"""The API's error shape, raised anywhere in the emulator and rendered by the app."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the API reports as ``{"error": {"message", "type", "param", "code"}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


def bad_request(message: str, *, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def not_found(kind: str, object_id: str, *, param: str = "id") -> ApiError:
    return ApiError(404, f"No such {kind}: {object_id}", param=param, code=None)


def unknown_field(name: str) -> ApiError:
    """The refusal of a request field the route does not take: a JSON key or a multipart
    field alike (one without a name is named as such)."""
    if not name:
        return bad_request("Unrecognized request argument supplied: a field without a name")
    return bad_request(f"Unrecognized request argument supplied: {name}", param=name)
