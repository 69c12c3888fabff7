"""openai-python's ``openai.types.upload_complete_params``: ``UploadCompleteParams``."""

from . import UploadCompleteParams

__all__ = ["UploadCompleteParams"]
