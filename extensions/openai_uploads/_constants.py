"""Limits and names of the Uploads API, shared by the client and the local emulator, and
the client's defaults the command line states.

Only facts live here, never logic, so that the emulator checks the client instead of
sharing its bugs.
"""

from typing import Final, Literal, get_args

MiB: Final = 1024 * 1024
GiB: Final = 1024 * MiB

MAX_PART_SIZE: Final = 64 * MiB
"""The largest Part the API accepts, in bytes (64 MB)."""

MAX_UPLOAD_BYTES: Final = 8 * GiB
"""The largest total an Upload accepts, in bytes (8 GB)."""

MAX_CREATE_FILE_BYTES: Final = 512 * MiB
"""The largest file ``POST /files`` (``files.create``) takes in one request, in bytes
(512 MB); larger files go through an Upload."""

UPLOAD_TTL_SECONDS: Final = 3600
"""An Upload expires this many seconds after it is created."""

MIN_FILE_EXPIRY_SECONDS: Final = 3600
MAX_FILE_EXPIRY_SECONDS: Final = 2_592_000
"""Bounds of `expires_after.seconds` (one hour to thirty days)."""

FilePurpose = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]
"""The purposes an Upload may be created with (responses may carry other, newer ones)."""

UPLOAD_PURPOSES: Final[tuple[FilePurpose, ...]] = get_args(FilePurpose)
"""The same purposes as a tuple, for checks and choices."""

DEFAULT_BASE_URL: Final = "https://api.openai.com/v1"
"""Where the client sends requests unless given ``base_url`` or ``OPENAI_BASE_URL``."""

DEFAULT_MAX_CONCURRENCY: Final = 16
"""The cap on parts in flight when the caller leaves ``max_concurrency`` out: the
number then adapts to the measured throughput, from 4 up to this
(``_transfer._plan.ConcurrencyLimit``).

A file's parts are streamed, so memory does not grow with it (peak RSS 45 MiB at 1, 58
at 16: bench/RESULTS.md). Adapting rather than fixing it: on the wide-area profile (20
MiB/s per connection) 16 in flight move twice as much as 8, while on a shared uplink or
loopback more connections add nothing but slower parts (each 64 MiB part must finish
within the per-attempt timeout, 600 s by default); the adaptation stops adding parts
where the rate stops growing and halves on a retried part."""

EMULATOR_API_KEY: Final = "sk-emulator-test"
"""The key the emulator of ``openai_uploads.testing.emulator_fixture`` requires unless told
otherwise (here so that the pytest-free half of ``testing`` and its fixtures share it)."""
