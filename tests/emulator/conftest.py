"""Fixtures: an emulator in a background thread and the official openai client pointed at it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import openai
import pytest

from openai_uploads.emulator import EmulatorServer, ManualClock
from openai_uploads.testing import emulator_fixture

API_KEY = "sk-emulator-suite"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_700_000_000.0)


emulator = emulator_fixture(api_key=API_KEY, clock="clock", data_dir="data")


@pytest.fixture
def client(emulator: EmulatorServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=emulator.base_url, api_key=API_KEY, max_retries=0, timeout=60) as c:
        yield c


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def new_upload(client: openai.OpenAI, size: int, filename: str = "data.bin") -> str:
    upload = client.uploads.create(
        bytes=size, filename=filename, mime_type="application/octet-stream", purpose="assistants"
    )
    return upload.id
