"""Every error declares the Upload a transfer worked on in the same two typed attributes;
``UploadError.cancelled`` is the deprecated alias of one of them.

The errors of transfers against the emulator are written once in
``_async/test_error_attributes.py``.
"""

from __future__ import annotations

import typing

import pytest

from openai_uploads._exceptions import OpenAIError, UploadError


def test_api_error_declares_upload_id_and_upload_cancelled() -> None:
    hints = typing.get_type_hints(OpenAIError)
    assert hints["upload_id"] == str | None
    assert hints["upload_cancelled"] is bool


def test_upload_error_cancelled_is_a_read_only_deprecated_alias() -> None:
    error = UploadError("failed", upload_id="upload_1", upload_cancelled=True)
    with pytest.warns(DeprecationWarning, match="upload_cancelled"):
        assert error.cancelled is True
    with pytest.raises(AttributeError):
        error.cancelled = False  # type: ignore[misc]


def test_upload_error_still_accepts_the_former_cancelled_keyword() -> None:
    with pytest.warns(DeprecationWarning, match="upload_cancelled"):
        error = UploadError("failed", upload_id="upload_1", cancelled=True)
    assert error.upload_cancelled is True
    assert "cancelled" not in error.details
