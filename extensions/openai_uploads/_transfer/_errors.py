"""Failure policy: whether to cancel the Upload, and which exception the caller sees."""

from __future__ import annotations

from .._credentials import copy_exception, error_for_hooks
from .._exceptions import (
    ChecksumMismatchError,
    FileChangedError,
    OpenAIError,
    UploadCompletionError,
    UploadError,
    UploadExpiredError,
    UploadVetoedError,
)


class TransferAborted(Exception):
    """Raised inside an in-flight part's body stream to stop it once the transfer failed."""


ALWAYS_CANCEL = (ChecksumMismatchError, UploadVetoedError, UploadExpiredError, FileChangedError)
"""Failures that a resume could not fix: the Upload is cancelled even when kept otherwise."""


def should_cancel(exc: BaseException, *, upload_id: str | None, keep_on_failure: bool) -> bool:
    """Cancel the Upload on the server, unless the caller keeps it for resuming."""
    if upload_id is None:
        return False
    if isinstance(exc, UploadCompletionError):
        # A cancelled or completed Upload cannot be cancelled; a pending one always is.
        return exc.still_pending
    if isinstance(exc, ALWAYS_CANCEL):
        return True
    return not keep_on_failure


def translate_failure(
    exc: BaseException,
    *,
    upload_id: str | None,
    cancelled: bool,
    filename: str,
    state_path: str | None,
) -> tuple[BaseException, bool]:
    """The exception to raise for ``exc``, with the Upload named, and whether it was kept.

    * :class:`UploadError` (checksum, veto, expiry, unreadable input): itself, with
      ``upload_id`` and ``upload_cancelled`` filled in.
    * Other errors of this package (API errors, :class:`PluginError`): the same
      exception, so ``except BadRequestError`` still works, with ``upload_id`` and
      ``upload_cancelled`` attributes and a note naming the Upload.
    * ``KeyboardInterrupt``, a cancellation (asyncio's or trio's) and any other
      ``BaseException`` that is not an ``Exception``: themselves, with the note.
    * Anything else: an :class:`UploadError` raised ``from`` it.
    """
    # After a wrong answer to complete the Upload may be cancelled or completed already:
    # nothing is kept for resuming then.
    settled = isinstance(exc, UploadCompletionError) and not exc.still_pending
    kept = upload_id is not None and not cancelled and not settled
    if settled:
        note = ""
    elif kept:
        how = (
            f"call upload_file_chunked again with resume=True to send the rest "
            f"(state in {state_path})"
            if state_path is not None
            else "cancel it with client.uploads.cancel(...) when done"
        )
        note = f"Upload {upload_id} was left pending: {how}"
    elif upload_id is not None:
        note = f"Upload {upload_id} was cancelled"
    else:
        note = ""
    error: BaseException
    if isinstance(exc, UploadError):
        if exc.upload_id is None:
            exc.upload_id = upload_id
        exc.upload_cancelled = cancelled
        error = exc
    elif isinstance(exc, OpenAIError) or not isinstance(exc, Exception):
        error = exc
        if isinstance(exc, OpenAIError):
            exc.upload_id = upload_id
            exc.upload_cancelled = cancelled
    else:
        error = UploadError(
            f"upload of {filename} failed: {exc!r}",
            upload_id=upload_id,
            upload_cancelled=cancelled,
        )
        error.__cause__ = exc
    if note and (kept or not isinstance(error, UploadError)):
        error.add_note(note)
    return error, kept


def failure_for_hooks(error: BaseException, depth: int = 8) -> BaseException:
    """``error`` for the ``UploadFailed`` event: :func:`.error_for_hooks`'s copy (its
    request and response without the credentials), and so for the errors it was raised
    from (an :class:`UploadError` raised from an httpx error carries its request there).
    The exceptions themselves are left as they are."""
    shown = error_for_hooks(error) or error
    cause = error.__cause__
    if cause is not None and depth > 0:
        shown_cause = failure_for_hooks(cause, depth - 1)
        if shown_cause is not cause:
            if shown is error:
                shown = copy_exception(error)
            shown.__cause__ = shown_cause
    return shown
