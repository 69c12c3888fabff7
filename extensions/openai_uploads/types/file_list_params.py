"""openai-python's ``openai.types.file_list_params``: ``FileListParams``."""

from . import FileListParams

__all__ = ["FileListParams"]
