"""openai-python's ``openai.types.file_content``: ``FileContent``."""

from . import FileContent

__all__ = ["FileContent"]
