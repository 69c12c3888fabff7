"""The public surface is exactly ``openai_uploads.__all__``."""

from __future__ import annotations

import openai_uploads

EXPECTED = {
    "__version__",
    "OpenAI",
    "AsyncOpenAI",
    "AzureOpenAI",
    "AsyncAzureOpenAI",
    "AzureADTokenProvider",
    "AsyncAzureADTokenProvider",
    "DefaultHttpxClient",
    "DefaultAsyncHttpxClient",
    "DefaultAioHttpClient",
    "not_given",
    "MutuallyExclusiveAuthError",
    "Upload",
    "UploadResult",
    "UploadPart",
    "FileObject",
    "FileDeleted",
    "FileList",
    "FilePurpose",
    "FileTypes",
    "FileContent",
    "ExpiresAfter",
    "Omit",
    "omit",
    "NotGiven",
    "NOT_GIVEN",
    "OpenAIError",
    "APIError",
    "APIStatusError",
    "APIResponseValidationError",
    "APIConnectionError",
    "APITimeoutError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "PluginError",
    "UploadError",
    "ChecksumMismatchError",
    "UploadVetoedError",
    "UploadCompletionError",
    "UploadExpiredError",
    "FileChangedError",
    "MissingFileError",
    "FileTooLargeError",
    "hookimpl",
    "UploadsPlugin",
    "RetryContext",
    "RetryDecision",
    "Veto",
    "TransferStarted",
    "UploadStarted",
    "BytesSent",
    "PartCompleted",
    "UploadCompleted",
    "UploadFailed",
    "UploadCancelled",
    "RequestInfo",
    "RequestStarted",
    "OutgoingRequest",
    "RequestFinished",
    "DigestSetup",
    "DigestsComputed",
}


def test_all_lists_the_public_api() -> None:
    assert set(openai_uploads.__all__) == EXPECTED
    assert len(openai_uploads.__all__) == len(EXPECTED)


def test_every_public_name_is_importable() -> None:
    for name in openai_uploads.__all__:
        assert getattr(openai_uploads, name) is not None, name


def test_clients_and_models_are_documented() -> None:
    for name in ("OpenAI", "AsyncOpenAI", "Upload", "UploadPart", "FileObject", "FileDeleted"):
        assert getattr(openai_uploads, name).__doc__, name


def test_azure_names_are_openai_pythons() -> None:
    """What ``openai.lib.azure`` offers besides the clients, importable from the top level."""
    import openai.lib.azure as openai_azure

    for name in ("AzureADTokenProvider", "AsyncAzureADTokenProvider", "MutuallyExclusiveAuthError"):
        assert hasattr(openai_azure, name), name
        assert getattr(openai_uploads, name) is getattr(openai_uploads._azure, name), name
    assert issubclass(openai_uploads.MutuallyExclusiveAuthError, openai_uploads.OpenAIError)
