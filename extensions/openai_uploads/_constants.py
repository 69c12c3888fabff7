"""Limits and names of the Uploads API, shared by the client and the local emulator.

Only facts of the API live here, never logic, so that the emulator checks the client
instead of sharing its bugs.
"""

from typing import Final, Literal, get_args

MiB: Final = 1024 * 1024
GiB: Final = 1024 * MiB

MAX_PART_SIZE: Final = 64 * MiB
"""The largest Part the API accepts, in bytes (64 MB)."""

MAX_UPLOAD_BYTES: Final = 8 * GiB
"""The largest total an Upload accepts, in bytes (8 GB)."""

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
