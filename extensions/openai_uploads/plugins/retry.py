"""The default retry policy, the same as openai-python's.

Retried: connection errors, timeouts, and the statuses 408, 409, 429 and 5xx (an
``x-should-retry: true|false`` header overrides the status), at most ``max_retries``
times. The wait is the server's ``retry-after-ms`` / ``retry-after`` when it is between 0
and 120 seconds, otherwise ``min(0.5 * 2**attempt, 8)`` seconds less up to 25% jitter; a
server asking for more than 120 seconds is not retried at all (openai-python's rule). A
retry whose wait would outlast the Upload (``time_left``) is not made.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time

import httpx

from ..hookspecs import RetryContext, RetryDecision, hookimpl

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 120.0
"""The longest server-requested wait honoured; a longer one ends the call."""
RETRYABLE_STATUSES = frozenset({408, 409, 429})

log = logging.getLogger(__name__)


def parse_retry_after(headers: httpx.Headers) -> float | None:
    """Seconds the server asked to wait, from ``retry-after-ms`` or ``retry-after``."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if math.isfinite(seconds):
            return seconds
    when = _http_date(headers.get("retry-after"))
    if when is None:
        return None
    # An HTTP date is the server's clock: measured against the response's own Date
    # header, a client clock hours off does not turn "in 2 s" into "in 2 h" or "now".
    now = _http_date(headers.get("date"))
    return when - (time.time() if now is None else now)


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_tz(value)
        return None if parsed is None else float(email.utils.mktime_tz(parsed))
    except (TypeError, ValueError, OverflowError):
        return None


def should_retry(response: httpx.Response) -> bool:
    """Whether an error response is worth another attempt."""
    header = response.headers.get("x-should-retry")
    if header == "true":
        return True
    if header == "false":
        return False
    return response.status_code in RETRYABLE_STATUSES or response.status_code >= 500


def backoff(attempt: int) -> float:
    """Exponential backoff with jitter for the given retry number (0-based)."""
    delay = min(INITIAL_RETRY_DELAY * 2.0 ** min(attempt, 32), MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


@hookimpl(trylast=True)
def decide_retry(event: RetryContext) -> RetryDecision:
    if event.attempt >= event.max_retries:
        return RetryDecision.give_up()
    delay: float | None = None
    if event.response is not None:
        retry_after = parse_retry_after(event.response.headers)
        if retry_after is not None and retry_after > MAX_RETRY_AFTER:
            log.debug(
                "not retrying: the server asked to wait %.0f s, more than %.0f s",
                retry_after,
                MAX_RETRY_AFTER,
            )
            return RetryDecision.give_up()
        if not should_retry(event.response):
            return RetryDecision.give_up()
        if retry_after is not None and retry_after >= 0:
            delay = retry_after
    if delay is None:
        delay = backoff(event.attempt)
    if event.time_left is not None and delay >= event.time_left:
        return RetryDecision.give_up()
    return RetryDecision.after(delay)
