"""openai-uploads: a Python SDK for the OpenAI Uploads API."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("openai-uploads")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
