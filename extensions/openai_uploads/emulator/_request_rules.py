"""The request rules the routes share: the key, JSON bodies, known fields, the
generated request model's check, and the API's error shape."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openai_uploads._constants import (
    MAX_FILE_EXPIRY_SECONDS,
    MIN_FILE_EXPIRY_SECONDS,
    UPLOAD_PURPOSES,
)
from openai_uploads._utils import is_strict_int as _is_int
from openai_uploads_client import models as _request_models
from openai_uploads_client.sdk import OPERATIONS

from ._errors import ApiError, bad_request, unknown_field
from ._faults import FaultInjector
from ._input import parse_json
from ._store import Store


def error_response(error: ApiError) -> Response:
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object (strict: see ``_input.parse_json``)."""
    raw = await request.body()
    data = parse_json(raw) if raw else None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    return data


def check_fields(data: dict[str, Any], allowed: frozenset[str]) -> None:
    for key in data:
        if key not in allowed:
            raise unknown_field(key)


def check_with_model(data: dict[str, Any], operation_id: str) -> None:
    """After the route's own rules: the generated request model must accept the body."""
    model_name = OPERATIONS[operation_id].body_model
    assert model_name is not None
    try:
        getattr(_request_models, model_name).from_dict(data)
    except KeyError:
        pass  # a missing required field: the route's own checks name it
    except (TypeError, ValueError, AttributeError) as exc:
        raise bad_request(f"Invalid request: {exc}") from None


def required(data: dict[str, Any], name: str) -> Any:
    if name not in data or data[name] is None:
        raise bad_request(f"Missing required parameter: '{name}'.", param=name)
    return data[name]


def non_empty_str(data: dict[str, Any], name: str) -> str:
    value = required(data, name)
    if not isinstance(value, str):
        raise bad_request(f"Invalid type for '{name}': expected a string.", param=name)
    if not value:
        raise bad_request(f"'{name}' must not be empty.", param=name)
    return value


def file_expiry(data: dict[str, Any]) -> int | None:
    value = data.get("expires_after")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(
            "Invalid type for 'expires_after': expected an object.", param="expires_after"
        )
    for key in value:
        if key not in ("anchor", "seconds"):
            raise bad_request(
                f"Unrecognized request argument supplied: expires_after.{key}",
                param=f"expires_after.{key}",
            )
    if value.get("anchor") != "created_at":
        raise bad_request(
            "Invalid value for 'expires_after.anchor': the only supported anchor is 'created_at'.",
            param="expires_after.anchor",
        )
    seconds: Any = value.get("seconds")
    if not _is_int(seconds) or not MIN_FILE_EXPIRY_SECONDS <= seconds <= MAX_FILE_EXPIRY_SECONDS:
        raise bad_request(
            f"Invalid value for 'expires_after.seconds': expected an integer between "
            f"{MIN_FILE_EXPIRY_SECONDS} and {MAX_FILE_EXPIRY_SECONDS}.",
            param="expires_after.seconds",
        )
    return int(seconds)


def check_purpose(purpose: str) -> None:
    if purpose not in UPLOAD_PURPOSES:
        raise bad_request(
            f"Invalid value for 'purpose': {purpose!r}. Supported values are: "
            + ", ".join(repr(p) for p in UPLOAD_PURPOSES)
            + ".",
            param="purpose",
        )


class RouteSet:
    """What every group of routes is bound to: one Store, one FaultInjector and an
    optional required key (the Emulator sets them)."""

    store: Store
    api_key: str | None
    injector: FaultInjector

    def authorize(self, request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise ApiError(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        if self.api_key is not None and key != self.api_key:
            raise ApiError(
                401,
                "Incorrect API key provided. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )
