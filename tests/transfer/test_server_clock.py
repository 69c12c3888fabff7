"""The Upload's expiry, counted on the server's lifetime from when create was sent.

The uploads against an emulator whose clock differs from this process's are written
once in ``_async/test_server_clock.py``.
"""

from __future__ import annotations

from openai_uploads._transfer._clock import CreateSent, Expiry, server_lifetime


def test_the_expiry_counts_the_servers_lifetime_from_when_create_was_sent() -> None:
    sent = CreateSent(monotonic=100.0, wall=5.0)  # the wall clock plays no part
    created_at, lifetime = server_lifetime(1_700_000_000, 1_700_003_600)
    expiry = Expiry.from_create(sent, lifetime=lifetime)
    assert (created_at, expiry.deadline) == (1_700_000_000, 3700.0)


def test_a_create_answer_without_its_times_is_taken_to_live_an_hour() -> None:
    assert server_lifetime(None, None) == (0.0, 3600.0)
    assert server_lifetime(1_700_000_000, "soon") == (1_700_000_000, 3600.0)
