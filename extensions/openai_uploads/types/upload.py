"""openai-python's ``openai.types.upload``: ``Upload``."""

from . import Upload

__all__ = ["Upload"]
