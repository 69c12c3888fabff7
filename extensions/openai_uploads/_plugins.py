"""The plugin manager of a client, behind a typed facade.

The rest of the package calls :class:`PluginHost` methods, never ``pm.hook.<name>``, so
every hook call is typed and the error policy lives in one place:

* observer hooks (progress, lifecycle): a plugin's exception is logged once per plugin
  and hook, then ignored, so it can never corrupt or stop an upload;
* decision hooks (``decide_retry``, ``digest_algorithms``, ``check_digests``): a
  plugin's exception propagates as :class:`PluginError`, which fails the transfer
  (and so cancels the Upload).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from typing import Any

import pluggy

from . import hookspecs
from ._exceptions import PluginError
from .hookspecs import (
    BytesSent,
    DigestsComputed,
    DigestSetup,
    HasherFactory,
    PartCompleted,
    RequestFinished,
    RequestStarted,
    RetryContext,
    RetryDecision,
    UploadCancelled,
    UploadCompleted,
    UploadFailed,
    UploadStarted,
    Veto,
)

log = logging.getLogger("openai_uploads")

DISABLE_AUTOLOAD_ENV = "OPENAI_UPLOADS_DISABLE_PLUGIN_AUTOLOAD"
"""Set to ``1`` to stop installed plugins (entry points) from loading."""

_OBSERVER_HOOKS = (
    "on_upload_started",
    "on_bytes_sent",
    "on_part_completed",
    "on_upload_completed",
    "on_upload_failed",
    "on_upload_cancelled",
    "on_request_start",
    "on_request_end",
)


def _autoload_disabled_by_env() -> bool:
    return os.environ.get(DISABLE_AUTOLOAD_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def default_plugins() -> list[object]:
    """The built-in plugins every client starts with (they use the public hooks)."""
    from .plugins import checksum, retry
    from .plugins import logging as logging_plugin

    return [retry, checksum, logging_plugin]


class PluginHost:
    """One client's plugins: built-ins, installed entry points, and the caller's own.

    Order of precedence for decisions: the caller's plugins first (last registered runs
    first in pluggy), then installed plugins, then the built-ins (marked ``trylast``).
    """

    def __init__(
        self,
        plugins: Iterable[object] = (),
        *,
        load_entrypoints: bool | None = None,
    ) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        for plugin in default_plugins():
            self.pm.register(plugin, name=f"openai_uploads.builtin.{_plugin_name(plugin)}")
        if load_entrypoints is None:
            load_entrypoints = not _autoload_disabled_by_env()
        if load_entrypoints:
            self.pm.load_setuptools_entrypoints(hookspecs.PROJECT_NAME)
        for plugin in plugins:
            self.register(plugin)
        self.pm.check_pending()
        self._warned: set[tuple[str, str]] = set()
        self._refresh()

    def register(self, plugin: object, name: str | None = None) -> None:
        """Register a plugin object or module; a misspelled hook name fails here."""
        self.pm.register(plugin, name=name)
        self.pm.check_pending()
        self._refresh()

    def unregister(self, plugin: object) -> None:
        self.pm.unregister(plugin)
        self._refresh()

    def _refresh(self) -> None:
        # Skip building events for hooks nobody implements (the hot path of a transfer).
        self.wants_progress = bool(self.pm.hook.on_bytes_sent.get_hookimpls())
        self.wants_requests = bool(
            self.pm.hook.on_request_start.get_hookimpls()
            or self.pm.hook.on_request_end.get_hookimpls()
        )

    def list_plugin_names(self) -> list[str]:
        return [name for name, _ in self.pm.list_name_plugin()]

    # ------------------------------------------------------------------ observers

    def _observe(self, hook_name: str, event: object) -> None:
        hook = getattr(self.pm.hook, hook_name)
        for impl in reversed(hook.get_hookimpls()):
            try:
                impl.function(event=event)
            except Exception as exc:
                key = (impl.plugin_name, hook_name)
                if key not in self._warned:
                    self._warned.add(key)
                    log.warning(
                        "plugin %r raised in %s (ignored, and not logged again): %r",
                        impl.plugin_name,
                        hook_name,
                        exc,
                    )

    def upload_started(self, event: UploadStarted) -> None:
        self._observe("on_upload_started", event)

    def bytes_sent(self, event: BytesSent) -> None:
        self._observe("on_bytes_sent", event)

    def part_completed(self, event: PartCompleted) -> None:
        self._observe("on_part_completed", event)

    def upload_completed(self, event: UploadCompleted) -> None:
        self._observe("on_upload_completed", event)

    def upload_failed(self, event: UploadFailed) -> None:
        self._observe("on_upload_failed", event)

    def upload_cancelled(self, event: UploadCancelled) -> None:
        self._observe("on_upload_cancelled", event)

    def request_started(self, event: RequestStarted) -> None:
        self._observe("on_request_start", event)

    def request_finished(self, event: RequestFinished) -> None:
        self._observe("on_request_end", event)

    # ------------------------------------------------------------------ decisions

    def _decide(self, hook_name: str, event: object) -> Any:
        try:
            return getattr(self.pm.hook, hook_name)(event=event)
        except Exception as exc:
            raise PluginError(f"a plugin failed in {hook_name}: {exc!r}", hook=hook_name) from exc

    def decide_retry(self, event: RetryContext) -> RetryDecision:
        decision = self._decide("decide_retry", event)
        if decision is None:  # only when the built-in policy was unregistered
            return RetryDecision.give_up()
        if not isinstance(decision, RetryDecision):
            raise PluginError(
                f"decide_retry must return a RetryDecision or None, got {decision!r}",
                hook="decide_retry",
            )
        return decision

    def digest_algorithms(self, event: DigestSetup) -> dict[str, HasherFactory]:
        results: list[Mapping[str, HasherFactory] | None] = self._decide("digest_algorithms", event)
        merged: dict[str, HasherFactory] = {}
        # pluggy returns the last-registered plugin first; let the caller's own win.
        for mapping in reversed(results):
            if mapping:
                merged.update(mapping)
        return merged

    def check_digests(self, event: DigestsComputed) -> list[Veto]:
        results: list[Veto | None] = self._decide("check_digests", event)
        return [veto for veto in results if veto is not None]


def _plugin_name(plugin: object) -> str:
    name = getattr(plugin, "__name__", None) or type(plugin).__name__
    return str(name).rsplit(".", 1)[-1]
