"""openai-python's ``openai.types.uploads.upload_part``: ``UploadPart``."""

from . import UploadPart

__all__ = ["UploadPart"]
