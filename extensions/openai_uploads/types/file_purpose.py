"""openai-python's ``openai.types.file_purpose``: ``FilePurpose``."""

from . import FilePurpose

__all__ = ["FilePurpose"]
