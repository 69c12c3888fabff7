"""openai-python's ``openai.types.file_object``: ``FileObject``."""

from . import FileObject

__all__ = ["FileObject"]
