"""Claims the ``md5`` digest, which is reserved for the built-in plugin."""

import hashlib
from collections.abc import Mapping

from openai_uploads import hookimpl
from openai_uploads.hookspecs import DigestSetup, HasherFactory


@hookimpl
def digest_algorithms(event: DigestSetup) -> Mapping[str, HasherFactory]:
    return {"md5": hashlib.md5}
