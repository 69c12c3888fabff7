"""openai-python's ``openai.types.upload_create_params``: the create call's arguments."""

from .._types import ExpiresAfter
from . import UploadCreateParams

__all__ = ["ExpiresAfter", "UploadCreateParams"]
