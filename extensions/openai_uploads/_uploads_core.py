"""The requests of ``client.uploads``, built once for both ``Uploads`` classes.

Each ``*_call`` function checks its arguments and returns the :class:`APICall` that the
client's ``_execute`` sends; the resource classes (:mod:`openai_uploads._async.uploads`)
only gather the options and hand the call over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openai_uploads_client.api.uploads import cancel_upload, complete_upload, create_upload
from openai_uploads_client.models import FileExpirationAfter

from ._base_client import APICall, RequestOptions, parse_json_model
from ._constants import MAX_FILE_EXPIRY_SECONDS, UPLOAD_PURPOSES
from ._params import request_body, split_params
from ._resource import require_id
from ._types import ExpiresAfter, FilePurpose, Omit, Upload
from ._utils import is_strict_int

SECONDS_PER_DAY = 86_400
MAX_EXPIRY_DAYS = MAX_FILE_EXPIRY_SECONDS // SECONDS_PER_DAY
"""30: the longest ``expires_after`` in whole days (the shortest, an hour, is less than one)."""


def check_purpose(purpose: object) -> FilePurpose:
    """``purpose``, if the API takes it; a ``ValueError`` naming the field and its values
    otherwise (before any request)."""
    if isinstance(purpose, str) and purpose in UPLOAD_PURPOSES:
        return purpose
    raise ValueError(
        f"purpose must be one of {', '.join(map(repr, UPLOAD_PURPOSES))}; got {purpose!r}"
    )


def expiration(expires_after: ExpiresAfter | Mapping[str, object]) -> FileExpirationAfter:
    """The wire form of ``expires_after``: ``days`` (a convenience) becomes ``seconds``."""
    if not isinstance(expires_after, Mapping):
        raise TypeError("expires_after must be a dict like {'anchor': 'created_at', 'seconds': N}")
    unknown = set(expires_after) - {"anchor", "seconds", "days"}
    if unknown:
        raise TypeError(f"expires_after has unknown keys: {sorted(unknown)}")
    if ("seconds" in expires_after) == ("days" in expires_after):
        raise TypeError("expires_after needs exactly one of 'seconds' or 'days'")
    key = "days" if "days" in expires_after else "seconds"
    amount = expires_after[key]
    if not is_strict_int(amount):
        raise TypeError(f"expires_after[{key!r}] must be an int, got {amount!r}")
    if key == "days" and not 1 <= amount <= MAX_EXPIRY_DAYS:
        # Judged here, in the unit given: the server would judge the seconds it becomes.
        raise ValueError(
            f"expires_after['days'] must be between 1 and {MAX_EXPIRY_DAYS}; got {amount}"
        )
    seconds = amount * SECONDS_PER_DAY if key == "days" else amount
    anchor = expires_after.get("anchor", "created_at")
    if not isinstance(anchor, str):
        raise TypeError(f"expires_after['anchor'] must be a str, got {anchor!r}")
    # The server judges the other values (anchor name, 1 hour to 30 days in seconds),
    # and names them as they were given.
    return FileExpirationAfter(anchor=anchor, seconds=seconds)  # type: ignore[arg-type]


# The API leaves ``file`` out until completion; it reads as None, as in openai-python.
_parse_upload = parse_json_model(Upload)


def create_upload_call(
    *,
    size: int,
    filename: str,
    mime_type: str,
    purpose: FilePurpose,
    expires_after: ExpiresAfter | Omit,
    params: Mapping[str, object],
    options: RequestOptions,
) -> APICall[Upload]:
    """``params``: the spec-derived keyword arguments (``CreateUploadParams``)."""
    spec = split_params("createUpload", params)
    if not is_strict_int(size):
        raise TypeError(f"bytes must be an int, got {type(size).__name__}")
    for name, value in (("filename", filename), ("mime_type", mime_type), ("purpose", purpose)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    check_purpose(purpose)
    fields: dict[str, object] = {
        "filename": filename,
        "purpose": purpose,
        "bytes": size,
        "mime_type": mime_type,
        **spec.body,
    }
    if not isinstance(expires_after, Omit):
        fields["expires_after"] = expiration(expires_after).to_dict()
    request = request_body("createUpload", fields)
    return APICall(
        operation="create_upload",
        make_kwargs=lambda: create_upload._get_kwargs(body=request),
        parse=_parse_upload,
        options=options,
    )


def complete_upload_call(
    upload_id: str,
    *,
    part_ids: Sequence[str],
    md5: str | Omit,
    params: Mapping[str, object],
    options: RequestOptions,
) -> APICall[Upload]:
    upload_id = require_id("upload_id", upload_id)
    spec = split_params("completeUpload", params)
    if isinstance(part_ids, str) or not all(isinstance(p, str) for p in part_ids):
        raise TypeError("part_ids must be a list of part id strings")
    if not isinstance(md5, str | Omit):
        raise TypeError(f"md5 must be a hex str, got {type(md5).__name__}")
    fields: dict[str, object] = {"part_ids": list(part_ids), **spec.body}
    if not isinstance(md5, Omit):
        fields["md5"] = md5
    request = request_body("completeUpload", fields)
    return APICall(
        operation="complete_upload",
        upload_id=upload_id,
        make_kwargs=lambda: complete_upload._get_kwargs(upload_id, body=request),
        parse=_parse_upload,
        options=options,
    )


def cancel_upload_call(
    upload_id: str, *, params: Mapping[str, object], options: RequestOptions
) -> APICall[Upload]:
    upload_id = require_id("upload_id", upload_id)
    split_params("cancelUpload", params)
    return APICall(
        operation="cancel_upload",
        upload_id=upload_id,
        make_kwargs=lambda: cancel_upload._get_kwargs(upload_id),
        parse=_parse_upload,
        options=options,
    )
