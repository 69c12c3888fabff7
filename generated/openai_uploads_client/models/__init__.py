"""Contains all the data models used in inputs/outputs"""

from .add_upload_part_request import AddUploadPartRequest
from .complete_upload_request import CompleteUploadRequest
from .create_file_request import CreateFileRequest
from .create_file_request_purpose import CreateFileRequestPurpose
from .create_upload_request import CreateUploadRequest
from .create_upload_request_purpose import CreateUploadRequestPurpose
from .error import Error
from .error_response import ErrorResponse
from .file_deleted import FileDeleted
from .file_deleted_object import FileDeletedObject
from .file_expiration_after import FileExpirationAfter
from .file_expiration_after_anchor import FileExpirationAfterAnchor
from .file_list import FileList
from .file_list_object import FileListObject
from .file_object import FileObject
from .file_object_object import FileObjectObject
from .file_purpose import FilePurpose
from .file_status import FileStatus
from .list_files_order import ListFilesOrder
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
    "Error",
    "ErrorResponse",
    "FileDeleted",
    "FileDeletedObject",
    "FileExpirationAfter",
    "FileExpirationAfterAnchor",
    "FileList",
    "FileListObject",
    "FileObject",
    "FileObjectObject",
    "FilePurpose",
    "FileStatus",
    "ListFilesOrder",
    "Upload",
    "UploadObject",
    "UploadPart",
    "UploadPartObject",
    "UploadStatus",
)
