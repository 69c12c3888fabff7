"""Contains all the data models used in inputs/outputs"""

from .add_upload_part_request import AddUploadPartRequest
from .complete_upload_request import CompleteUploadRequest
from .create_file_request import CreateFileRequest
from .create_file_request_purpose import CreateFileRequestPurpose
from .create_upload_request import CreateUploadRequest
from .create_upload_request_purpose import CreateUploadRequestPurpose
from .delete_file_response import DeleteFileResponse
from .delete_file_response_object import DeleteFileResponseObject
from .error import Error
from .error_response import ErrorResponse
from .file_expiration_after import FileExpirationAfter
from .file_expiration_after_anchor import FileExpirationAfterAnchor
from .file_purpose import FilePurpose
from .file_status import FileStatus
from .list_files_order import ListFilesOrder
from .list_files_response import ListFilesResponse
from .list_files_response_object import ListFilesResponseObject
from .open_ai_file import OpenAIFile
from .open_ai_file_object import OpenAIFileObject
from .upload import Upload
from .upload_object import UploadObject
from .upload_part import UploadPart
from .upload_part_object import UploadPartObject
from .upload_status import UploadStatus

__all__ = (
    "AddUploadPartRequest",
    "CompleteUploadRequest",
    "CreateFileRequest",
    "CreateFileRequestPurpose",
    "CreateUploadRequest",
    "CreateUploadRequestPurpose",
    "DeleteFileResponse",
    "DeleteFileResponseObject",
    "Error",
    "ErrorResponse",
    "FileExpirationAfter",
    "FileExpirationAfterAnchor",
    "FilePurpose",
    "FileStatus",
    "ListFilesOrder",
    "ListFilesResponse",
    "ListFilesResponseObject",
    "OpenAIFile",
    "OpenAIFileObject",
    "Upload",
    "UploadObject",
    "UploadPart",
    "UploadPartObject",
    "UploadStatus",
)
