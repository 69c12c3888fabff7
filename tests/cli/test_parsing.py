"""Sizes, durations and MIME types as the command line reads them."""

from __future__ import annotations

import pytest

from openai_uploads.cli import guess_mime_type, parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("64MiB", 64 * 1024**2),
        ("32MB", 32_000_000),
        ("1GiB", 1024**3),
        ("1.5MiB", 1_572_864),
        ("500k", 500_000),
        ("8KiB", 8192),
        ("1048576", 1_048_576),
        ("64 mib", 64 * 1024**2),
    ],
)
def test_sizes_accept_decimal_and_binary_units(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "MiB", "64XB", "-1", "1.0000001B", "64 MiB/s"])
def test_sizes_reject_what_is_not_a_whole_number_of_bytes(text: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        parse_size(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3600", 3600), ("3600s", 3600), ("90m", 5400), ("2h", 7200), ("7d", 604800),
     ("1w", 604800), ("1d12h", 129600)],
)  # fmt: skip
def test_durations_accept_s_m_h_d_w(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "h", "7 days", "1.5h", "-1h"])
def test_durations_reject_other_text(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("name", "mime_type"),
    [
        ("train.jsonl", "application/jsonl"),
        ("DATA.JSONL", "application/jsonl"),
        ("table.csv", "text/csv"),
        ("paper.pdf", "application/pdf"),
        ("notes.txt", "text/plain"),
        ("photo.png", "image/png"),
        ("blob", "application/octet-stream"),
        ("weird.zzz9", "application/octet-stream"),
    ],
)
def test_mime_type_is_guessed_from_the_name(name: str, mime_type: str) -> None:
    assert guess_mime_type(name) == mime_type


@pytest.mark.parametrize("unit", ["", "B", "k", "kB", "KiB", "m", "MB", "MiB", "g", "GB", "GiB"])
def test_sizes_and_serve_rates_read_the_same_units(unit: str) -> None:
    from openai_uploads.emulator._cli import parse_rate

    assert parse_rate(f"3{unit}") == parse_size(f"3{unit}")


def test_a_bad_size_or_rate_says_what_to_try() -> None:
    from openai_uploads.emulator._cli import parse_rate

    with pytest.raises(ValueError, match=r"^not a size: '64XB' \(try 64MiB, 32MB, 1GiB or a"):
        parse_size("64XB")
    with pytest.raises(ValueError, match=r"^not a rate: '20XB' \(try 20MB, 10MiB, 500k\)$"):
        parse_rate("20XB")
