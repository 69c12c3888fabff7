"""openai-python's ``openai.types.file_create_params``: ``ExpiresAfter``, ``FileCreateParams``."""

from .._types import ExpiresAfter
from . import FileCreateParams

__all__ = ["ExpiresAfter", "FileCreateParams"]
