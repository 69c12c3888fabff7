"""md5 over the file, computed in the single read that sends it.

The md5 goes with ``complete`` so that the server verifies the assembled bytes; when
the caller passed ``md5=``, a mismatch vetoes completion before anything is assembled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ..hookspecs import ChecksumVeto, DigestsComputed, DigestSetup, HasherFactory, hookimpl


@hookimpl(trylast=True)
def digest_algorithms(event: DigestSetup) -> Mapping[str, HasherFactory]:
    return {"md5": hashlib.md5}


@hookimpl(trylast=True)
def check_digests(event: DigestsComputed) -> ChecksumVeto | None:
    expected = event.expected_md5
    actual = event.digests.get("md5")
    if expected is not None and actual is not None and expected.lower() != actual:
        return ChecksumVeto(
            reason=f"md5 mismatch: expected {expected.lower()}, the file read has {actual}",
            algorithm="md5",
            expected=expected.lower(),
            actual=actual,
        )
    return None
