"""The installed distribution's version (kept apart so every module can import it)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("openai-uploads")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
