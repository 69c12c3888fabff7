"""openai-python's ``openai.types.uploads.part_create_params``: ``PartCreateParams``."""

from . import PartCreateParams

__all__ = ["PartCreateParams"]
