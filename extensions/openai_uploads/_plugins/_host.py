"""The plugin manager of a client: pluggy, plus the guarantees the rest of the package needs.

Every hook is dispatched by pluggy (``pm.hook.<name>(event=...)``): wrappers,
``tryfirst`` / ``trylast``, hook-call monitoring and tracing see every call, and an impl
may take any subset of a hook's arguments. What this package adds happens once, when a
plugin is registered (whoever registers it, ``pm.register`` included): the refusals and
guards of :mod:`._guards`. :class:`PluginHost` has a typed method per hook, so no other
module calls ``pm.hook``; which plugins it starts with is :mod:`._loading`'s part.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn, TypeVar

import pluggy

from .. import hookspecs
from .._exceptions import PluginError
from ._guards import Refused, guard, refuse_async, validate
from ._loading import BUILTIN_PREFIX, LoadedPlugins, PluginSelection

log = logging.getLogger(__name__)

E = TypeVar("E")


class UploadsPluginManager(pluggy.PluginManager):
    """pluggy's manager; every registration is checked and its impls guarded."""

    def __init__(self, host: PluginHost) -> None:
        super().__init__(hookspecs.PROJECT_NAME)
        self._host = host

    def register(self, plugin: object, name: str | None = None) -> str | None:
        host = self._host
        name = name or host.default_name(plugin)
        builtin = name.startswith(BUILTIN_PREFIX)
        try:
            refuse_async(self, plugin)
            registered = super().register(plugin, name)
        except pluggy.PluginValidationError as exc:
            raise host.refusal(name, str(exc).splitlines()[0]) from exc
        except Refused as exc:
            raise host.refusal(name, str(exc)) from None
        except ValueError as exc:  # already registered, or the name is taken
            raise host.refusal(name, str(exc)) from exc
        if registered is None:  # blocked with pm.set_blocked
            return None
        try:
            validate(self, plugin, builtin=builtin)
        except Refused as exc:
            super().unregister(plugin)
            raise host.refusal(name, str(exc)) from None
        guard(self, plugin, name, builtin=builtin, faults=host)
        host.refresh()
        return registered

    def unregister(self, plugin: object | None = None, name: str | None = None) -> Any:
        result = super().unregister(plugin, name)
        self._host.refresh()
        return result


class PluginHost(LoadedPlugins):
    """One client's plugins: built-ins, installed entry points, and the caller's own.

    Order for every hook is pluggy's: ``tryfirst`` impls, then the most recently
    registered plugin first, then ``trylast`` ones. Registration order is the built-ins,
    then installed plugins, then the caller's ``plugins=[...]`` in the order given, so
    the caller's last plugin is called first; the built-in retry and md5 impls are
    ``trylast``.
    """

    def __init__(
        self,
        plugins: Iterable[object] = (),
        *,
        load_entrypoints: bool | None = None,
        selection: PluginSelection | None = None,
    ) -> None:
        super().__init__()
        self._warned: set[tuple[str, str]] = set()
        self._place: dict[str, int | None] = {}
        self.wants_progress = False
        self.wants_requests = False
        self.wants_prepare = False
        self.pm = UploadsPluginManager(self)
        self.pm.add_hookspecs(hookspecs)
        self._load(selection or PluginSelection.from_env(), load_entrypoints)
        for plugin in plugins:
            self.register(plugin)
        self.refresh()

    # ------------------------------------------------------------------ registration

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """Register a plugin object or module; a fault in it raises :class:`PluginError`."""
        return self.pm.register(plugin, name=name)

    def unregister(self, plugin: object) -> None:
        self.pm.unregister(plugin)

    def refresh(self) -> None:
        # Skip building events for hooks nobody implements (the hot path of a transfer).
        hook = self.pm.hook
        self.wants_progress = bool(hook.on_bytes_sent.get_hookimpls())
        self.wants_requests = bool(
            hook.on_request_start.get_hookimpls() or hook.on_request_end.get_hookimpls()
        )
        self.wants_prepare = bool(hook.prepare_request.get_hookimpls())

    def default_name(self, plugin: object) -> str:
        """A readable registered name: the module's or the class's, made unique."""
        base = getattr(plugin, "__name__", None)
        if not isinstance(base, str) or not base:
            base = type(plugin).__name__
        name, n = base, 1
        while self.pm.has_plugin(name):
            n += 1
            name = f"{base}#{n}"
        return name

    def for_file(self, index: int, count: int | None) -> PluginHost:
        """This host, for file ``index`` of ``count`` of ``upload_many``: the per-file
        events fired through it carry ``file_index`` and ``file_count``."""
        view = copy.copy(self)
        view._place = {"file_index": index, "file_count": count}
        return view

    def _placed(self, event: E) -> E:
        if not self._place:
            return event
        return dataclasses.replace(event, **self._place)  # type: ignore[type-var]

    # ------------------------------------------------------------------ faults

    def observer_failed(self, name: str, hook: str, exc: BaseException) -> None:
        key = (name, hook)
        with self._warn_lock:
            if key in self._warned:
                return
            self._warned.add(key)
        log.warning(
            "plugin %s raised in %s (ignored, and not logged again): %r",
            self.label(name),
            hook,
            exc,
        )
        # The warning stays one line; the traceback is there for whoever logs DEBUG.
        log.debug("traceback of plugin %s in %s:", self.label(name), hook, exc_info=exc)

    def decision_failed(self, name: str, hook: str, exc: BaseException) -> NoReturn:
        if isinstance(exc, PluginError):
            raise exc
        raise self.fault(name, hook, f"raised {exc!r}") from exc

    # ------------------------------------------------------------------ observers

    def _observe(self, hook: str, event: object) -> None:
        # Impls are guarded; what is left is pluggy's own (a monitoring callback, a
        # wrapper that broke pluggy's protocol): logged the same way, never raised.
        try:
            getattr(self.pm.hook, hook)(event=event)
        except Exception as exc:
            self.observer_failed("(pluggy)", hook, exc)

    def transfer_started(self, event: hookspecs.TransferStarted) -> None:
        self._observe("on_transfer_started", self._placed(event))

    def upload_started(self, event: hookspecs.UploadStarted) -> None:
        self._observe("on_upload_started", self._placed(event))

    def bytes_sent(self, event: hookspecs.BytesSent) -> None:
        try:
            self.pm.hook.on_bytes_sent(event=event)
        except Exception as exc:
            self.observer_failed("(pluggy)", "on_bytes_sent", exc)

    def part_completed(self, event: hookspecs.PartCompleted) -> None:
        self._observe("on_part_completed", self._placed(event))

    def upload_completed(self, event: hookspecs.UploadCompleted) -> None:
        self._observe("on_upload_completed", self._placed(event))

    def upload_failed(self, event: hookspecs.UploadFailed) -> None:
        self._observe("on_upload_failed", self._placed(event))

    def upload_cancelled(self, event: hookspecs.UploadCancelled) -> None:
        self._observe("on_upload_cancelled", self._placed(event))

    def batch_started(self, event: hookspecs.BatchStarted) -> None:
        self._observe("on_batch_started", event)

    def batch_finished(self, event: hookspecs.BatchFinished) -> None:
        self._observe("on_batch_finished", event)

    def request_started(self, event: hookspecs.RequestStarted) -> None:
        self._observe("on_request_start", event)

    def request_finished(self, event: hookspecs.RequestFinished) -> None:
        self._observe("on_request_end", event)

    # ------------------------------------------------------------------ decisions

    def _decide(self, hook: str, event: object) -> Any:
        try:
            return getattr(self.pm.hook, hook)(event=event)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(f"a plugin failed in {hook}: {exc!r}", hook=hook) from exc

    def prepare_request(self, event: hookspecs.OutgoingRequest) -> None:
        self._decide("prepare_request", event)

    def decide_retry(self, event: hookspecs.RetryContext) -> hookspecs.RetryDecision:
        decision = self._decide("decide_retry", event)
        if decision is None:  # only when the built-in policy is turned off
            return hookspecs.RetryDecision.give_up()
        if not isinstance(decision, hookspecs.RetryDecision):  # a wrapper changed the result
            raise PluginError(
                f"decide_retry must return a hookspecs.RetryDecision or None, got {decision!r}",
                hook="decide_retry",
            )
        if decision.retry and event.attempt >= event.max_retries:
            # The client caps retries, whatever a plugin decides.
            log.debug(
                "%s: a plugin asked for retry %d, over max_retries=%d: not retried",
                event.operation,
                event.attempt + 1,
                event.max_retries,
            )
            return hookspecs.RetryDecision.give_up()
        return decision

    def digest_algorithms(self, event: hookspecs.DigestSetup) -> dict[str, hookspecs.HasherFactory]:
        results: list[Mapping[str, hookspecs.HasherFactory] | None] = self._decide(
            "digest_algorithms", event
        )
        merged: dict[str, hookspecs.HasherFactory] = {}
        # pluggy's call order: the plugin called first wins a name.
        for mapping in results:
            for algorithm, factory in (mapping or {}).items():
                merged.setdefault(algorithm, factory)
        return merged

    def check_digests(self, event: hookspecs.DigestsComputed) -> list[hookspecs.Veto]:
        results: list[hookspecs.Veto | None] = self._decide("check_digests", event)
        return [veto for veto in results if isinstance(veto, hookspecs.Veto)]
