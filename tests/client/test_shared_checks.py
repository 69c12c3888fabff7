"""The small checks and names the client, the transfer layer, the CLI and the emulator share."""

from __future__ import annotations

import typing

import pytest

from openai_uploads import FilePurpose
from openai_uploads._constants import DEFAULT_BASE_URL, UPLOAD_PURPOSES
from openai_uploads._utils import is_strict_int


@pytest.mark.parametrize("value", [0, 1, -7, 2**70])
def test_is_strict_int_accepts_ints(value: object) -> None:
    assert is_strict_int(value)


@pytest.mark.parametrize("value", [True, False, 1.0, "1", None, b"1"])
def test_is_strict_int_rejects_bools_and_other_types(value: object) -> None:
    assert not is_strict_int(value)


def test_upload_purposes_are_the_file_purpose_literal_in_order() -> None:
    assert typing.get_args(FilePurpose) == UPLOAD_PURPOSES
    assert "fine-tune" in UPLOAD_PURPOSES


def test_cli_and_client_default_to_the_same_base_url() -> None:
    from openai_uploads import OpenAI, cli

    assert cli.DEFAULT_BASE_URL is DEFAULT_BASE_URL
    with OpenAI(api_key="sk-test") as client:
        assert str(client.base_url).rstrip("/") == DEFAULT_BASE_URL
