"""openai-python's ``openai.types.file_deleted``: ``FileDeleted``."""

from . import FileDeleted

__all__ = ["FileDeleted"]
